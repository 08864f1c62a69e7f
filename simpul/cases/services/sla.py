"""Deadlines per (risk level, milestone) from the versioned SLA table.

- A case keeps the policy version in force when it was opened (``Case.sla_policy``): a new
  version applies to new cases only.
- First contact, initial and full assessment and case plan are due ``hours`` after the report;
  the review is due ``hours`` after the plan approval and then after each review.
- A milestone's deadline is met when its event happens (see ``deadline_meet`` callers).
- Changing the risk level moves every deadline not yet met: the base (report, plan approval or
  last review) stays, the hours are those of the new level.
- Closing the case ends its open deadlines (``deadlines_end_on_closure``): nothing is due on a
  closed case, nor in its aftercare (bimbingan lanjut has no milestone in the table; its
  follow-up visits are tasks, which closing leaves open). Reopening counts the full assessment
  and the case plan again from the reopening, and the initial assessment when the case goes
  back to it (``deadlines_after_reopening``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simpul.accounts import permissions
from simpul.cases.models import Case, CaseDeadline, Milestone, RiskLevel, SlaPolicy, SlaRule
from simpul.cases.services._common import full_clean
from simpul.core.audit import audit_log
from simpul.core.exceptions import ApplicationError

if TYPE_CHECKING:
    from simpul.accounts.models import User

# Milestones counted from the report; REVIEW is scheduled from the plan approval.
FROM_REPORT = (
    Milestone.FIRST_CONTACT,
    Milestone.INITIAL_ASSESSMENT,
    Milestone.FULL_ASSESSMENT,
    Milestone.CASE_PLAN,
)


def sla_policy_active() -> SlaPolicy | None:
    return SlaPolicy.objects.filter(is_active=True).first()


def sla_hours(policy: SlaPolicy | None, level: str, milestone: str) -> int | None:
    if policy is None:
        return None
    rule = SlaRule.objects.filter(policy=policy, risk_level=level, milestone=milestone).first()
    return rule.hours if rule else None


def deadlines_create_initial(
    *,
    case: Case,
    base: dt.datetime | None = None,
    milestones: tuple[str, ...] = FROM_REPORT,
) -> list[CaseDeadline]:
    """The deadlines of ``milestones``, due their hours after ``base`` (default: the report)."""
    base = case.reported_at if base is None else base
    created = []
    for milestone in milestones:
        hours = sla_hours(case.sla_policy, case.risk_level, milestone)
        if hours is None:
            continue
        deadline = CaseDeadline(
            case=case, milestone=milestone, due_at=base + dt.timedelta(hours=hours)
        )
        full_clean(deadline)
        deadline.save()
        created.append(deadline)
    return created


def review_deadline_schedule(*, case: Case, base: dt.datetime) -> CaseDeadline | None:
    """The next review: ``hours`` after ``base`` (plan approval or the last review)."""
    if case.deadlines.filter(milestone=Milestone.REVIEW, met_at__isnull=True).exists():
        return None
    hours = sla_hours(case.sla_policy, case.risk_level, Milestone.REVIEW)
    if hours is None:
        return None
    deadline = CaseDeadline(
        case=case, milestone=Milestone.REVIEW, due_at=base + dt.timedelta(hours=hours)
    )
    full_clean(deadline)
    deadline.save()
    return deadline


def deadline_meet(*, case: Case, milestone: str, at: dt.datetime | None = None) -> int:
    """Mark the open deadlines of ``milestone`` met; a met review schedules the next one."""
    at = at or timezone.now()
    count = case.deadlines.filter(milestone=milestone, met_at__isnull=True).update(
        met_at=at, updated_at=at
    )
    if milestone == Milestone.REVIEW and count:
        review_deadline_schedule(case=case, base=at)
    return count


def deadlines_end_on_closure(*, case: Case, at: dt.datetime) -> list[dict]:
    """The case is closed: each open deadline ends at ``at`` with the reason that the case
    closed (not met: ``end_reason``), so the closed case shows nothing due or overdue on the
    home pages, the case list and its own page. Returns the ended deadlines (for the audit)."""
    open_deadlines = case.deadlines.filter(met_at__isnull=True).order_by("due_at")
    ended = [
        {"milestone": d.milestone, "due_at": d.due_at, "overdue": d.due_at < at}
        for d in open_deadlines
    ]
    open_deadlines.update(met_at=at, end_reason=CaseDeadline.EndReason.CASE_CLOSED, updated_at=at)
    return ended


# A reopened case goes back to the initial or the full assessment, and on through a new plan.
AFTER_REOPENING = (Milestone.FULL_ASSESSMENT, Milestone.CASE_PLAN)


def deadlines_after_reopening(
    *, case: Case, reopened_at: dt.datetime, milestones: tuple[str, ...] = AFTER_REOPENING
) -> list[CaseDeadline]:
    """Deadlines of a reopened case, counted from the reopening as a new case's from its report:
    the full assessment and the case plan when it is reopened (every way back goes through
    both), the initial assessment only when the case goes back to it."""
    return deadlines_create_initial(case=case, base=reopened_at, milestones=milestones)


def deadlines_recompute(*, case: Case, old_level: str, new_level: str) -> list[dict]:
    """Move each open deadline to the hours of the new level (same base). Returns the moves."""
    moves = []
    for deadline in case.deadlines.filter(met_at__isnull=True):
        old_hours = sla_hours(case.sla_policy, old_level, deadline.milestone)
        new_hours = sla_hours(case.sla_policy, new_level, deadline.milestone)
        if old_hours is None or new_hours is None or old_hours == new_hours:
            continue
        base = deadline.due_at - dt.timedelta(hours=old_hours)
        before = deadline.due_at
        deadline.due_at = base + dt.timedelta(hours=new_hours)
        deadline.save(update_fields=["due_at", "updated_at"])
        moves.append({"milestone": deadline.milestone, "before": before, "after": deadline.due_at})
    return moves


# --- editing the table (supervisors and system admins; four-eyes approval) ----------------------
def _rules_map(policy: SlaPolicy) -> dict[str, int]:
    return {f"{r.risk_level}:{r.milestone}": r.hours for r in policy.rules.all()}


@transaction.atomic
def sla_policy_draft_create(
    *, actor: User, source: SlaPolicy | None = None, notes: str = ""
) -> SlaPolicy:
    """A new draft version, copying the rules of ``source`` (default: the version in force)."""
    if not permissions.can_manage_sla(actor):
        raise PermissionDenied
    source = source or sla_policy_active()
    version = (SlaPolicy.objects.aggregate(m=Max("version"))["m"] or 0) + 1
    policy = SlaPolicy(version=version, notes=notes, created_by=actor, is_active=False)
    full_clean(policy)
    policy.save()
    if source is not None:
        SlaRule.objects.bulk_create(
            SlaRule(policy=policy, risk_level=r.risk_level, milestone=r.milestone, hours=r.hours)
            for r in source.rules.all()
        )
    audit_log(
        actor=actor,
        action="cases.sla_policy.created",
        target=policy,
        data={"version": version, "copied_from": source.version if source else None},
    )
    return policy


@transaction.atomic
def sla_policy_update(
    *, actor: User, policy: SlaPolicy, hours: dict[str, int], notes: str | None = None
) -> SlaPolicy:
    """Set the hours of a draft. ``hours`` maps "<risk level>:<milestone>" to hours (> 0)."""
    if not permissions.can_manage_sla(actor):
        raise PermissionDenied
    policy = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
    if policy.approved_at is not None:
        raise ApplicationError(
            _("An approved version cannot be changed. Create a new version instead.")
        )
    before = _rules_map(policy)
    levels, milestones = set(RiskLevel.values), set(Milestone.values)
    for key, value in hours.items():
        level, _sep, milestone = key.partition(":")
        if level not in levels or milestone not in milestones:
            raise ApplicationError(_("Unknown deadline “%(key)s”.") % {"key": key})
        try:
            value = int(value)
        except (TypeError, ValueError) as exc:
            raise ApplicationError(_("Hours must be whole numbers.")) from exc
        if value <= 0:
            raise ApplicationError(
                _("Hours must be more than zero (%(key)s).") % {"key": key},
                extra={"fields": {key: [_("More than zero.")]}},
            )
        SlaRule.objects.update_or_create(
            policy=policy, risk_level=level, milestone=milestone, defaults={"hours": value}
        )
    if notes is not None:
        policy.notes = notes
        policy.save(update_fields=["notes", "updated_at"])
    after = _rules_map(policy)
    changes = {
        k: {"before": before.get(k), "after": after.get(k)}
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }
    audit_log(actor=actor, action="cases.sla_policy.updated", target=policy, changes=changes)
    return policy


@transaction.atomic
def sla_policy_approve(*, actor: User, policy: SlaPolicy) -> SlaPolicy:
    """A supervisor other than its author approves a draft; it becomes the version in force."""
    if not permissions.can_approve_sla(actor):
        raise PermissionDenied
    policy = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
    if policy.approved_at is not None:
        raise ApplicationError(_("This version is already approved."))
    if policy.created_by_id == actor.pk:
        raise ApplicationError(
            _("Another supervisor must approve this version: you created it (four-eyes rule).")
        )
    missing = [
        f"{level}:{milestone}"
        for level in RiskLevel.values
        for milestone in Milestone.values
        if f"{level}:{milestone}" not in _rules_map(policy)
    ]
    if missing:
        raise ApplicationError(
            _("Every risk level needs hours for every milestone; missing: %(missing)s.")
            % {"missing": ", ".join(missing)}
        )
    previous = SlaPolicy.objects.filter(is_active=True).exclude(pk=policy.pk).first()
    if previous is not None:
        previous.is_active = False
        previous.save(update_fields=["is_active", "updated_at"])
    policy.approved_by = actor
    policy.approved_at = timezone.now()
    policy.is_active = True
    full_clean(policy)
    policy.save()
    audit_log(
        actor=actor,
        action="cases.sla_policy.approved",
        target=policy,
        data={"version": policy.version, "replaces": previous.version if previous else None},
    )
    return policy


__all__ = [
    "AFTER_REOPENING",
    "deadline_meet",
    "deadlines_after_reopening",
    "deadlines_create_initial",
    "deadlines_end_on_closure",
    "deadlines_recompute",
    "review_deadline_schedule",
    "sla_hours",
    "sla_policy_active",
    "sla_policy_approve",
    "sla_policy_draft_create",
    "sla_policy_update",
]
