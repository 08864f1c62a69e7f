"""The cases app's home cards: each role sees its real work, scoped like the case lists (another
kota's supervisor, another case worker, another partner see none of it), restricted names
masked as in the lists, and a query count that does not grow with the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from simpul.accounts.models import Role
from simpul.cases import selectors, services
from simpul.cases.models import (
    Assessment,
    CaseAssignment,
    CaseDeadline,
    CasePlan,
    CaseTask,
    Placement,
    PlanAction,
    PlanGoal,
)
from simpul.cases.services.transitions import transition_reviews_open
from simpul.cases.tests.conftest import FULL, INITIAL, approve_plan, open_case
from simpul.core.home import registry
from simpul.testing.factories import CaseFactory, ChildFactory, make_user
from simpul.testing.home import assert_constant_queries, build, card_keys, fresh

pytestmark = pytest.mark.django_db

NOW = timezone.now


def _to_full_assessment(case, worker):
    if case.status == "reported":
        services.case_transition(actor=worker, case=case, to_status="registered")
    services.case_transition(actor=worker, case=case, to_status="initial_assessment")
    services.assessment_submit(
        actor=worker,
        assessment=services.assessment_save(actor=worker, case=case, kind="initial", data=INITIAL),
    )
    services.case_transition(actor=worker, case=case, to_status="full_assessment")


def _submit_full(case, worker):
    return services.assessment_submit(
        actor=worker,
        assessment=services.assessment_save(actor=worker, case=case, kind="full", data=FULL),
    )


def _clear_deadlines(*cases):
    CaseDeadline.objects.filter(case__in=cases).update(met_at=timezone.now())


def _labels(data):
    return [i.label for i in data.items]


# --- supervisors ------------------------------------------------------------------------------
def test_supervisor_sees_the_assessments_plans_and_closures_waiting_in_their_scope(
    worker, supervisor, other_supervisor, sharing_allowed, partner_org, monkeypatch
):
    waiting_assessment = open_case(worker, ChildFactory(), supervisor=supervisor)
    _to_full_assessment(waiting_assessment, worker)
    full = _submit_full(waiting_assessment, worker)

    waiting_plan = open_case(worker, ChildFactory(), supervisor=supervisor)
    _to_full_assessment(waiting_plan, worker)
    services.assessment_approve(actor=supervisor, assessment=_submit_full(waiting_plan, worker))
    plan = services.plan_create(actor=worker, case=waiting_plan)
    goal = services.plan_goal_add(actor=worker, plan=plan, description="Kembali sekolah")
    services.plan_action_add(
        actor=worker,
        goal=goal,
        description="Daftar ulang",
        responsible_organization=partner_org,
        due_date=timezone.localdate() + dt.timedelta(days=10),
    )
    services.plan_submit(actor=worker, plan=plan)

    closing = CaseFactory(status="closure_pending", supervisor=supervisor)

    monkeypatch.setattr(registry.get("cases.approvals"), "limit", 20)
    data = build("cases.approvals", supervisor)
    # The home counts what the approval queue holds (coercive outreach is only flagged).
    queue = selectors.approval_queue_counts(user=fresh(supervisor))
    assert data.count == sum(n for s, n in queue.items() if s != "coercive") >= 3
    assert {link.label: link.count for link in data.links}["Case plans"] == 1
    urls = {i.url for i in data.items}
    assert f"/cases/{waiting_assessment.pk}/assessments/{full.pk}/" in urls
    assert f"/cases/{waiting_plan.pk}/plan/" in urls
    assert f"/cases/{closing.pk}/close/decide/" in urls
    # A supervisor of another kota has none of these cases.
    other = build("cases.approvals", other_supervisor)
    assert not [i for i in other.items if i.label.startswith("KAS-")]
    assert not [link for link in other.links if link.label != "Deadline tables"]


def test_a_deadline_table_drafted_by_another_supervisor_waits_for_approval(supervisor, supervisor2):
    policy = services.sla_policy_draft_create(actor=supervisor2)
    url = reverse("cases:sla_detail", args=[policy.pk])
    assert url in {i.url for i in build("cases.approvals", supervisor).items}
    # Its author may not approve it: not on their home.
    assert url not in {i.url for i in build("cases.approvals", supervisor2).items}


def test_approvals_name_a_restricted_child_masked_for_a_supervisor_not_on_the_case(
    worker, supervisor, supervisor2
):
    child = ChildFactory(full_name="Kartika Sari Dewi")
    case = open_case(worker, child, supervisor=supervisor, is_sensitive=True)
    _to_full_assessment(case, worker)
    _submit_full(case, worker)

    def labels(user):
        return [i.label for i in build("cases.approvals", user).items if i.label.startswith("KAS")]

    assert labels(supervisor)[0] == f"{case.case_number} · Kartika Sari Dewi"
    assert labels(supervisor2)[0] == f"{case.case_number} · K••• S••• D•••"
    assert "Kartika" not in str(build("cases.approvals", supervisor2))


def test_supervisor_sees_overdue_and_this_weeks_deadlines_most_urgent_first(
    worker, supervisor, other_supervisor, case
):
    _clear_deadlines(case)
    now = timezone.now()
    CaseDeadline.objects.create(case=case, milestone="review", due_at=now + dt.timedelta(days=3))
    CaseDeadline.objects.create(case=case, milestone="case_plan", due_at=now - dt.timedelta(days=2))
    CaseDeadline.objects.create(
        case=case, milestone="full_assessment", due_at=now + dt.timedelta(days=30)
    )
    CaseTask.objects.create(
        case=case, kind="other", title="Kunjungan rumah", due_on=timezone.localdate()
    )
    data = build("cases.scope_deadlines", supervisor)
    assert data.count == 3  # the one due in 30 days is not this week's
    assert [i.urgency.name for i in data.items] == ["OVERDUE", "TODAY", "WEEK"]
    assert data.items[1].detail == "Kunjungan rumah"
    assert {link.label: link.count for link in data.links} == {"Overdue": 1, "Due this week": 2}
    assert build("cases.scope_deadlines", other_supervisor).count == 0


def test_new_restricted_cases_are_listed_with_the_name_masked(
    worker, supervisor, supervisor2, other_supervisor
):
    secret = open_case(
        worker, ChildFactory(full_name="Rahmat Hidayat"), supervisor=supervisor, is_sensitive=True
    )
    open_case(worker, ChildFactory(full_name="Budi Santoso"), supervisor=supervisor)
    old = open_case(worker, ChildFactory(), is_sensitive=True)
    old.reported_at = timezone.now() - dt.timedelta(days=40)
    old.save(update_fields=["reported_at"])
    data = build("cases.new_restricted", supervisor2)
    assert data.count == 1
    assert data.items[0].label == f"{secret.case_number} · R••• H•••"
    assert "Budi" not in str(data.items)
    assert build("cases.new_restricted", other_supervisor).count == 0


# --- case workers -----------------------------------------------------------------------------
def test_case_worker_sees_their_caseloads_due_and_overdue_items_only(
    worker, colleague, case, supervisor
):
    _clear_deadlines(case)
    CaseDeadline.objects.create(
        case=case, milestone="first_contact", due_at=timezone.now() - dt.timedelta(hours=5)
    )
    theirs = open_case(colleague, ChildFactory())
    _clear_deadlines(theirs)
    CaseDeadline.objects.create(
        case=theirs, milestone="first_contact", due_at=timezone.now() - dt.timedelta(hours=5)
    )
    mine = build("cases.caseload_deadlines", worker)
    assert mine.count == 1 and mine.items[0].label.startswith(case.case_number)
    assert mine.items[0].urgency.name == "OVERDUE"
    other = build("cases.caseload_deadlines", colleague)
    assert other.count == 1 and other.items[0].label.startswith(theirs.case_number)
    # Being put on the team brings the case onto the worker's card.
    services.case_team_update(
        actor=supervisor, case=theirs, case_worker=colleague, supervisor=None, team=[worker]
    )
    assert build("cases.caseload_deadlines", worker).count == 2


def test_transition_reviews_show_the_children_turning_18(
    worker, colleague, supervisor, other_supervisor
):
    today = timezone.localdate()
    birthday = today + dt.timedelta(days=30)
    child = ChildFactory(birth_date=birthday.replace(year=birthday.year - 18))
    case = open_case(worker, child, supervisor=supervisor)
    open_case(worker, ChildFactory(birth_date=today.replace(year=today.year - 10)))
    assert transition_reviews_open(today) == 1
    data = build("cases.transition_reviews", worker)
    assert data.count == 1
    assert data.items[0].label.startswith(case.case_number) and data.items[0].due == birthday
    assert build("cases.transition_reviews", supervisor).count == 1
    assert build("cases.transition_reviews", colleague).count == 0
    assert build("cases.transition_reviews", other_supervisor).count == 0
    # Not repeated on the deadlines card (even once it is due this week).
    CaseTask.objects.filter(kind="transition_review").update(due_on=today)
    deadlines = build("cases.caseload_deadlines", worker)
    assert not [i for i in deadlines.items if i.detail.startswith("Transition review")]


def test_case_worker_sees_their_drafts_and_the_work_returned_to_them(worker, colleague, supervisor):
    drafting = open_case(worker, ChildFactory(), supervisor=supervisor)
    if drafting.status == "reported":
        services.case_transition(actor=worker, case=drafting, to_status="registered")
    services.case_transition(actor=worker, case=drafting, to_status="initial_assessment")
    services.assessment_save(actor=worker, case=drafting, kind="initial", data=INITIAL)
    returned = open_case(worker, ChildFactory(), supervisor=supervisor)
    _to_full_assessment(returned, worker)
    services.assessment_return(
        actor=supervisor, assessment=_submit_full(returned, worker), note="Lengkapi keluarga"
    )
    data = build("cases.drafts", worker)
    assert data.count == 2
    details = {i.label.split(" · ")[0]: i.detail for i in data.items}
    assert "Returned for changes" in details[returned.case_number]
    assert "Draft" in details[drafting.case_number]
    assert all(i.url.endswith("/") and "/assessments/" in i.url for i in data.items)
    assert build("cases.drafts", colleague).count == 0


# --- partners ---------------------------------------------------------------------------------
def test_partner_sees_the_plan_actions_and_cases_assigned_to_their_organisation(
    worker, supervisor, partner, other_partner, partner_org, sharing_allowed, case
):
    due = timezone.localdate() + dt.timedelta(days=4)
    plan = services.plan_create(actor=worker, case=case)
    goal = services.plan_goal_add(actor=worker, plan=plan, description="Pengasuhan sementara")
    services.plan_action_add(
        actor=worker,
        goal=goal,
        description="Tempat tinggal sementara di LKSA",
        responsible_organization=partner_org,
        due_date=due,
    )
    # Before approval the partner has no access, and nothing on its home.
    assert build("cases.partner_actions", partner).count == 0
    approve_plan(plan, worker, supervisor)

    actions = build("cases.partner_actions", partner)
    assert actions.count == 1
    item = actions.items[0]
    assert item.due == due and item.urgency.name == "WEEK"
    assert item.label.startswith(case.case_number) and item.url.endswith("/plan/")
    assert "Tempat tinggal sementara" in item.detail
    # "See all" leads to every case of the organisation: not labelled with the actions' count.
    assert actions.see_all_url == reverse("cases:list") and actions.see_all_count is False
    # A plan action alone is on its own card, not repeated as a case.
    assert build("cases.partner_cases", partner).count == 0
    # Another organisation's partner sees nothing, and its counts are zero.
    assert build("cases.partner_actions", other_partner).count == 0


def test_partner_sees_the_cases_it_leads_and_the_children_placed_with_it(
    partner, other_partner, partner_org
):
    led = CaseFactory(lead_organization=partner_org)
    CaseAssignment.objects.create(case=led, organization=partner_org, kind="lead")
    due = timezone.now() + dt.timedelta(days=2)
    CaseDeadline.objects.create(case=led, milestone="first_contact", due_at=due)
    placed = CaseFactory()
    CaseAssignment.objects.create(case=placed, organization=partner_org, kind="placement")
    review = timezone.localdate() + dt.timedelta(days=20)
    Placement.objects.create(
        case=placed,
        organization=partner_org,
        start_date=timezone.localdate(),
        review_due=review,
        gatekeeping_note="Keluarga belum aman",
    )
    data = build("cases.partner_cases", partner)
    assert data.count == 2
    assert [(i.label.split(" · ")[0], i.due) for i in data.items] == [
        (led.case_number, due),
        (placed.case_number, review),
    ]
    assert [i.detail.split(" · ")[0] for i in data.items] == ["Lead", "Placement"]
    assert data.see_all_count is False  # the case list also holds the plan-action cases
    assert build("cases.partner_cases", other_partner).count == 0


def test_a_partner_never_sees_a_restricted_childs_name(
    worker, supervisor, partner, partner_org, sharing_allowed
):
    case = open_case(
        worker, ChildFactory(full_name="Intan Permata"), supervisor=supervisor, is_sensitive=True
    )
    plan = services.plan_create(actor=worker, case=case)
    goal = services.plan_goal_add(actor=worker, plan=plan, description="Pendampingan")
    services.plan_action_add(
        actor=worker,
        goal=goal,
        description="Konseling",
        responsible_organization=partner_org,
        due_date=timezone.localdate() + dt.timedelta(days=20),
    )
    approve_plan(plan, worker, supervisor)
    label = build("cases.partner_actions", partner).items[0].label
    assert "Intan" not in label and label.endswith("I••• P•••")


def test_cards_apply_by_role(worker, supervisor, partner):
    analyst = make_user(Role.ANALYST, worker.memberships.get().organization)
    assert {"cases.caseload_deadlines", "cases.drafts"} <= card_keys(worker)
    assert "cases.approvals" not in card_keys(worker)
    assert "cases.approvals" in card_keys(supervisor)
    assert {"cases.partner_actions", "cases.partner_cases"} <= card_keys(partner)
    assert not {k for k in card_keys(analyst) if k.startswith("cases.")}


# --- one query budget per card ----------------------------------------------------------------
def _kota_case(**kwargs):
    """A case in Jakarta Timur (the supervisors' scope), every other one restricted."""
    return CaseFactory(**kwargs)


def _deadline(case, days):
    CaseDeadline.objects.create(
        case=case, milestone="first_contact", due_at=timezone.now() + dt.timedelta(days=days)
    )


@pytest.mark.parametrize(
    "key", ["cases.approvals", "cases.scope_deadlines", "cases.new_restricted"]
)
def test_supervisor_cards_run_the_same_queries_for_one_item_and_for_many(key, supervisor):
    def add(n, first=0):
        for i in range(first, first + n):
            case = _kota_case(is_sensitive=bool(i % 2) or key == "cases.new_restricted")
            _deadline(case, -i)
            if key == "cases.approvals":
                kind = i % 3
                if kind == 0:
                    Assessment.objects.create(
                        case=case,
                        kind="full",
                        form_version="1",
                        status="submitted",
                        submitted_at=timezone.now(),
                    )
                elif kind == 1:
                    CasePlan.objects.create(
                        case=case, status="submitted", submitted_at=timezone.now()
                    )
                else:
                    case.status = "closure_pending"
                    case.save(update_fields=["status"])

    # One row of each kind first (a section without rows skips its query), then many more.
    first = 3 if key == "cases.approvals" else 1
    add(first, first=1)
    assert_constant_queries(key, supervisor, lambda n: add(n, first=first + 1))


@pytest.mark.parametrize(
    "key", ["cases.caseload_deadlines", "cases.transition_reviews", "cases.drafts"]
)
def test_case_worker_cards_run_the_same_queries_for_one_item_and_for_many(key, worker):
    def add(n, first=0):
        for i in range(first, first + n):
            case = _kota_case(case_worker=worker, is_sensitive=bool(i % 2))
            if key == "cases.caseload_deadlines":
                _deadline(case, -i)
                CaseTask.objects.create(
                    case=case, kind="other", title="t", due_on=timezone.localdate()
                )
            elif key == "cases.transition_reviews":
                CaseTask.objects.create(
                    case=case,
                    kind="transition_review",
                    title="18",
                    due_on=timezone.localdate() + dt.timedelta(days=i),
                )
            else:
                Assessment.objects.create(
                    case=case, kind="initial", form_version="1", author=worker
                )

    add(1, first=1)
    assert_constant_queries(key, worker, lambda n: add(n, first=2))


@pytest.mark.parametrize("key", ["cases.partner_actions", "cases.partner_cases"])
def test_partner_cards_run_the_same_queries_for_one_item_and_for_many(key, partner, partner_org):
    def add(n, first=0):
        for i in range(first, first + n):
            case = _kota_case(is_sensitive=bool(i % 2))
            plan = CasePlan.objects.create(case=case, status="approved")
            goal = PlanGoal.objects.create(plan=plan, description="g")
            PlanAction.objects.create(
                goal=goal,
                description="a",
                responsible_organization=partner_org,
                due_date=timezone.localdate() + dt.timedelta(days=i),
            )
            kind = "plan_action" if key == "cases.partner_actions" else "lead"
            CaseAssignment.objects.create(case=case, organization=partner_org, kind=kind)
            _deadline(case, i)

    add(1, first=1)
    assert_constant_queries(key, partner, lambda n: add(n, first=2))
