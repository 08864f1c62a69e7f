"""The cases API: same scoping as the screens, in the OpenAPI schema."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from simpul.cases import services
from simpul.cases.models import Case, CaseStatus
from simpul.cases.tests.conftest import FULL, approve_plan, open_case
from simpul.core.models import AccessLog
from simpul.testing.auth import login, login_verified
from simpul.testing.factories import ChildFactory, term


@pytest.fixture
def partner_case(case, worker, supervisor, partner_org, sharing_allowed):
    """The partner is responsible for an action of the APPROVED plan (a draft grants nothing)."""
    plan = services.plan_create(actor=worker, case=case)
    goal = services.plan_goal_add(actor=worker, plan=plan, description="Sekolah")
    services.plan_action_add(
        actor=worker,
        goal=goal,
        description="Bimbel",
        responsible_organization=partner_org,
        due_date=dt.date(2030, 1, 1),
    )
    approve_plan(plan, worker, supervisor)
    return Case.objects.get(pk=case.pk)


def test_list_is_scoped(client, case, worker, colleague, other_supervisor):
    login(client, worker)
    data = client.get("/api/v1/cases/").json()
    assert [c["case_number"] for c in data["results"]] == [case.case_number]
    client.logout()
    login(client, colleague)
    assert client.get("/api/v1/cases/").json()["results"] == []
    client.logout()
    login_verified(client, other_supervisor)
    assert client.get("/api/v1/cases/").json()["results"] == []


def test_create_and_retrieve(client, worker):
    child = ChildFactory()
    login(client, worker)
    response = client.post(
        "/api/v1/cases/",
        {
            "child": str(child.pk),
            "intake_channel": "walk_in",
            "intake_details": "Datang sendiri",
            "reported_at": timezone.now().isoformat(),
            "risk_level": "low",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["case_number"].startswith("KAS-") and body["intake_details"] == "Datang sendiri"
    assert client.get(f"/api/v1/cases/{body['id']}/").json()["child_name"] == child.full_name
    assert AccessLog.objects.filter(action="view", child_id=str(child.pk)).exists()


def test_unknown_fields_are_refused_and_change_nothing(client, case, worker):
    """A misspelt field (here the Indonesian name of one) is a 400, never silently dropped."""
    login(client, worker)
    response = client.post(
        "/api/v1/cases/",
        {
            "child": str(ChildFactory().pk),
            "intake_channel": "walk_in",
            "intake_details": "Datang sendiri",
            "reported_at": timezone.now().isoformat(),
            "tingkat_risiko": "high",
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "tingkat_risiko" in str(response.json())
    assert Case.objects.count() == 1
    response = client.post(
        f"/api/v1/cases/{case.pk}/transitions/",
        {"to_status": "registered", "alasan": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == CaseStatus.REPORTED


def test_coercive_without_justification_is_400(client, worker):
    login(client, worker)
    response = client.post(
        "/api/v1/cases/",
        {
            "child": str(ChildFactory().pk),
            "intake_channel": "satpol_pp",
            "intake_details": "Razia",
            "reported_at": timezone.now().isoformat(),
            "risk_level": "high",
            "outreach_method": "coercive",
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "detail" in response.json()
    assert not Case.objects.exists()


def test_illegal_transition_is_400_with_allowed(client, case, worker):
    login(client, worker)
    response = client.post(
        f"/api/v1/cases/{case.pk}/transitions/",
        {"to_status": "closed"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["allowed"] == ["registered"]
    response = client.post(
        f"/api/v1/cases/{case.pk}/transitions/",
        {"to_status": "registered"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == CaseStatus.REGISTERED


def test_assessments_save_submit(client, case, worker):
    login(client, worker)
    response = client.post(
        f"/api/v1/cases/{case.pk}/assessments/",
        {"kind": "full", "data": FULL, "submit": True},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["status"] == "submitted"
    assert client.get(f"/api/v1/cases/{case.pk}/assessments/").json()["count"] == 1


def test_partner_limits(client, partner_case, partner, partner_org, other_partner):
    login(client, partner)
    detail = client.get(f"/api/v1/cases/{partner_case.pk}/").json()
    assert detail["partner_view"] is True and "intake_details" not in detail
    assert client.get(f"/api/v1/cases/{partner_case.pk}/assessments/").status_code == 403
    assert client.get(f"/api/v1/cases/{partner_case.pk}/plans/").status_code == 403
    response = client.post(
        f"/api/v1/cases/{partner_case.pk}/services/",
        {
            "service_type": term("service-type", "residential-care").code,
            "organization": str(partner_org.pk),
            "delivered_on": timezone.localdate().isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    client.logout()
    login(client, other_partner)
    assert client.get(f"/api/v1/cases/{partner_case.pk}/").status_code == 404


def test_restricted_case_needs_reason(client, worker, supervisor):
    restricted = open_case(worker, ChildFactory(), is_sensitive=True)
    login_verified(client, supervisor)
    assert client.get(f"/api/v1/cases/{restricted.pk}/").status_code == 403
    response = client.get(
        f"/api/v1/cases/{restricted.pk}/", {"reason": "Audit keterlambatan kasus"}
    )
    assert response.status_code == 200
    assert AccessLog.objects.filter(
        action="open_restricted", reason="Audit keterlambatan kasus"
    ).exists()


def test_cases_in_openapi_schema(client, worker):
    login(client, worker)
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/cases/",
        "/api/v1/cases/{id}/transitions/",
        "/api/v1/cases/{id}/assessments/",
        "/api/v1/cases/{id}/plans/",
        "/api/v1/cases/{id}/services/",
    ):
        assert path in schema["paths"], path


def test_plan_and_closure_journey_through_the_api(
    client, case, worker, supervisor, partner, partner_org, sharing_allowed
):
    """Assessment approval, plan goals/actions, submission, approval, partner progress, closure."""
    from simpul.cases.tests.conftest import INITIAL

    api = f"/api/v1/cases/{case.pk}"

    def post(url, data=None):
        return client.post(url, data or {}, content_type="application/json")

    login(client, worker)
    assert post(f"{api}/transitions/", {"to_status": "registered"}).status_code == 200
    assert post(f"{api}/transitions/", {"to_status": "initial_assessment"}).status_code == 200
    assert (
        post(
            f"{api}/assessments/", {"kind": "initial", "data": INITIAL, "submit": True}
        ).status_code
        == 201
    )
    assert post(f"{api}/transitions/", {"to_status": "full_assessment"}).status_code == 200
    full = post(f"{api}/assessments/", {"kind": "full", "data": FULL, "submit": True}).json()
    # The worker cannot approve; the supervisor can.
    assert (
        post(f"{api}/assessments/{full['id']}/decision/", {"decision": "approve"}).status_code
        == 403
    )
    plan = post(f"{api}/plans/", {"summary": "Kembali sekolah"}).json()
    response = post(f"{api}/plans/{plan['id']}/submit/")
    assert response.status_code == 400
    assert (
        "goal" in response.json()["detail"].lower() or "tujuan" in response.json()["detail"].lower()
    )
    goal = post(f"{api}/plans/{plan['id']}/goals/", {"description": "Anak kembali sekolah"}).json()
    response = post(
        f"{api}/goals/{goal['id']}/actions/",
        {
            "description": "Bimbingan belajar",
            "responsible_organization": str(partner_org.pk),
            "due_date": "2030-01-01",
        },
    )
    assert response.status_code == 201, response.content
    action_id = response.json()["id"]
    assert post(f"{api}/plans/{plan['id']}/submit/").json()["status"] == "submitted"
    client.logout()

    login_verified(client, supervisor)
    response = post(f"{api}/plans/{plan['id']}/decision/", {"decision": "approve"})
    assert response.status_code == 400  # the full assessment is not approved yet
    assert (
        post(f"{api}/assessments/{full['id']}/decision/", {"decision": "approve"}).json()["status"]
        == "approved"
    )
    assert (
        post(f"{api}/plans/{plan['id']}/decision/", {"decision": "return"}).status_code == 400
    )  # a note is needed
    assert (
        post(f"{api}/plans/{plan['id']}/decision/", {"decision": "approve"}).json()["status"]
        == "approved"
    )
    assert client.get(f"{api}/").json()["status"] == CaseStatus.PLAN_APPROVED
    client.logout()

    login(client, partner)
    response = client.patch(
        f"{api}/plan-actions/{action_id}/",
        {"status": "in_progress"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    assert post(f"{api}/closure/", {"reason": "goals_met"}).status_code == 403
    client.logout()

    login(client, worker)
    assert post(f"{api}/transitions/", {"to_status": "implementation"}).status_code == 200
    assert post(f"{api}/closure/", {"reason": "other"}).status_code == 400  # "other" needs a note
    assert (
        post(f"{api}/closure/", {"reason": "goals_met"}).json()["status"]
        == CaseStatus.CLOSURE_PENDING
    )
    client.logout()

    login_verified(client, supervisor)
    body = post(f"{api}/closure/decision/", {"decision": "approve"}).json()
    assert body["status"] == CaseStatus.CLOSED
    assert not case.assignments.filter(organization=partner_org, ended_at__isnull=True).exists()


def test_new_case_endpoints_in_openapi_schema(client, worker):
    login(client, worker)
    paths = client.get("/api/v1/schema/", {"format": "json"}).json()["paths"]
    for suffix in (
        "/plans/{plan_pk}/goals/",
        "/plans/{plan_pk}/submit/",
        "/plans/{plan_pk}/decision/",
        "/goals/{goal_pk}/actions/",
        "/plan-actions/{action_pk}/",
        "/assessments/{assessment_pk}/decision/",
        "/closure/",
        "/closure/decision/",
    ):
        assert any(p.endswith(suffix) for p in paths), suffix
