"""Referral screens: each page for the roles that may see it, 403/404 for the others, and every
refused request changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from simpul.referrals.models import Referral, ReferralStatus
from simpul.testing.auth import login
from simpul.testing.factories import ServiceFactory, term
from simpul.testing.home import assert_constant_queries, build

pytestmark = pytest.mark.django_db
S = ReferralStatus


@pytest.fixture
def client(client):
    """Pages in English (the msgids), whatever the default language."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _get(client, user, url):
    login(client, user)
    return client.get(url)


def _overdue(referral):
    Referral.objects.filter(pk=referral.pk).update(
        acknowledge_due=timezone.now() - dt.timedelta(days=2)
    )


# --- lists ------------------------------------------------------------------------------------
def test_queue_shows_the_referral_to_its_organisation_only(
    client, referral, lksa_staff, yayasan_staff
):
    page = _get(client, lksa_staff, reverse("referrals:queue"))
    assert page.status_code == 200
    assert referral.case.case_number in page.content.decode()
    client.logout()
    other = _get(client, yayasan_staff, reverse("referrals:queue"))
    assert other.status_code == 200
    assert referral.case.case_number not in other.content.decode()


def test_queue_marks_overdue(client, referral, lksa_staff):
    _overdue(referral)
    page = _get(client, lksa_staff, reverse("referrals:queue")).content.decode()
    assert "Overdue" in page


def test_outgoing_lists_the_workers_referrals(client, referral, worker, yayasan_staff):
    assert (
        referral.case.case_number
        in _get(client, worker, reverse("referrals:outgoing")).content.decode()
    )
    client.logout()
    page = _get(client, yayasan_staff, reverse("referrals:outgoing")).content.decode()
    assert referral.case.case_number not in page


def test_lists_need_sign_in(client):
    assert client.get(reverse("referrals:queue")).status_code == 302


def test_escalations_for_supervisors_only(client, referral, supervisor, worker, other_supervisor):
    _overdue(referral)
    page = _get(client, supervisor, reverse("referrals:escalations"))
    assert page.status_code == 200 and referral.case.case_number in page.content.decode()
    client.logout()
    other = _get(client, other_supervisor, reverse("referrals:escalations"))
    assert other.status_code == 200 and referral.case.case_number not in other.content.decode()
    client.logout()
    assert _get(client, worker, reverse("referrals:escalations")).status_code == 403


