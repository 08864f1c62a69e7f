"""Referral services: the transition table (every pair), reasons and outcomes, access through
the case's assignments, consent, reassignment."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import PermissionDenied

from simpul.cases.models import CaseAssignment
from simpul.core.exceptions import ApplicationError
from simpul.core.models import AuditEvent
from simpul.referrals import services
from simpul.referrals.models import Referral, ReferralEvent, ReferralStatus

S = ReferralStatus
pytestmark = pytest.mark.django_db


def _force(referral, status):
    Referral.objects.filter(pk=referral.pk).update(status=status)
    referral.refresh_from_db()
    return referral


def _args(to_status):
    kw = {"reason": "alasan"}
    if to_status == S.COMPLETED:
        kw["outcome"] = "got_help"
    return kw


def test_create_sets_deadlines_event_and_audit(referral, worker):
    assert referral.status == S.REQUESTED
    assert referral.shared_fields == ["age", "category", "needs_summary"]
    assert referral.acknowledge_due < referral.decide_due <= referral.start_due
    assert referral.sharing_basis == "consent"
    assert ReferralEvent.objects.filter(referral=referral, to_status=S.REQUESTED).count() == 1
    assert AuditEvent.objects.filter(action="referrals.referral.created").count() == 1


@pytest.mark.parametrize(("before", "after"), list(itertools.product(S.values, S.values)))
def test_every_pair(referral, lksa_staff, worker, supervisor, before, after):
    referral = _force(referral, before)
    action = services.TRANSITIONS.get((before, after))
    actor = lksa_staff if action in services.RECEIVER_ACTIONS else worker
    events_before = ReferralEvent.objects.count()
    if action is None:
        with pytest.raises(ApplicationError):
            services.referral_transition(
                referral=referral, actor=actor, to_status=after, **_args(after)
            )
        referral.refresh_from_db()
        assert referral.status == before
        assert ReferralEvent.objects.count() == events_before
    else:
        services.referral_transition(
            referral=referral, actor=actor, to_status=after, **_args(after)
        )
        referral.refresh_from_db()
        assert referral.status == after
        assert ReferralEvent.objects.count() == events_before + 1


@pytest.mark.parametrize("to_status", [S.REJECTED, S.CANCELLED])
def test_reason_required(referral, lksa_staff, worker, to_status):
    actor = lksa_staff if to_status == S.REJECTED else worker
    with pytest.raises(ApplicationError, match="reason"):
        services.referral_transition(referral=referral, actor=actor, to_status=to_status)
    referral.refresh_from_db()
    assert referral.status == S.REQUESTED


def test_outcome_required_and_fail_reason(referral, lksa_staff):
    services.referral_accept(referral=referral, actor=lksa_staff)
    with pytest.raises(ApplicationError, match="outcome"):
        services.referral_complete(referral=referral, actor=lksa_staff, outcome="")
    with pytest.raises(ApplicationError, match="reason"):
        services.referral_fail(referral=referral, actor=lksa_staff, reason="")
    done = services.referral_complete(referral=referral, actor=lksa_staff, outcome="got_help")
    assert done.business_outcome == "got_help" and done.closed_at


def test_only_receiving_staff_act_and_sender_cancels(referral, yayasan_staff, worker, lksa_staff):
    with pytest.raises(PermissionDenied):
        services.referral_accept(referral=referral, actor=yayasan_staff)
    with pytest.raises(PermissionDenied):
        services.referral_accept(referral=referral, actor=worker)
    with pytest.raises(PermissionDenied):
        services.referral_cancel(referral=referral, actor=lksa_staff, reason="x")
    services.referral_cancel(referral=referral, actor=worker, reason="tidak perlu lagi")


def test_accept_grants_and_complete_ends_access(referral, lksa_staff, case, lksa):
    from simpul.access.cases import cases_visible_to

    assert not cases_visible_to(lksa_staff).filter(pk=case.pk).exists()
    services.referral_accept(referral=referral, actor=lksa_staff)
    assert case.assignments.filter(
        organization=lksa, kind=CaseAssignment.Kind.REFERRAL, ended_at__isnull=True
    ).exists()
    assert cases_visible_to(lksa_staff).filter(pk=case.pk).exists()
    services.referral_start(referral=referral, actor=lksa_staff)
    services.referral_complete(referral=referral, actor=lksa_staff, outcome="got_help")
    assert not case.assignments.filter(organization=lksa, ended_at__isnull=True).exists()
    assert not cases_visible_to(lksa_staff).filter(pk=case.pk).exists()


def test_access_stays_while_another_referral_of_the_org_is_active(
    referral, lksa_staff, case, lksa, worker
):
    other = services.referral_create(actor=worker, case=case, to_organization=lksa)
    services.referral_accept(referral=referral, actor=lksa_staff)
    services.referral_accept(referral=other, actor=lksa_staff)
    services.referral_fail(referral=referral, actor=lksa_staff, reason="anak pergi")
    assert case.assignments.filter(organization=lksa, ended_at__isnull=True).count() == 1
    services.referral_cancel(referral=other, actor=worker, reason="selesai")
    assert not case.assignments.filter(organization=lksa, ended_at__isnull=True).exists()


def test_consent_refusal_blocks(case, worker, lksa):
    with pytest.raises(ApplicationError, match="consent"):
        services.referral_create(actor=worker, case=case, to_organization=lksa)
    assert not Referral.objects.exists()


def test_colleague_not_on_case_cannot_refer(case, colleague, lksa, sharing_allowed):
    with pytest.raises(PermissionDenied):
        services.referral_create(actor=colleague, case=case, to_organization=lksa)


def test_skpd_details_validated(case, worker, sharing_allowed):
    from simpul.directory.models import OrganizationType
    from simpul.testing.factories import OrganizationFactory

    dukcapil = OrganizationFactory(org_type=OrganizationType.SKPD, name="Dukcapil")
    with pytest.raises(ApplicationError):
        services.referral_create(
            actor=worker,
            case=case,
            to_organization=dukcapil,
            kind="skpd_request",
            request_type="birth_certificate",
            request_details={},
        )
    with pytest.raises(ApplicationError):
        services.referral_create(
            actor=worker,
            case=case,
            to_organization=dukcapil,
            kind="skpd_request",
            request_type="birth_certificate",
            request_details={"parents_known": True, "x": 1},
        )
    with pytest.raises(ApplicationError):
        services.referral_create(
            actor=worker,
            case=case,
            to_organization=dukcapil,
            kind="skpd_request",
            request_type="school_place",
            request_details={"level": "kuliah"},
        )
    r = services.referral_create(
        actor=worker,
        case=case,
        to_organization=dukcapil,
        kind="skpd_request",
        request_type="birth_certificate",
        request_details={"parents_known": False, "birth_place": " Jakarta "},
    )
    assert r.request_details == {"parents_known": False, "birth_place": "Jakarta"}


def test_claim_receives(referral, lksa_staff, lksa_admin):
    r = services.referral_claim(referral=referral, actor=lksa_staff)
    assert r.status == S.RECEIVED and r.claimed_by == lksa_staff and r.acknowledged_at
    with pytest.raises(ApplicationError):
        services.referral_claim(referral=referral, actor=lksa_admin)


def test_reassign_keeps_history(referral, supervisor, worker, yayasan):
    with pytest.raises(PermissionDenied):
        services.referral_reassign(referral=referral, actor=worker, to_organization=yayasan)
    new = services.referral_reassign(
        referral=referral, actor=supervisor, to_organization=yayasan, reason="tidak menjawab"
    )
    referral.refresh_from_db()
    assert referral.status == S.CANCELLED and referral.status_reason.startswith("reassigned")
    assert new.reassigned_from == referral and new.to_organization == yayasan
    assert new.status == S.REQUESTED
