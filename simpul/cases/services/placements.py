"""Placements in a panti / LKSA (SNPA: the last resort, after family-based options).

Starting a placement takes one of the service's places (refused when full) through the
directory's ``service_capacity_update``, assigns the organisation to the case and opens a
placement review task; ending it gives the place back.

The review is periodic (SNPA, REFERENCE §5): when a placement review task is done while the
child is still placed, the next one is due as long after that review as the one done was after
the placement's start (or the review before it), and the placement's ``review_due`` moves there
(``placement_review_next``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simpul.accounts import permissions
from simpul.cases.models import Case, CaseAssignment, CaseTask, Placement
from simpul.cases.services._common import (
    case_audit,
    full_clean,
    lock,
    require_edit,
    require_not_closed,
)
from simpul.cases.services.assignments import assignment_ensure, sharing_check
from simpul.core import events
from simpul.core.exceptions import ApplicationError
from simpul.directory.models import Service
from simpul.directory.services import service_capacity_update

if TYPE_CHECKING:
    from simpul.accounts.models import User
    from simpul.directory.models import Organization


def _capacity_actor(actor: User | None, organization: Organization) -> User | None:
    # The capacity record is written by the system on the placement's behalf when the case
    # worker is not staff of the panti (the placement's own audit event names the worker).
    if actor is not None and permissions.can_update_capacity(actor, organization):
        return actor
    return None


@transaction.atomic
def placement_start(
    *,
    actor: User,
    case: Case,
    organization: Organization,
    service: Service | None,
    start_date: dt.date,
    review_due: dt.date,
    gatekeeping_note: str,
) -> Placement:
    require_edit(actor, case)
    lock(case)
    require_not_closed(case)
    if not gatekeeping_note.strip():
        raise ApplicationError(
            _(
                "Record which family-based options were considered before a placement (SNPA gatekeeping)."
            ),
            extra={"fields": {"gatekeeping_note": [_("This field is required.")]}},
        )
    if review_due <= start_date:
        raise ApplicationError(
            _("The review must be due after the start."),
            extra={"fields": {"review_due": [_("After the start date.")]}},
        )
    if case.placements.filter(end_date__isnull=True).exists():
        raise ApplicationError(_("The child is still placed elsewhere; end that placement first."))
    if service is not None and service.organization_id != organization.pk:
        raise ApplicationError(
            _("The service belongs to another organisation."),
            extra={"fields": {"service": [_("Not a service of this organisation.")]}},
        )
    sharing_check(case=case, organization=organization)
    if service is not None:
        service = Service.objects.select_for_update().get(pk=service.pk)
        if service.capacity_total is not None:
            free = service.capacity_free or 0
            if free <= 0:
                raise ApplicationError(
                    _("%(service)s is full (%(occupied)s of %(total)s places taken).")
                    % {
                        "service": service.name,
                        "occupied": service.capacity_occupied,
                        "total": service.capacity_total,
                    },
                    extra={"fields": {"service": [_("No free place.")]}},
                )
            service_capacity_update(
                actor=_capacity_actor(actor, organization),
                service=service,
                total=service.capacity_total,
                occupied=(service.capacity_occupied or 0) + 1,
                note=f"{_('Placement')} {case.case_number}",
            )
    placement = Placement(
        case=case,
        organization=organization,
        service=service,
        start_date=start_date,
        review_due=review_due,
        gatekeeping_note=gatekeeping_note,
        decided_by=actor,
    )
    full_clean(placement)
    placement.save()
    assignment_ensure(case=case, organization=organization, kind=CaseAssignment.Kind.PLACEMENT)
    _placement_review_task(case, organization, review_due)
    case_audit(
        actor=actor,
        action="cases.placement.started",
        case=case,
        target=placement,
        data={
            "organization_id": str(organization.pk),
            "service_id": str(service.pk) if service else None,
            "start_date": start_date,
            "review_due": review_due,
        },
    )
    return placement


def _placement_review_task(case: Case, organization: Organization, due_on: dt.date) -> CaseTask:
    task = CaseTask(
        case=case,
        kind=CaseTask.Kind.PLACEMENT_REVIEW,
        due_on=due_on,
        title=events.stored("cases.task.placement_review", org=organization.name[:150]),
    )
    full_clean(task)
    task.save()
    return task


def placement_review_next(*, case: Case, done: CaseTask) -> CaseTask | None:
    """``done``, a placement review task, has just been done: while the child is still placed,
    the next review is due after the same interval (the done task's due date after its base:
    the placement's start, or the review before it), counted from the day of this review; the
    placement's ``review_due`` follows. Returns the new task (None when nobody is placed)."""
    placement = (
        case.placements.filter(end_date__isnull=True)
        .select_related("organization")
        .order_by("-start_date")
        .first()
    )
    if placement is None or done.done_at is None:
        return None
    previous = (
        case.tasks.filter(
            kind=CaseTask.Kind.PLACEMENT_REVIEW,
            done_at__isnull=False,
            created_at__gte=placement.created_at,
        )
        .exclude(pk=done.pk)
        .order_by("-done_at")
        .first()
    )
    base = timezone.localdate(previous.done_at) if previous else placement.start_date
    every = max(done.due_on - base, dt.timedelta(days=1))
    reviewed_on = timezone.localdate(done.done_at)
    placement.review_due = reviewed_on + every
    placement.save(update_fields=["review_due", "updated_at"])
    return _placement_review_task(case, placement.organization, placement.review_due)


@transaction.atomic
def placement_end(
    *, actor: User, placement: Placement, end_date: dt.date, reason: str
) -> Placement:
    case = placement.case
    require_edit(actor, case)
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if placement.end_date is not None:
        raise ApplicationError(_("This placement has already ended."))
    if end_date < placement.start_date:
        raise ApplicationError(
            _("The end cannot be before the start."),
            extra={"fields": {"end_date": [_("Before the start date.")]}},
        )
    if end_date > timezone.localdate():
        raise ApplicationError(
            _("The date cannot be in the future."),
            extra={"fields": {"end_date": [_("In the future.")]}},
        )
    if not reason.strip():
        raise ApplicationError(
            _("Say why the placement ends."),
            extra={"fields": {"reason": [_("This field is required.")]}},
        )
    placement.end_date = end_date
    placement.end_reason = reason[:255]
    full_clean(placement)
    placement.save()
    if placement.service_id:
        service = Service.objects.select_for_update().get(pk=placement.service_id)
        if service.capacity_total is not None and service.capacity_occupied:
            service_capacity_update(
                actor=_capacity_actor(actor, placement.organization),
                service=service,
                total=service.capacity_total,
                occupied=service.capacity_occupied - 1,
                note=events.stored("cases.capacity.placement_ended", case=case.case_number),
            )
    now = timezone.now()
    if not case.placements.filter(
        organization=placement.organization, end_date__isnull=True
    ).exists():
        case.assignments.filter(
            organization=placement.organization,
            kind=CaseAssignment.Kind.PLACEMENT,
            ended_at__isnull=True,
        ).update(ended_at=now, updated_at=now)
    case.tasks.filter(kind=CaseTask.Kind.PLACEMENT_REVIEW, done_at__isnull=True).update(
        done_at=now, done_by=actor, updated_at=now
    )
    case_audit(
        actor=actor,
        action="cases.placement.ended",
        case=case,
        target=placement,
        changes={"end_date": {"before": None, "after": end_date.isoformat()}},
        data={"reason": reason},
    )
    return placement
