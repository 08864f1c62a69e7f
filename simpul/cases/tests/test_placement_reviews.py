"""Placement reviews are periodic (SNPA): a review done while the child is still placed sets the
next one, after the same interval, and the placement's review date moves with it, so the
partner's home page shows the next review, not the one already done."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from simpul.cases import services
from simpul.cases.models import CaseTask, Placement
from simpul.core.models import AuditEvent
from simpul.testing.home import build

pytestmark = pytest.mark.django_db


def _place(case, worker, org, *, start, review_due):
    return services.placement_start(
        actor=worker,
        case=case,
        organization=org,
        service=None,
        start_date=start,
        review_due=review_due,
        gatekeeping_note="Keluarga besar belum dapat mengasuh",
    )


def _open_review(case):
    return case.tasks.get(kind=CaseTask.Kind.PLACEMENT_REVIEW, done_at__isnull=True)


def _review_on(day, worker, case):
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    with time_machine.travel(moment, tick=False):
        services.case_task_complete(actor=worker, task=_open_review(case))


def test_a_done_review_sets_the_next_one_after_the_same_interval(
    case, worker, partner, partner_org, sharing_allowed
):
    start = timezone.localdate() - dt.timedelta(days=100)
    placement = _place(case, worker, partner_org, start=start, review_due=start + dt.timedelta(90))
    # The first review, two days early: the next is due 90 days after it.
    first_review = start + dt.timedelta(days=88)
    _review_on(first_review, worker, case)
    placement.refresh_from_db()
    assert placement.review_due == first_review + dt.timedelta(days=90)
    assert _open_review(case).due_on == placement.review_due
    event = AuditEvent.objects.filter(action="cases.task.completed").latest("created_at")
    assert event.data["next_review_due"] == placement.review_due.isoformat()
    # The partner's home page shows the next review, not the one done.
    item = build("cases.partner_cases", partner).items[0]
    assert item.due == placement.review_due and item.urgency.name != "OVERDUE"
    # The rhythm is kept from review to review, also when one is done late.
    second_review = placement.review_due + dt.timedelta(days=5)
    _review_on(second_review, worker, case)
    placement.refresh_from_db()
    assert placement.review_due == second_review + dt.timedelta(days=90)
    assert case.tasks.filter(kind=CaseTask.Kind.PLACEMENT_REVIEW).count() == 3


def test_no_next_review_once_the_child_has_left(case, worker, partner_org, sharing_allowed):
    today = timezone.localdate()
    placement = _place(case, worker, partner_org, start=today - dt.timedelta(10), review_due=today)
    services.placement_end(
        actor=worker, placement=placement, end_date=today, reason="Kembali ke keluarga"
    )
    assert not case.tasks.filter(kind=CaseTask.Kind.PLACEMENT_REVIEW, done_at__isnull=True)
    assert Placement.objects.get(pk=placement.pk).review_due == today


def test_other_tasks_schedule_nothing(case, worker):
    task = CaseTask.objects.create(
        case=case, kind=CaseTask.Kind.OTHER, title="Telepon ibu", due_on=timezone.localdate()
    )
    services.case_task_complete(actor=worker, task=task)
    assert case.tasks.count() == 1
    event = AuditEvent.objects.get(action="cases.task.completed")
    assert "next_review_due" not in event.data
