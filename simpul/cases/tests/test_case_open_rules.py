"""Who may open a case, for which lead organisation, and a second open case for one child.

One service rule (``case_open_lead_check`` / ``case_open_duplicate_check``) for the form and the
API; a refused request writes nothing (no case, no assignment, no audit row)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from simpul.access.children import children_visible_to
from simpul.accounts.models import Role
from simpul.cases import services
from simpul.cases.models import Case, CaseAssignment
from simpul.cases.tests.conftest import open_case
from simpul.core.exceptions import ApplicationError
from simpul.core.models import AuditEvent
from simpul.directory.models import OrganizationType
from simpul.testing.auth import login
from simpul.testing.factories import OrganizationFactory, make_user


@pytest.fixture
def ppapp(db):
    return OrganizationFactory(org_type=OrganizationType.SKPD, name="Dinas PPAPP")


@pytest.fixture
def liaison(ppapp):
    return make_user(Role.SKPD_LIAISON, ppapp)


@pytest.fixture
def partner_led(case, worker, partner_org, sharing_allowed):
    """The case is handed to the LKSA, whose staff then see the child (and may open cases)."""
    services.case_transfer(
        actor=worker, case=case, to_organization=partner_org, reason="Anak tinggal di LKSA"
    )
    return Case.objects.get(pk=case.pk)


def _counts():
    return (
        Case.objects.count(),
        CaseAssignment.objects.count(),
        AuditEvent.objects.filter(action="cases.case.opened").count(),
    )


def _api_payload(child, **extra):
    return {
        "child": str(child.pk),
        "intake_channel": "outreach",
        "intake_details": "Datang sendiri",
        "reported_at": (timezone.now() - dt.timedelta(minutes=5)).isoformat(),
        "risk_level": "medium",
        **extra,
    }


def test_api_partner_cannot_make_another_organisation_lead(
    client, partner_led, partner, ppapp, liaison
):
    child = partner_led.child
    before = _counts()
    login(client, partner)
    response = client.post(
        "/api/v1/cases/",
        _api_payload(child, lead_organization=str(ppapp.pk), confirm_duplicate_case=True),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert _counts() == before
    assert not CaseAssignment.objects.filter(organization=ppapp).exists()
    assert not children_visible_to(liaison).filter(pk=child.pk).exists()


def test_service_refuses_foreign_lead_for_partner(partner_led, partner, ppapp):
    before = _counts()
    with pytest.raises(PermissionDenied):
        open_case(partner, partner_led.child, lead_organization=ppapp, confirm_duplicate_case=True)
    assert _counts() == before


def test_html_form_refuses_foreign_lead(client, partner_led, partner, ppapp):
    before = _counts()
    login(client, partner)
    url = reverse("cases:open", args=[partner_led.child.pk])
    response = client.post(
        url,
        {
            "intake_channel": "outreach",
            "intake_details": "Datang sendiri",
            "reported_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "risk_level": "medium",
            "lead_organization": str(ppapp.pk),
            "confirm_duplicate_case": "on",
        },
    )
    assert response.status_code == 200  # not a choice: the form shows an error
    assert _counts() == before


def test_partner_may_open_self_led_case(client, partner_led, partner, partner_org):
    login(client, partner)
    response = client.post(
        "/api/v1/cases/",
        _api_payload(partner_led.child, confirm_duplicate_case=True),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    new = Case.objects.get(pk=response.json()["id"])
    assert new.lead_organization_id == partner_org.pk


def test_supervisor_partner_lead_needs_consent(case, supervisor, ppapp, monkeypatch):
    refused = []

    def refuse(child, org):
        refused.append(org)
        raise ApplicationError("Tidak ada persetujuan", extra={"code": "consent_required"})

    monkeypatch.setattr("simpul.cases.services.assignments._require_sharing_allowed", refuse)
    before = _counts()
    with pytest.raises(ApplicationError):
        open_case(supervisor, case.child, lead_organization=ppapp, confirm_duplicate_case=True)
    assert refused == [ppapp] and _counts() == before


def test_supervisor_partner_lead_with_consent(case, supervisor, ppapp, sharing_allowed):
    new = open_case(supervisor, case.child, lead_organization=ppapp, confirm_duplicate_case=True)
    assert sharing_allowed == [(case.child, ppapp)]
    assert new.assignments.filter(organization=ppapp, kind="lead").exists()


def test_case_worker_cannot_lead_with_another_office(case, worker, sudin_pusat):
    with pytest.raises(PermissionDenied):
        open_case(worker, case.child, lead_organization=sudin_pusat, confirm_duplicate_case=True)


# --- a second open case ---------------------------------------------------------------------
def test_second_open_case_needs_confirmation_service(case, worker):
    before = _counts()
    with pytest.raises(ApplicationError) as exc:
        open_case(worker, case.child)
    assert case.case_number in str(exc.value.message)
    assert exc.value.extra["code"] == "open_case_exists"
    assert _counts() == before
    second = open_case(worker, case.child, confirm_duplicate_case=True)
    event = AuditEvent.objects.filter(action="cases.case.opened", target_id=second.pk).get()
    assert event.data["duplicate_confirmed"] is True
    assert event.data["open_cases"] == [case.case_number]


def test_second_open_case_api_400_names_the_case(client, case, worker):
    login(client, worker)
    before = _counts()
    response = client.post(
        "/api/v1/cases/", _api_payload(case.child), content_type="application/json"
    )
    assert response.status_code == 400
    assert case.case_number in response.content.decode()
    assert _counts() == before
    response = client.post(
        "/api/v1/cases/",
        _api_payload(case.child, confirm_duplicate_case=True),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


def test_second_open_case_form_shows_existing_with_link(client, case, worker):
    login(client, worker)
    url = reverse("cases:open", args=[case.child.pk])
    page = client.get(url).content.decode()
    assert case.case_number in page
    assert reverse("cases:detail", args=[case.pk]) in page
    data = {
        "intake_channel": "outreach",
        "intake_details": "Datang sendiri",
        "reported_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "risk_level": "medium",
        "lead_organization": str(case.lead_organization_id),
    }
    before = _counts()
    assert client.post(url, data).status_code == 200
    assert _counts() == before
    response = client.post(url, {**data, "confirm_duplicate_case": "on"})
    assert response.status_code == 302
    assert Case.objects.filter(child=case.child).count() == 2


def test_closed_case_does_not_count(case, worker, supervisor, monkeypatch):
    Case.objects.filter(pk=case.pk).update(status="closed")
    assert open_case(worker, case.child).pk != case.pk


def test_partner_with_plan_action_cannot_open_own_case_to_keep_the_child(
    client, case, worker, supervisor, partner, partner_org, sharing_allowed
):
    """Seen through a plan action only: a self-led case would keep the child after the action
    ends. Refused on the API and in the service; nothing is written."""
    from simpul.cases.tests.conftest import approve_plan

    plan = services.plan_create(actor=worker, case=case)
    goal = services.plan_goal_add(actor=worker, plan=plan, description="Sekolah")
    action = services.plan_action_add(
        actor=worker,
        goal=goal,
        description="Bimbel",
        responsible_organization=partner_org,
        due_date=dt.date(2030, 1, 1),
    )
    approve_plan(plan, worker, supervisor)
    assert children_visible_to(partner).filter(pk=case.child_id).exists()
    before = _counts()
    login(client, partner)
    response = client.post(
        "/api/v1/cases/",
        _api_payload(case.child, confirm_duplicate_case=True),
        content_type="application/json",
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        open_case(partner, case.child, confirm_duplicate_case=True)
    assert _counts() == before
    services.plan_action_set_status(actor=worker, action=action, status="cancelled")
    assert not children_visible_to(partner).filter(pk=case.child_id).exists()
