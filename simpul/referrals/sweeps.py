"""The referral deadline sweep: when the deadline of an open referral's current step passes,
a reminder to the receiving organisation's staff; ``escalate_admin_after`` working days later
(1 by default) its admins are told; ``escalate_supervisor_after`` (2) the Dinas Sosial / Suku
Dinas supervisors whose scope covers the case. Each (referral, step, level) is sent once ever:
the ReferralReminder row is written first, in a transaction, and its unique constraint makes a
second run (or a second worker) skip it. Selection is set-based (one query per status and
level); only the referrals to tell are loaded."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.accounts.models import Role
from simpul.core.sweeps import sweep_job
from simpul.core.workdays import add_working_days
from simpul.referrals.models import (
    STEP_OF_STATUS,
    Referral,
    ReferralReminder,
    ReminderLevel,
    Step,
)
from simpul.referrals.services import _notify

LEVELS = (
    (ReminderLevel.REMINDER, None),
    (ReminderLevel.ESCALATION_ADMIN, "escalate_admin_after"),
    (ReminderLevel.ESCALATION_SUPERVISOR, "escalate_supervisor_after"),
)


def _cutoff(now: dt.datetime, n: int) -> dt.datetime:
    """Deadlines before this moment are at least ``n`` working days overdue at ``now``: a due
    on day d is escalated once the end of the n-th working day after d has passed."""
    today = timezone.localtime(now).date()
    if n == 0:
        return now
    day = today
    # The latest day d with add_working_days(d, n) < today (monotonic in d).
    for _i in range(60):
        if add_working_days(day, n) < today:
            break
        day -= dt.timedelta(days=1)
    start_next = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(start_next, timezone.get_current_timezone())


def _due_referrals(now: dt.datetime, level: str, days_field: str | None) -> list[tuple[Any, str]]:
    """(referral, step) pairs whose step deadline passed long enough ago for ``level`` and that
    have not had it."""
    found: list[tuple[Any, str]] = []
    for status, step in STEP_OF_STATUS.items():
        already = ReferralReminder.objects.filter(referral=OuterRef("pk"), step=step, level=level)
        qs = Referral.objects.filter(status=status)
        if days_field is None:
            q = Q(**{f"{step}_due__lt": now})
            qs = qs.filter(q)
        else:
            values = (
                qs.filter(**{f"{step}_due__lt": now}).values_list(days_field, flat=True).distinct()
            )
            q = Q(pk__in=[])
            for n in values:
                q |= Q(**{days_field: n, f"{step}_due__lt": _cutoff(now, n)})
            qs = qs.filter(q)
        qs = qs.filter(~Exists(already)).select_related("to_organization", "case")
        found.extend((r, step) for r in qs)
    return found


def _supervisors_for(kota_codes: set[str]) -> dict[str, list[Any]]:
    from simpul.access.scope import scope_covers
    from simpul.accounts.models import Membership
    from simpul.directory.models import GOVERNMENT_SOCIAL_TYPES

    out: dict[str, list[Any]] = defaultdict(list)
    memberships = Membership.objects.filter(
        is_active=True,
        role=Role.SUPERVISOR,
        organization__org_type__in=GOVERNMENT_SOCIAL_TYPES,
        user__is_active=True,
    ).select_related("user", "region_scope", "organization__jurisdiction")
    for m in memberships:
        scope = m.effective_region_scope()
        if scope is None:
            continue
        for kota in kota_codes:
            if scope_covers(scope.code, kota) and m.user not in out[kota]:
                out[kota].append(m.user)
    return out


def referral_deadline_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    sent = {level: 0 for level, _f in LEVELS}
    for level, days_field in LEVELS:
        pairs = _due_referrals(now, level, days_field)
        if not pairs:
            continue
        by_referral = _recipients(level, pairs)
        for referral, step in pairs:
            recipients = by_referral.get(referral.pk, [])
            try:
                with transaction.atomic():
                    ReferralReminder.objects.create(
                        referral=referral,
                        step=step,
                        level=level,
                        sent_at=now,
                        recipients=len(recipients),
                    )
                    _notify(
                        recipients=recipients,
                        kind="referrals.deadline",
                        subject=_subject(level, referral),
                        body=_("The deadline to %(step)s passed on %(due)s.")
                        % {
                            "step": str(Step(step).label).lower(),
                            "due": timezone.localtime(referral.due_of(step)).strftime(
                                "%d-%m-%Y %H:%M"
                            ),
                        },
                        url=f"/referrals/{referral.pk}/",
                        dedupe_key=f"referral:{referral.pk}:{step}:{level}",
                    )
            except IntegrityError:
                continue  # already sent (another run or worker)
            sent[level] += 1
    return {str(k): v for k, v in sent.items()}


def _recipients(level: str, pairs: list[tuple[Any, str]]) -> dict[Any, list[Any]]:
    """Who is told, per referral: the receiving organisation's staff (reminder) or admins, or
    the supervisors whose scope covers the case. One query per level."""
    if level == ReminderLevel.ESCALATION_SUPERVISOR:
        supervisors = _supervisors_for({r.case.kota_code for r, _s in pairs})
        return {r.pk: supervisors.get(r.case.kota_code, []) for r, _s in pairs}
    from simpul.accounts.models import Membership

    org_ids = {r.to_organization_id for r, _s in pairs}
    members = Membership.objects.filter(
        organization_id__in=org_ids, is_active=True, user__is_active=True
    ).select_related("user")
    if level == ReminderLevel.ESCALATION_ADMIN:
        members = members.filter(role=Role.ORG_ADMIN)
    staff: dict[Any, list[Any]] = defaultdict(list)
    for m in members:
        if m.user not in staff[m.organization_id]:
            staff[m.organization_id].append(m.user)
    return {r.pk: staff.get(r.to_organization_id, []) for r, _s in pairs}


def _subject(level: str, referral: Referral) -> str:
    if level == ReminderLevel.REMINDER:
        return _("Referral %(number)s is overdue") % {"number": referral.number}
    return _("Escalation: referral %(number)s to %(org)s is overdue") % {
        "number": referral.number,
        "org": referral.to_organization.name,
    }


@sweep_job("referral deadlines", order=10)
def referral_deadlines(now: dt.datetime) -> dict[str, int]:
    return referral_deadline_sweep(now=now)
