"""Reads for the referral screens (read-only; the rules of change are in ``services``).

Visibility: a referral is known to the staff of its receiving and sending organisations, and to
the government users who see its case through ``cases_visible_to`` (case workers on the case,
supervisors of its region). A partner never learns of a referral to another partner, even when
it sees the same case through an assignment of its own.

Visibility, the queue and the outgoing list come from ``referrals.selectors``; the
escalations page lists every overdue open referral of the supervisor's region (not only those
the sweep has already escalated), so a supervisor can act before the chain reaches them.
"""

from __future__ import annotations

import datetime as dt
import statistics
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.access.scope import memberships, partner_organization_ids, region_scope_q
from simpul.directory.models import GOVERNMENT_SOCIAL_TYPES
from simpul.referrals import selectors
from simpul.referrals.models import (
    OPEN_STATUSES,
    STEP_OF_STATUS,
    Referral,
    ReferralEvent,
    SharedField,
)

if TYPE_CHECKING:
    from simpul.accounts.models import User
    from simpul.cases.models import Case
    from simpul.directory.models import Organization


def _government(user: User) -> bool:
    return any(m.organization.org_type in GOVERNMENT_SOCIAL_TYPES for m in memberships(user))


def member_org_ids(user: User) -> set:
    return {m.organization_id for m in memberships(user)}


def visible_referrals(user: User) -> QuerySet[Referral]:
    """The referrals the user may know exist (``selectors.referrals_visible_to``)."""
    return selectors.referrals_visible_to(user)


def _with_related(qs: QuerySet[Referral]) -> QuerySet[Referral]:
    return qs.select_related(
        "case", "case__child", "to_organization", "from_organization", "service_type", "claimed_by"
    )


def referral_get(*, user: User, pk: Any) -> Referral:
    referral = _with_related(visible_referrals(user)).filter(pk=pk).first()
    if referral is None:
        raise Http404
    return referral


def intake_queue(*, user: User) -> QuerySet[Referral]:
    """Open referrals to the user's organisations: unclaimed first, then by the running deadline."""
    return _with_related(selectors.intake_queue(user))


def outgoing(*, user: User) -> QuerySet[Referral]:
    """Referrals the user's side made (case team, region scope, a partner's own), newest first."""
    return _with_related(selectors.outgoing(user))


def overdue_q(now: dt.datetime) -> Q:
    """An open referral whose running step's deadline has passed (on hold: no clock)."""
    q = Q(pk__in=[])
    for status, step in STEP_OF_STATUS.items():
        q |= Q(status=status, **{f"{step}_due__lt": now})
    return q


def due_rows(referrals: Any, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Each referral with the deadline running now and whether it has passed (no query)."""
    now = now or timezone.now()
    out = []
    for r in referrals:
        step = r.current_step()
        due = r.due_of(step) if step else None
        out.append({"r": r, "due": due, "overdue": due is not None and due < now})
    return out


def escalations(*, user: User, now: dt.datetime | None = None) -> QuerySet[Referral]:
    """Overdue open referrals on the cases of a supervisor's region (nearest first)."""
    scope = region_scope_q(user, "case__kota_code")
    if scope is None:
        return Referral.objects.none()
    now = now or timezone.now()
    return _with_related(
        Referral.objects.filter(scope).filter(status__in=OPEN_STATUSES).filter(overdue_q(now))
    ).order_by("acknowledge_due")


def events(referral: Referral) -> QuerySet[ReferralEvent]:
    return referral.events.select_related("actor").order_by("at", "id")


def shared_view(referral: Referral) -> list[tuple[str, str]]:
    """(label, value) of what travelled with the referral, in catalogue order."""
    return shared_values(referral.case, referral.shared_fields, reason=referral.needs_summary)


def _display(child: Any, field: str) -> str:
    value = getattr(child, f"get_{field}_display", None)
    return str(value()) if callable(value) else str(getattr(child, field, "") or "")


def shared_values(case: Case, fields: list[str], *, reason: str = "") -> list[tuple[str, str]]:
    """Exactly what the receiver sees for ``fields`` of ``case``'s child (also the composer's
    preview), in catalogue order."""
    child = case.child
    getters: dict[str, Any] = {
        "child_name": lambda: child.full_name,
        "age": lambda: str(child.age) if child.age is not None else "",
        "sex": lambda: child.get_sex_display(),
        "category": lambda: str(case.primary_category or ""),
        "kelurahan": lambda: str(child.current_kelurahan or ""),
        "needs_summary": lambda: reason,
        "risk_level": lambda: case.get_risk_level_display(),
        "case_worker_contact": lambda: (
            f"{case.case_worker.full_name} · {case.case_worker.email}" if case.case_worker else ""
        ),
        "school_status": lambda: _display(child, "school_status"),
        "disability": lambda: (
            ", ".join(map(str, child.disability_types)) or str(_("yes"))
            if child.has_disability
            else str(_("no"))
        ),
        "birth_certificate_status": lambda: _display(child, "birth_certificate_status"),
        "documents": lambda: ", ".join(str(d) for d in child.documents.all()[:20]),
    }
    return [
        (str(f.label), (getters[f.value]() if f.value in getters else "") or "—")
        for f in SharedField
        if f.value in fields
    ]


def response_record(*, organization: Organization, now: dt.datetime | None = None) -> dict:
    """An organisation's answers to referrals over the last 180 days."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=180)
    received = Referral.objects.filter(to_organization=organization, created_at__gte=since)
    rows = list(
        received.values(
            "status",
            "status_reason",
            "created_at",
            "acknowledged_at",
            "decided_at",
            "closed_at",
            "acknowledge_due",
            "decide_due",
        )
    )

    def hours(a: Any, b: Any) -> float | None:
        return (b - a).total_seconds() / 3600 if a and b else None

    def median(values: list[float | None]) -> float | None:
        clean = [v for v in values if v is not None]
        return round(statistics.median(clean), 1) if clean else None

    accepted_statuses = {"accepted", "in_progress", "on_hold", "completed", "failed"}
    decided = [r for r in rows if r["decided_at"]]
    within = [r for r in decided if _on_time(r["decided_at"], r["decide_due"])]
    return {
        "organization": organization,
        "received": len(rows),
        "accepted": sum(1 for r in rows if r["status"] in accepted_statuses),
        "rejected": [r["status_reason"] for r in rows if r["status"] == "rejected"],
        "median_acknowledge_hours": median(
            [hours(r["created_at"], r["acknowledged_at"]) for r in rows]
        ),
        "median_accept_hours": median(
            [
                hours(r["created_at"], r["decided_at"])
                for r in rows
                if r["status"] in accepted_statuses
            ]
        ),
        "median_complete_hours": median(
            [hours(r["created_at"], r["closed_at"]) for r in rows if r["status"] == "completed"]
        ),
        "within_deadline_share": (len(within) / len(decided)) if decided else None,
        "open_now": Referral.objects.filter(
            to_organization=organization, status__in=OPEN_STATUSES
        ).count(),
        "overdue_now": Referral.objects.filter(
            to_organization=organization, status__in=OPEN_STATUSES
        )
        .filter(overdue_q(now))
        .count(),
    }


def may_see_record(user: User, organization: Organization) -> bool:
    """The organisation itself and Dinas Sosial / Suku Dinas staff."""
    return organization.pk in member_org_ids(user) or _government(user)


def is_partner_only(user: User) -> bool:
    return bool(partner_organization_ids(user)) and not _government(user)


def _on_time(done: Any, due: Any) -> bool:
    """Done by its deadline (False when either moment is missing)."""
    return done is not None and due is not None and done <= due
