"""Flows that lead somewhere (issue 8, item 3): every submitted assessment in the approval queue,
the queue sorted by urgency with risk, waiting time and deadline; the plan tab offers no action
that would be refused; a plan is refused at submission while the case is too early; the
messages say what happened and where to go next (consent, the child's record)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from simpul.cases import selectors, services
from simpul.cases.models import Assessment, CasePlan, CaseStatus
from simpul.cases.tests.conftest import FULL, INITIAL, open_case, to_plan_stage
from simpul.core.exceptions import ApplicationError
from simpul.testing.auth import login, login_verified
from simpul.testing.factories import CaseFactory, ChildFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _submit(case, worker, kind="initial", data=INITIAL):
    return services.assessment_submit(
        actor=worker,
        assessment=services.assessment_save(actor=worker, case=case, kind=kind, data=data),
    )


def _draft_plan(case, worker, organization):
    plan = services.plan_create(actor=worker, case=case)
    goal = services.plan_goal_add(actor=worker, plan=plan, description="Kembali sekolah")
    services.plan_action_add(
        actor=worker,
        goal=goal,
        description="Daftar ulang",
        responsible_organization=organization,
        due_date=dt.date(2030, 1, 1),
    )
    return plan


# --- 1. every submitted assessment waits in the queue ------------------------------------------
def test_a_submitted_initial_assessment_waits_in_the_queue_and_is_decided(
    client, case, worker, supervisor
):
    services.case_transition(actor=worker, case=case, to_status="registered")
    services.case_transition(actor=worker, case=case, to_status="initial_assessment")
    initial = _submit(case, worker)
    assert list(selectors.approval_queue(user=supervisor, section="assessments")) == [initial]
    # The work does not wait for the sign-off: the full assessment may start.
    services.case_transition(actor=worker, case=case, to_status="full_assessment")

    login_verified(_english(client), supervisor)
    body = client.get(reverse("cases:queue")).content.decode()
    assert "Initial assessment v1" in body
    assert reverse("cases:assessment_detail", args=[case.pk, initial.pk]) in body
    detail = client.get(reverse("cases:assessment_detail", args=[case.pk, initial.pk]))
    assert reverse("cases:assessment_decide", args=[case.pk, initial.pk]) in detail.content.decode()

    url = reverse("cases:assessment_decide", args=[case.pk, initial.pk])
    client.post(url, {"decision": "return", "note": ""})
    initial.refresh_from_db()
    assert initial.status == Assessment.Status.SUBMITTED  # returning needs a note
    client.post(url, {"decision": "approve", "note": ""})
    initial.refresh_from_db()
    assert (initial.status, initial.decided_by) == (Assessment.Status.APPROVED, supervisor)
    assert not selectors.approval_queue(user=supervisor, section="assessments").exists()


def test_review_assessments_are_decided_too(case, worker, supervisor):
    review = services.assessment_save(
        actor=worker,
        case=case,
        kind="review",
        data={"progress": "Bersekolah lagi", "safety_now": "Aman", "next_steps": "Lanjut"},
    )
    services.assessment_submit(actor=worker, assessment=review)
    assert review in selectors.approval_queue(user=supervisor, section="assessments")
    services.assessment_return(actor=supervisor, assessment=review, note="Lengkapi")
    review.refresh_from_db()
    assert review.status == Assessment.Status.RETURNED


def test_a_case_worker_cannot_decide_an_initial_assessment(case, worker):
    initial = _submit(case, worker)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.assessment_approve(actor=worker, assessment=initial)


# --- 2. the queue: urgency order, risk, waiting time, deadline, paginated ------------------------
def test_the_queue_is_sorted_by_risk_then_waiting_time_and_shows_the_three_columns(
    client, worker, supervisor
):
    now = timezone.now()
    cases = {}
    for name, risk, waited in (
        ("low-old", "low", 50),
        ("high-new", "high", 1),
        ("medium-new", "medium", 2),
        ("high-old", "high", 30),
    ):
        case = open_case(worker, ChildFactory(), supervisor=supervisor, risk_level=risk)
        a = _submit(case, worker, data={**INITIAL, "risk_level_proposed": risk})
        Assessment.objects.filter(pk=a.pk).update(submitted_at=now - dt.timedelta(hours=waited))
        cases[name] = case
    order = [a.case_id for a in selectors.approval_queue(user=supervisor, section="assessments")]
    assert order == [cases[n].pk for n in ("high-old", "high-new", "medium-new", "low-old")]

    login_verified(_english(client), supervisor)
    body = client.get(reverse("cases:queue") + "?section=assessments").content.decode()
    positions = [body.index(cases[n].case_number) for n in ("high-old", "high-new", "low-old")]
    assert positions == sorted(positions)
    for column in ('data-label="Risk"', 'data-label="Waiting"', 'data-label="Next due"'):
        assert body.count(column) == 4, column
    assert "1 day, 6 hours" in body.replace("\xa0", " ")  # high-old has waited 30 hours
    # The earliest open deadline of each case is shown (the full assessment's, not yet met).
    deadline = cases["high-old"].deadlines.filter(met_at__isnull=True).order_by("due_at").first()
    assert timezone.localtime(deadline.due_at).strftime("%Y-%m-%dT%H:%M") in body


def test_the_queue_is_paginated(client, supervisor, sudin_timur):
    now = timezone.now()
    for i in range(27):
        case = CaseFactory(lead_organization=sudin_timur, supervisor=supervisor, kota_code="31.75")
        Assessment.objects.create(
            case=case,
            kind="initial",
            form_version="initial-v1",
            data=INITIAL,
            status=Assessment.Status.SUBMITTED,
            submitted_at=now - dt.timedelta(minutes=i),
        )
    login_verified(_english(client), supervisor)
    first = client.get(reverse("cases:queue") + "?section=assessments").content.decode()
    second = client.get(reverse("cases:queue") + "?section=assessments&page=2").content.decode()
    assert first.count("<tr>") - 1 == 25  # the header row
    assert second.count("<tr>") - 1 == 2
    assert "Assessments (27)" in first


def test_deadline_tables_drafted_by_another_supervisor_wait_in_the_queue(
    client, supervisor, supervisor2
):
    draft = services.sla_policy_draft_create(actor=supervisor2)
    assert draft in selectors.approval_queue(user=supervisor, section="sla")
    assert draft not in selectors.approval_queue(user=supervisor2, section="sla")
    login_verified(_english(client), supervisor)
    body = client.get(reverse("cases:queue") + "?section=sla").content.decode()
    assert reverse("cases:sla_detail", args=[draft.pk]) in body


def test_restricted_names_are_masked_in_the_queue(client, worker, supervisor, child):
    restricted = open_case(worker, child, supervisor=None, is_sensitive=True)
    _submit(restricted, worker)
    login_verified(client, supervisor)
    body = client.get(reverse("cases:queue")).content.decode()
    assert restricted.case_number in body
    assert child.full_name not in body


# --- 3. the plan tab offers no action that will be refused ---------------------------------------
def test_the_plan_tab_explains_the_plan_waiting_instead_of_offering_a_new_version(
    client, case, worker, supervisor, sharing_allowed
):
    case = to_plan_stage(case, worker, supervisor)
    plan = _draft_plan(case, worker, case.lead_organization)
    login(_english(client), worker)
    url = reverse("cases:plan", args=[case.pk])
    body = client.get(url).content.decode()
    assert reverse("cases:plan_create", args=[case.pk]) not in body
    assert "Plan version 1 is still being written" in body

    services.plan_submit(actor=worker, plan=plan)
    body = client.get(url).content.decode()
    assert reverse("cases:plan_create", args=[case.pk]) not in body
    assert "Plan version 1 waits for the supervisor&#x27;s approval" in body
    assert f"It waits for the approval of {supervisor.full_name}." in body
    # The rule is the service's: a new version is refused with the same reason.
    with pytest.raises(ApplicationError, match="waits for the supervisor's approval"):
        services.plan_create(actor=worker, case=case)
    assert services.plan_start_policy(case=case).current == plan

    plan.refresh_from_db()
    services.plan_approve(actor=supervisor, plan=plan)
    body = client.get(url).content.decode()
    assert reverse("cases:plan_create", args=[case.pk]) in body
    assert services.plan_start_policy(case=case).allowed


def test_a_closed_case_offers_no_new_plan(case, worker):
    case.status = CaseStatus.CLOSED
    start = services.plan_start_policy(case=case)
    assert not start.allowed and "Reopen it" in start.reason


# --- 4. a plan is refused at submission while the case is too early -----------------------------
def test_a_plan_cannot_be_submitted_while_the_case_is_reported(case, worker):
    assert case.status == CaseStatus.REPORTED
    plan = _draft_plan(case, worker, case.lead_organization)
    with pytest.raises(ApplicationError) as exc:
        services.plan_submit(actor=worker, plan=plan)
    assert "while the case is “Reported”" in str(exc.value.message)
    assert "First step: move the case to “Registered”" in str(exc.value.message)
    assert exc.value.extra["next_status"] == CaseStatus.REGISTERED
    plan.refresh_from_db()
    assert plan.status == CasePlan.Status.DRAFT


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        (["registered"], "move the case to “Initial assessment”"),
        (
            ["registered", "initial_assessment"],
            "submit the initial assessment, then move the case to “Full assessment”",
        ),
    ],
)
def test_the_refusal_names_the_step_that_comes_first(case, worker, steps, expected):
    for status in steps:
        services.case_transition(actor=worker, case=case, to_status=status)
    plan = _draft_plan(case, worker, case.lead_organization)
    plan.refresh_from_db()
    with pytest.raises(ApplicationError, match=expected):
        services.plan_submit(actor=worker, plan=plan)


def test_in_the_full_assessment_the_full_assessment_must_be_submitted_first(case, worker):
    for status in ("registered", "initial_assessment"):
        services.case_transition(actor=worker, case=case, to_status=status)
    _submit(case, worker)
    services.case_transition(actor=worker, case=case, to_status="full_assessment")
    plan = _draft_plan(case, worker, case.lead_organization)
    plan.refresh_from_db()
    with pytest.raises(ApplicationError, match="Submit the full assessment first"):
        services.plan_submit(actor=worker, plan=plan)
    _submit(case, worker, "full", FULL)
    assert services.plan_submit(actor=worker, plan=plan).status == CasePlan.Status.SUBMITTED


def test_the_form_refuses_an_early_plan_and_the_tab_says_why(client, case, worker):
    plan = _draft_plan(case, worker, case.lead_organization)
    login(_english(client), worker)
    tab = client.get(reverse("cases:plan", args=[case.pk])).content.decode()
    assert reverse("cases:plan_submit", args=[case.pk, plan.pk]) not in tab
    assert "First step: move the case to “Registered”" in tab
    response = client.post(reverse("cases:plan_submit", args=[case.pk, plan.pk]), follow=True)
    assert "First step: move the case to “Registered”" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == CasePlan.Status.DRAFT


def test_the_api_refuses_an_early_plan(client, case, worker):
    plan = _draft_plan(case, worker, case.lead_organization)
    login(_english(client), worker)
    response = client.post(
        f"/api/v1/cases/{case.pk}/plans/{plan.pk}/submit/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "plan_submit_too_early"
    assert "First step: move the case to “Registered”" in body["detail"]
    plan.refresh_from_db()
    assert plan.status == CasePlan.Status.DRAFT


# --- 5. "save and submit" says to whom --------------------------------------------------------
def test_save_and_submit_says_it_went_to_the_supervisor(client, case, worker, supervisor):
    login(_english(client), worker)
    url = reverse("cases:assessment_new", args=[case.pk, "initial"])
    response = client.post(url, {**INITIAL, "submit": "1"}, follow=True)
    body = response.content.decode()
    assert f"The assessment was saved and submitted for approval to {supervisor.full_name}" in body
    assert case.assessments.get().status == Assessment.Status.SUBMITTED
    response = client.post(url.replace("initial", "full"), {**FULL, "save": "1"}, follow=True)
    assert "The assessment was saved as a draft." in response.content.decode()


def test_without_a_named_supervisor_the_message_names_the_kota_supervisors(worker):
    from simpul.regions.models import Region

    case = open_case(worker, ChildFactory(), supervisor=None)
    kota = Region.objects.get(code=case.kota_code).name
    assert selectors.case_approver(case=case) == f"the supervisors of {kota}"


# --- 6. a consent refusal links to where consent is recorded ------------------------------------
def test_a_consent_refusal_links_to_the_childs_consent_section(client, case, worker):
    partner = OrganizationFactory(org_type="lksa")
    plan = services.plan_create(actor=worker, case=case)
    goal = services.plan_goal_add(actor=worker, plan=plan, description="Sekolah")
    login(_english(client), worker)
    response = client.post(
        reverse("cases:plan_action_add", args=[case.pk, goal.pk]),
        {
            "description": "Bimbel",
            "responsible_organization": str(partner.pk),
            "due_date": "2030-01-01",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Record the consent (or the legal basis) first." in body
    assert reverse("children:detail", args=[case.child_id]) + "#h-consent" in body
    record = reverse("children:consent_add", args=[case.child_id]) + f"?organization={partner.pk}"
    assert record in body
    assert not goal.actions.exists()
    # The consent form opens with that organisation chosen.
    form = client.get(record).content.decode()
    assert f'value="{partner.pk}" checked' in form or f'value="{partner.pk}" selected' in form


# --- 7. the case links to its child's record ------------------------------------------------------
def test_the_case_links_to_the_childs_record(client, case, worker):
    login(client, worker)
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f'href="{reverse("children:detail", args=[case.child_id])}"' in body
    assert case.child.full_name in body


def test_a_restricted_childs_link_keeps_the_name_masked(client, worker, supervisor, child):
    restricted = open_case(worker, child, supervisor=None, is_sensitive=True)
    login_verified(client, supervisor)
    client.post(
        reverse("cases:restricted_open", args=[restricted.pk]),
        {"reason": "Memeriksa keterlambatan asesmen"},
    )
    body = client.get(reverse("cases:detail", args=[restricted.pk])).content.decode()
    assert f'href="{reverse("children:detail", args=[child.pk])}"' in body
    assert child.full_name not in body


# --- 8. the case list on a phone --------------------------------------------------------------
def test_the_case_list_labels_each_fact_and_folds_the_filters(client, worker, supervisor, child):
    restricted = open_case(worker, child, supervisor=None, is_sensitive=True, risk_level="high")
    login_verified(_english(client), supervisor)
    body = client.get(reverse("cases:list")).content.decode()
    # Each cell carries its column's name, so under 640 px a row becomes a labelled card.
    for label in ("Case", "Child", "Status", "Risk", "Next due"):
        assert f'data-label="{label}"' in body, label
    assert 'class="case-table responsive"' in body
    assert restricted.case_number in body and child.full_name not in body  # masked
    # The filters are folded (simpul.js opens them on a wide screen), with the active count.
    assert re.search(r'<details class="[^"]*filter-fold[^"]*" data-open-wide>', body)
    filtered = client.get(reverse("cases:list") + "?risk=high&overdue=on").content.decode()
    assert "2 active" in filtered
    assert "<details" in filtered and "data-open-wide>" in filtered
