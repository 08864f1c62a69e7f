"""Transition reviews: a child turning 18 needs a plan for what comes after child services
(Permensos 08/2012; domain/REFERENCE.md). Run daily (`manage.py daily`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from simpul.cases.models import Case, CaseStatus, CaseTask
from simpul.core import events
from simpul.core.audit import audit_log

TRANSITION_WINDOW_DAYS = 90


def transition_reviews_open(today: dt.date | None = None) -> int:
    """Open a transition-review task on each open case of a child whose 18th birthday is within
    90 days (or already passed while the case is open). Idempotent. Returns how many were made."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=TRANSITION_WINDOW_DAYS)
    try:
        latest_birth = horizon.replace(year=horizon.year - 18)
    except ValueError:  # 29 February
        latest_birth = dt.date(horizon.year - 18, 2, 28)
    cases = (
        Case.objects.exclude(status=CaseStatus.CLOSED)
        .filter(child__merged_into__isnull=True)
        .filter(
            Q(child__birth_date__lte=latest_birth)
            | Q(child__birth_date__isnull=True, child__estimated_age__gte=15)
        )
        .exclude(tasks__kind=CaseTask.Kind.TRANSITION_REVIEW)
        .select_related("child")
    )
    made = 0
    for case in cases.iterator():
        birthday = case.child.eighteenth_birthday()
        if birthday is None or birthday > horizon:
            continue
        with transaction.atomic():
            _task, created = CaseTask.objects.get_or_create(
                case=case,
                kind=CaseTask.Kind.TRANSITION_REVIEW,
                defaults={
                    "title": events.stored(
                        "cases.task.transition_review",
                        child=case.child.registration_number,
                        date=birthday.isoformat(),
                    ),
                    "due_on": birthday,
                },
            )
            if created:
                made += 1
                audit_log(
                    actor=None,
                    action="cases.case.transition_review_opened",
                    target=case,
                    data={
                        "due_on": birthday.isoformat(),
                        "age_estimated": case.child.age_is_estimated,
                    },
                )
    return made
