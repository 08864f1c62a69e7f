"""Closing a case ends its open deadlines (with the reason that the case closed), so a closed
case, or one in aftercare, shows nothing overdue on the home pages, the case list or its own
page; reopening counts the reassessment and the new plan from the reopening."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from simpul.cases import selectors, services
from simpul.cases.models import Case, CaseDeadline, CasePlan, CaseStatus, CaseTask, Milestone
from simpul.cases.services import sla
from simpul.cases.tests.conftest import FULL, INITIAL, approve_plan, open_case
from simpul.core.models import AuditEvent
from simpul.testing.factories import ChildFactory
from simpul.testing.home import build

S = CaseStatus
pytestmark = pytest.mark.django_db


def _hours(case, milestone):
    return sla.sla_hours(case.sla_policy, case.risk_level, milestone)


def _in_implementation(worker, supervisor, child):
    """A case carried out under an approved plan, its next review overdue by ten days."""
    case = open_case(
        worker, child, supervisor=supervisor, reported_at=timezone.now() - dt.timedelta(days=1)
    )
    plan = services.plan_create(actor=worker, case=case)
    goal = services.plan_goal_add(actor=worker, plan=plan, description="Kembali sekolah")
    services.plan_action_add(
        actor=worker,
        goal=goal,
        description="Kunjungan rumah",
        responsible_organization=case.lead_organization,
        due_date=dt.date(2030, 1, 1),
    )
    approve_plan(plan, worker, supervisor)
    case = Case.objects.get(pk=case.pk)
    services.case_transition(actor=worker, case=case, to_status=S.IMPLEMENTATION)
    review = case.deadlines.get(milestone=Milestone.REVIEW, met_at__isnull=True)
    review.due_at = timezone.now() - dt.timedelta(days=10)
    review.save(update_fields=["due_at"])
    return Case.objects.get(pk=case.pk)


def _close(case, worker, supervisor):
    services.case_close_request(actor=worker, case=case, reason="goals_met")
    services.case_close_approve(actor=supervisor, case=Case.objects.get(pk=case.pk))
    return Case.objects.get(pk=case.pk)


def test_closing_ends_the_open_deadlines_with_the_reason_and_keeps_the_met_ones(
    worker, supervisor, child
):
    case = _in_implementation(worker, supervisor, child)
    met_before = dict(
        case.deadlines.filter(met_at__isnull=False).values_list("milestone", "met_at")
    )
    assert set(met_before) == {
        Milestone.FIRST_CONTACT,
        Milestone.INITIAL_ASSESSMENT,
        Milestone.FULL_ASSESSMENT,
        Milestone.CASE_PLAN,
    }
    review = case.deadlines.get(milestone=Milestone.REVIEW)

    case = _close(case, worker, supervisor)

    assert not case.deadlines.filter(met_at__isnull=True).exists()
    review.refresh_from_db()
    assert review.met_at == case.closed_at
    assert review.end_reason == CaseDeadline.EndReason.CASE_CLOSED
    assert not review.is_overdue
    # The milestones met by their events stay as they were: met, no end reason.
    for d in case.deadlines.exclude(pk=review.pk):
        assert (d.met_at, d.end_reason) == (met_before[d.milestone], "")
    # The closing step's audit event says which deadlines it ended.
    event = AuditEvent.objects.filter(
        action="cases.case.transitioned", target_id=str(case.pk), changes__status__after="closed"
    ).get()
    ended = event.data["deadlines_ended"]
    assert [(e["milestone"], e["overdue"]) for e in ended] == [(Milestone.REVIEW, True)]


def test_a_closed_or_aftercare_case_shows_nothing_overdue(worker, supervisor, child):
    case = _in_implementation(worker, supervisor, child)
    overdue = selectors.case_list(user=worker, filters={"overdue": "on"})
    assert list(overdue.values_list("pk", flat=True)) == [case.pk]
    assert build("cases.caseload_deadlines", worker).count == 1

    case = _close(case, worker, supervisor)
    assert not selectors.case_list(user=worker, filters={"overdue": "on"}).exists()
    assert selectors.case_due(case=case) == {"due": [], "overdue": []}

    # Aftercare cases count as open on the home pages: still nothing due there.
    services.case_transition(actor=worker, case=case, to_status=S.AFTERCARE)
    assert build("cases.caseload_deadlines", worker).count == 0
    assert build("cases.scope_deadlines", supervisor).count == 0
    assert not selectors.case_list(user=worker, filters={"overdue": "on"}).exists()
    assert not selectors.overdue_cases(user=supervisor).exists()


def test_aftercare_follow_up_tasks_stay_open(worker, supervisor, child):
    """Bimbingan lanjut (REFERENCE §6.1, step 7) is the follow-up after closure: its visits are
    tasks, not milestones of the deadline table, and closing leaves them to be done."""
    case = _in_implementation(worker, supervisor, child)
    visit = CaseTask.objects.create(
        case=case,
        kind=CaseTask.Kind.AFTERCARE_VISIT,
        title="Kunjungan bimbingan lanjut",
        due_on=timezone.localdate() + dt.timedelta(days=30),
    )
    case = _close(case, worker, supervisor)
    services.case_transition(actor=worker, case=case, to_status=S.AFTERCARE)
    visit.refresh_from_db()
    assert visit.done_at is None
    assert [i.label for i in selectors.case_due(case=case)["due"]] == [visit.display_title]


def test_closing_again_from_aftercare_changes_nothing(worker, supervisor, child):
    case = _close(_in_implementation(worker, supervisor, child), worker, supervisor)
    ended = dict(case.deadlines.values_list("pk", "met_at"))
    services.case_transition(actor=worker, case=case, to_status=S.AFTERCARE)
    services.case_transition(actor=worker, case=case, to_status=S.CLOSED)
    assert dict(case.deadlines.values_list("pk", "met_at")) == ended


def test_reopening_counts_the_reassessment_and_the_plan_from_the_reopening(
    worker, supervisor, child
):
    case = _close(_in_implementation(worker, supervisor, child), worker, supervisor)
    ended = set(case.deadlines.values_list("pk", flat=True))
    reopened_at = timezone.now() + dt.timedelta(days=40)
    with time_machine.travel(reopened_at, tick=False):
        services.case_reopen(actor=worker, case=case, reason="Anak kembali ke jalan")
    case = Case.objects.get(pk=case.pk)
    # What the closure ended stays ended; the way back is due from the reopening.
    assert not case.deadlines.filter(pk__in=ended, met_at__isnull=True).exists()
    new = {d.milestone: d.due_at for d in case.deadlines.filter(met_at__isnull=True)}
    assert new == {
        m: reopened_at + dt.timedelta(hours=_hours(case, m))
        for m in (Milestone.FULL_ASSESSMENT, Milestone.CASE_PLAN)
    }
    # Back to the initial assessment, a day later: due from the reopening too.
    with time_machine.travel(reopened_at + dt.timedelta(days=1), tick=False):
        services.case_transition(actor=worker, case=case, to_status=S.INITIAL_ASSESSMENT)
        initial = case.deadlines.get(milestone=Milestone.INITIAL_ASSESSMENT, met_at__isnull=True)
        assert initial.due_at == reopened_at + dt.timedelta(
            hours=_hours(case, Milestone.INITIAL_ASSESSMENT)
        )
        # Met by their events as for a new case.
        services.assessment_submit(
            actor=worker,
            assessment=services.assessment_save(
                actor=worker, case=case, kind="initial", data=INITIAL
            ),
        )
        services.case_transition(actor=worker, case=case, to_status=S.FULL_ASSESSMENT)
        full = services.assessment_submit(
            actor=worker,
            assessment=services.assessment_save(actor=worker, case=case, kind="full", data=FULL),
        )
        services.assessment_approve(actor=supervisor, assessment=full)
        plan = services.plan_create(actor=worker, case=Case.objects.get(pk=case.pk))
        services.plan_submit(actor=worker, plan=plan)
        services.plan_approve(actor=supervisor, plan=CasePlan.objects.get(pk=plan.pk))
    case = Case.objects.get(pk=case.pk)
    assert list(case.deadlines.filter(met_at__isnull=True).values_list("milestone", flat=True)) == [
        Milestone.REVIEW
    ]
    assert case.status == S.PLAN_APPROVED


def test_reopened_straight_to_the_full_assessment_has_no_initial_deadline(
    worker, supervisor, child
):
    case = _close(_in_implementation(worker, supervisor, child), worker, supervisor)
    services.case_reopen(actor=worker, case=case, reason="Laporan warga")
    services.case_transition(
        actor=worker, case=Case.objects.get(pk=case.pk), to_status=S.FULL_ASSESSMENT
    )
    open_milestones = set(
        case.deadlines.filter(met_at__isnull=True).values_list("milestone", flat=True)
    )
    assert open_milestones == {Milestone.FULL_ASSESSMENT, Milestone.CASE_PLAN}


def test_the_migration_ends_the_deadlines_left_open_on_closed_cases(worker, supervisor, child):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("simpul.cases.migrations.0006_deadline_end_reason")
    live = _in_implementation(worker, supervisor, ChildFactory())
    closed = _close(_in_implementation(worker, supervisor, child), worker, supervisor)
    # As a case closed before the change left it: its review still open.
    left = closed.deadlines.get(milestone=Milestone.REVIEW)
    CaseDeadline.objects.filter(pk=left.pk).update(met_at=None, end_reason="")

    migration.end_deadlines_of_closed_cases(apps, None)

    left.refresh_from_db()
    assert (left.met_at, left.end_reason) == (closed.closed_at, "case_closed")
    assert live.deadlines.filter(milestone=Milestone.REVIEW, met_at__isnull=True).exists()
    migration.reopen_deadlines(apps, None)
    assert closed.deadlines.filter(milestone=Milestone.REVIEW, met_at__isnull=True).exists()
