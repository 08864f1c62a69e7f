"""Personas and helpers for the case tests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from simpul.accounts.models import Role
from simpul.cases import services
from simpul.directory.models import OrganizationType
from simpul.testing.factories import ChildFactory, OrganizationFactory, make_user, sudin


@pytest.fixture
def sudin_timur(db):
    return sudin("31.75")


@pytest.fixture
def sudin_pusat(db):
    return sudin("31.71")


@pytest.fixture
def worker(sudin_timur):
    return make_user(Role.CASE_WORKER, sudin_timur)


@pytest.fixture
def colleague(sudin_timur):
    """Another case worker of the same Suku Dinas, not on the case."""
    return make_user(Role.CASE_WORKER, sudin_timur)


@pytest.fixture
def supervisor(sudin_timur):
    return make_user(Role.SUPERVISOR, sudin_timur)


@pytest.fixture
def supervisor2(sudin_timur):
    return make_user(Role.SUPERVISOR, sudin_timur)


@pytest.fixture
def other_supervisor(sudin_pusat):
    """A supervisor of another kota (Jakarta Pusat)."""
    return make_user(Role.SUPERVISOR, sudin_pusat)


@pytest.fixture
def partner_org(db):
    return OrganizationFactory(org_type=OrganizationType.LKSA)


@pytest.fixture
def partner(partner_org):
    return make_user(Role.ORG_STAFF, partner_org)


@pytest.fixture
def other_partner(db):
    return make_user(Role.ORG_STAFF, OrganizationFactory(org_type=OrganizationType.YAYASAN))


@pytest.fixture
def child(db):
    return ChildFactory()


@pytest.fixture
def sharing_allowed(monkeypatch):
    """Consent rules are the children app's; here every sharing is allowed unless a test says no."""
    calls = []
    monkeypatch.setattr(
        "simpul.cases.services.assignments._require_sharing_allowed",
        lambda child, org: calls.append((child, org)),
    )
    return calls


def open_case(actor, child, **kwargs):
    params = {
        "intake_channel": "outreach",
        "intake_details": "Ditemukan di perempatan",
        "reported_at": timezone.now(),
        "outreach_method": "persuasive",
        "risk_level": "medium",
    }
    params.update(kwargs)
    return services.case_open(actor=actor, child=child, **params)


@pytest.fixture
def case(worker, supervisor, child):
    c = open_case(
        worker, child, supervisor=supervisor, reported_at=timezone.now() - dt.timedelta(hours=1)
    )
    return c


INITIAL = {
    "safety_concerns": "Tidur di jalan",
    "immediate_danger": "no",
    "immediate_needs": "Makanan",
    "family_contact": "unknown",
    "family_contact_notes": "",
    "health": "Sehat",
    "recommendation": "full_assessment",
    "recommendation_notes": "",
    "risk_level_proposed": "medium",
}
FULL = {
    "safety_rating": "some",
    "safety": "Aman di panti",
    "health_rating": "good",
    "health": "",
    "education_rating": "serious",
    "education": "Putus sekolah",
    "family_rating": "some",
    "family": "Ibu di Bekasi",
    "psychosocial_rating": "good",
    "psychosocial": "",
    "identity_rating": "serious",
    "identity_documents": "Tidak ada akta",
    "strengths": "Semangat belajar",
    "needs": "Akta, sekolah",
    "child_views": "Ingin sekolah lagi",
}


@pytest.fixture(autouse=True)
def _english_messages():
    """Service tests match on message text: read them in English (the msgids)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def to_plan_stage(case, worker, supervisor):
    """Bring the case to the full assessment with an approved full assessment (if needed): the
    first point where a plan may be submitted."""
    from simpul.cases.models import Assessment, Case, CaseStatus

    case = Case.objects.get(pk=case.pk)
    if case.status in (CaseStatus.REPORTED, CaseStatus.REGISTERED):
        if case.status == CaseStatus.REPORTED:
            services.case_transition(actor=worker, case=case, to_status=CaseStatus.REGISTERED)
        services.case_transition(actor=worker, case=case, to_status=CaseStatus.INITIAL_ASSESSMENT)
    if case.status == CaseStatus.INITIAL_ASSESSMENT:
        services.assessment_submit(
            actor=worker,
            assessment=services.assessment_save(
                actor=worker, case=case, kind="initial", data=INITIAL
            ),
        )
        services.case_transition(actor=worker, case=case, to_status=CaseStatus.FULL_ASSESSMENT)
    if not case.assessments.filter(kind="full", status=Assessment.Status.APPROVED).exists():
        full = services.assessment_submit(
            actor=worker,
            assessment=services.assessment_save(actor=worker, case=case, kind="full", data=FULL),
        )
        services.assessment_approve(actor=supervisor, assessment=full)
    return case


def approve_plan(plan, worker, supervisor):
    """Bring the case to full assessment (if needed), submit and approve ``plan``: a partner
    named in a plan action gets access to the case only from here."""
    to_plan_stage(plan.case, worker, supervisor)
    plan.refresh_from_db()
    services.plan_submit(actor=worker, plan=plan)
    plan.refresh_from_db()
    return services.plan_approve(actor=supervisor, plan=plan)