# --- detail -----------------------------------------------------------------------------------
def test_detail_for_sender_and_receiver_404_for_another_partner(
    client, referral, worker, lksa_staff, yayasan_staff, other_supervisor
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertions read English labels
    url = reverse("referrals:detail", args=[referral.pk])
    receiver = _get(client, lksa_staff, url)
    assert receiver.status_code == 200
    body = receiver.content.decode()
    assert "Butuh tempat tinggal" in body  # the needs summary travelled
    assert referral.case.child.full_name not in body  # the name did not
    assert "Claim" in body and "Accept" in body and "Cancel the referral" not in body
    client.logout()
    sender = _get(client, worker, url).content.decode()
    assert "Batalkan rujukan" in sender and ">Terima<" not in sender
    client.logout()
    assert _get(client, yayasan_staff, url).status_code == 404
    client.logout()
    assert _get(client, other_supervisor, url).status_code == 404


def test_receiver_claims_accepts_starts_and_completes(client, referral, lksa_staff, worker):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertions read English labels
    login(client, lksa_staff)

    def act(action, **data):
        return client.post(reverse("referrals:act", args=[referral.pk, action]), data)

    assert act("claim").status_code == 302
    referral.refresh_from_db()
    assert referral.claimed_by == lksa_staff
    act("accept")
    act("start")
    act("complete", outcome="got_help", note="Tinggal di LKSA")
    referral.refresh_from_db()
    assert referral.status == S.COMPLETED and referral.business_outcome == "got_help"
    client.logout()
    page = _get(client, worker, reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Selesai" in page and "Mendapat bantuan" in page


def test_reject_without_reason_changes_nothing(client, referral, lksa_staff):
    login(client, lksa_staff)
    response = client.post(reverse("referrals:act", args=[referral.pk, "reject"]), {"reason": ""})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.REQUESTED
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Give a reason" in page


def test_another_partner_cannot_act(client, referral, yayasan_staff):
    login(client, yayasan_staff)
    response = client.post(reverse("referrals:act", args=[referral.pk, "accept"]))
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == S.REQUESTED


def test_sender_cannot_accept_for_the_receiver(client, referral, worker):
    login(client, worker)
    response = client.post(reverse("referrals:act", args=[referral.pk, "accept"]))
    assert response.status_code in (302, 403)
    referral.refresh_from_db()
    assert referral.status == S.REQUESTED


# --- reassign ---------------------------------------------------------------------------------
def test_supervisor_reassigns(client, referral, supervisor, worker, yayasan, sharing_allowed):
    ServiceFactory(organization=yayasan)
    Referral.objects.filter(pk=referral.pk).update(
        service_type=term("service-type", "residential-care")
    )
    url = reverse("referrals:reassign", args=[referral.pk])
    assert _get(client, worker, url).status_code == 403
    client.logout()
    page = _get(client, supervisor, url)
    assert page.status_code == 200 and yayasan.name in page.content.decode()
    response = client.post(url, {"to_organization": str(yayasan.pk), "reason": "Tidak menjawab"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.CANCELLED
    new = Referral.objects.get(reassigned_from=referral)
    assert new.to_organization == yayasan


# --- composer ---------------------------------------------------------------------------------
@pytest.fixture
def lksa_service(lksa):
    return ServiceFactory(organization=lksa)


def test_composer_ranks_and_shows_what_travels(client, case, worker, lksa, lksa_service):
    url = (
        reverse("referrals:compose", args=[case.pk])
        + "?service_type=residential-care&urgency=normal"
    )
    page = _get(client, worker, url)
    assert page.status_code == 200
    body = page.content.decode()
    assert lksa.name in body and "free places" in body
    assert "No consent to share with it yet" in body
    assert 'value="age" checked' in body or "checked" in body


def test_composer_refuses_without_consent_and_changes_nothing(
    client, case, worker, lksa, lksa_service
):
    login(client, worker)
    url = (
        reverse("referrals:compose", args=[case.pk])
        + "?service_type=residential-care&urgency=normal"
    )
    response = client.post(
        url, {"to_organization": str(lksa.pk), "reason": "Tempat tinggal", "shared_fields": ["age"]}
    )
    assert response.status_code == 200
    assert "consent" in response.content.decode()
    assert Referral.objects.count() == 0


def test_composer_sends_with_consent(client, case, worker, lksa, lksa_service, sharing_allowed):
    login(client, worker)
    url = (
        reverse("referrals:compose", args=[case.pk]) + "?service_type=residential-care&urgency=high"
    )
    response = client.post(
        url,
        {
            "to_organization": str(lksa.pk),
            "reason": "Tempat tinggal",
            "shared_fields": ["age", "sex"],
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.to_organization == lksa and referral.urgency == "high"
    assert referral.shared_fields == ["age", "sex"]


def test_composer_is_for_the_case_team(client, case, lksa_staff, colleague):
    url = reverse("referrals:compose", args=[case.pk])
    assert _get(client, lksa_staff, url).status_code == 404
    client.logout()
    assert _get(client, colleague, url).status_code in (403, 404)


def test_case_summary_links_to_the_composer(client, case, worker):
    page = _get(client, worker, reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("referrals:compose", args=[case.pk]) in page


# --- response record --------------------------------------------------------------------------
def test_response_record_for_the_org_and_dinsos(
    client, referral, lksa, lksa_staff, yayasan_staff, worker
):
    url = reverse("referrals:record", args=[lksa.pk])
    assert _get(client, lksa_staff, url).status_code == 200
    client.logout()
    assert _get(client, worker, url).status_code == 200
    client.logout()
    assert _get(client, yayasan_staff, url).status_code == 403


# --- nav and home cards -----------------------------------------------------------------------
def test_nav_shows_referrals(client, lksa_staff):
    page = _get(client, lksa_staff, reverse("core:home")).content.decode()
    assert reverse("referrals:queue") in page


def test_incoming_card(referral, lksa_staff, yayasan_staff):
    data = build("referrals.incoming", lksa_staff)
    assert data.count == 1 and data.items[0].url.endswith(f"/{referral.pk}/")
    assert build("referrals.incoming", yayasan_staff).count == 0


def test_incoming_card_query_budget(case, worker, lksa, lksa_staff, sharing_allowed):
    from simpul.referrals import services

    def add(n):
        for _ in range(n):
            services.referral_create(
                actor=worker, case=case, to_organization=lksa, needs_summary="x"
            )

    add(1)
    assert_constant_queries("referrals.incoming", lksa_staff, add)


def test_overdue_and_escalation_cards(referral, worker, supervisor, other_supervisor):
    _overdue(referral)
    assert build("referrals.overdue_outgoing", worker).count == 1
    assert build("referrals.escalations", supervisor).count == 1
    assert build("referrals.escalations", other_supervisor).count == 0


def test_escalation_card_query_budget(case, worker, lksa, supervisor, sharing_allowed):
    from simpul.referrals import services

    def add(n):
        for _ in range(n):
            r = services.referral_create(
                actor=worker, case=case, to_organization=lksa, needs_summary="x"
            )
            _overdue(r)

    add(1)
    assert_constant_queries("referrals.escalations", supervisor, add)
