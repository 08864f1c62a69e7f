"""A plan action gives a partner access only from the plan's approval, and ends with it."""

from __future__ import annotations

import datetime as dt

import pytest

from simpul.access.cases import cases_visible_to
from simpul.access.children import children_visible_to
from simpul.cases import services
from simpul.cases.models import Case, CaseAssignment
from simpul.cases.tests.conftest import approve_plan, to_plan_stage
from simpul.testing.auth import login


def _active(case, org):
    return CaseAssignment.objects.filter(
        case=case, organization=org, kind="plan_action", ended_at__isnull=True
    ).count()


@pytest.fixture
def draft_plan(case, worker, partner_org, sharing_allowed):
    plan = services.plan_create(actor=worker, case=case)
    goal = services.plan_goal_add(actor=worker, plan=plan, description="Kembali sekolah")
    action = services.plan_action_add(
        actor=worker,
        goal=goal,
        description="Bimbingan belajar",
        responsible_organization=partner_org,
        due_date=dt.date(2030, 1, 1),
    )
    return plan, action


def test_draft_plan_grants_no_access(
    client, case, draft_plan, partner, partner_org, worker, supervisor
):
    assert _active(case, partner_org) == 0
    assert not cases_visible_to(partner).filter(pk=case.pk).exists()
    assert not children_visible_to(partner).filter(pk=case.child_id).exists()
    login(client, partner)
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    to_plan_stage(case, worker, supervisor)
    draft_plan[0].refresh_from_db()
    services.plan_submit(actor=worker, plan=draft_plan[0])
    assert _active(case, partner_org) == 0  # submitted: still not agreed


def test_access_starts_at_approval_and_ends_with_the_plan(
    client, case, draft_plan, partner, partner_org, worker, supervisor
):
    plan, _action = draft_plan
    approve_plan(plan, worker, supervisor)
    assert _active(case, partner_org) == 1
    login(client, partner)
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    # A new draft version that drops the partner does not end access until it is approved ...
    services.case_transition(actor=worker, case=case, to_status="implementation")
    v2 = services.plan_create(actor=worker, case=case)
    for goal in v2.goals.all():
        for a in goal.actions.filter(responsible_organization=partner_org):
            a.delete()
        services.plan_action_add(
            actor=worker,
            goal=goal,
            description="Kunjungan rumah",
            responsible_organization=Case.objects.get(pk=case.pk).lead_organization,
            due_date=dt.date(2030, 1, 1),
        )
    assert _active(case, partner_org) == 1
    # ... and ends when it supersedes the plan that named the partner.
    approve_plan(v2, worker, supervisor)
    assert _active(case, partner_org) == 0
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404


def test_cancelled_action_ends_access(case, draft_plan, partner, partner_org, worker, supervisor):
    plan, action = draft_plan
    approve_plan(plan, worker, supervisor)
    services.plan_action_set_status(actor=worker, action=action, status="cancelled")
    assert _active(case, partner_org) == 0
    assert not cases_visible_to(partner).filter(pk=case.pk).exists()


def test_formerly_self_led_partner_loses_access_when_its_action_ends(
    case, worker, supervisor, partner, partner_org, sudin_timur, sharing_allowed
):
    """A case the partner led (self-led) and then handed to the Suku Dinas: the partner keeps
    seeing it only through its approved action, and not after that action ends."""
    services.case_transfer(actor=worker, case=case, to_organization=partner_org, reason="Di LKSA")
    led = Case.objects.get(pk=case.pk)
    assert cases_visible_to(partner).filter(pk=case.pk).exists()
    services.case_transfer(
        actor=supervisor, case=led, to_organization=sudin_timur, to_worker=worker, reason="Kembali"
    )
    case = Case.objects.get(pk=case.pk)
    assert not cases_visible_to(partner).filter(pk=case.pk).exists()
    plan = services.plan_create(actor=worker, case=case)
    goal = services.plan_goal_add(actor=worker, plan=plan, description="Sekolah")
    action = services.plan_action_add(
        actor=worker,
        goal=goal,
        description="Bimbel",
        responsible_organization=partner_org,
        due_date=dt.date(2030, 1, 1),
    )
    assert not cases_visible_to(partner).filter(pk=case.pk).exists()
    approve_plan(plan, worker, supervisor)
    assert cases_visible_to(partner).filter(pk=case.pk).exists()
    services.plan_action_set_status(actor=worker, action=action, status="cancelled")
    assert not cases_visible_to(partner).filter(pk=case.pk).exists()
    assert not CaseAssignment.objects.filter(
        case=case, organization=partner_org, ended_at__isnull=True
    ).exists()
