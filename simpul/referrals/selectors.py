"""Who sees which referral, the queues, and each organisation's response record.

Visibility (deny by default):
- the staff of the receiving organisation (any active membership);
- on the sender side: a partner organisation that made the referral, the case worker and team
  of the case, and Dinas Sosial / Suku Dinas supervisors and data operators whose region scope
  covers the case (:func:`simpul.access.scope.region_scope_q`).
A partner never sees a referral to another partner just because it works on the same case.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from simpul.access.scope import (
    is_government_case_worker,
    partner_organization_ids,
    region_scope_q,
)
from simpul.accounts.permissions import member_organization_ids
from simpul.cases.models import Case
from simpul.referrals.models import (
    OPEN_STATUSES,
    STEP_OF_STATUS,
    Referral,
    ReferralEvent,
    ReferralReminder,
    ReferralStatus,
    ReminderLevel,
    SharedField,
)

if TYPE_CHECKING:
    from simpul.accounts.models import User
    from simpul.directory.models import Organization

S = ReferralStatus


def _sender_q(user: User) -> Q:
    q = Q(pk__in=[])
    scope = region_scope_q(user, field="case__kota_code")
    if scope is not None:
        q |= scope
    if is_government_case_worker(user):
        mine = Case.objects.filter(Q(case_worker=user) | Q(team=user) | Q(supervisor=user))
        q |= Q(case_id__in=mine.values("pk")) | Q(created_by=user)
    partners = partner_organization_ids(user)
    if partners:
        q |= Q(from_organization_id__in=partners)
    return q


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    if not (user and user.is_authenticated and user.is_active):
        return Referral.objects.none()
    orgs = member_organization_ids(user)
    q = _sender_q(user)
    if orgs:
        q |= Q(to_organization_id__in=orgs)
    return Referral.objects.filter(q).select_related(
        "from_organization", "to_organization", "service_type", "category"
    )


def referral_get(user: User, pk: Any) -> Referral:
    referral = referrals_visible_to(user).filter(pk=pk).first()
    if referral is None:
        raise Http404
    return referral


def overdue_q(now: dt.datetime | None = None, prefix: str = "") -> Q:
    """Open referrals whose current step's deadline has passed (set-based)."""
    now = now or timezone.now()
    q = Q(pk__in=[])
    for status, step in STEP_OF_STATUS.items():
        q |= Q(**{f"{prefix}status": status, f"{prefix}{step}_due__lt": now})
    return q


def intake_queue(user: User) -> QuerySet[Referral]:
    """Open referrals to the user's organisations: unclaimed first, then by the deadline that
    runs now."""
    orgs = member_organization_ids(user)
    return (
        Referral.objects.filter(to_organization_id__in=orgs, status__in=OPEN_STATUSES)
        .select_related("from_organization", "to_organization", "service_type", "claimed_by")
        .annotate(
            _due=Coalesce(
                *[
                    Subquery(
                        Referral.objects.filter(pk=OuterRef("pk"), status=status).values(
                            f"{step}_due"
                        )[:1]
                    )
                    for status, step in STEP_OF_STATUS.items()
                ],
                F("finish_due"),
            )
        )
        .order_by(F("claimed_by").asc(nulls_first=True), "_due", "created_at")
    )


def outgoing(user: User) -> QuerySet[Referral]:
    """Referrals the user's side made (case team, scope, a partner's own)."""
    if not (user and user.is_authenticated and user.is_active):
        return Referral.objects.none()
    return (
        Referral.objects.filter(_sender_q(user))
        .select_related("from_organization", "to_organization", "service_type")
        .order_by("-created_at")
    )


def escalations(user: User) -> QuerySet[Referral]:
    """Open referrals escalated to the user: to Dinas Sosial supervisors in scope, or to the
    admins of the receiving organisation."""
    from simpul.accounts.models import Role

    if not (user and user.is_authenticated and user.is_active):
        return Referral.objects.none()
    q = Q(pk__in=[])
    scope = region_scope_q(user, field="case__kota_code", roles=(Role.SUPERVISOR,))
    if scope is not None:
        q |= scope & Q(
            Exists(
                ReferralReminder.objects.filter(
                    referral=OuterRef("pk"), level=ReminderLevel.ESCALATION_SUPERVISOR
                )
            )
        )
    admin_orgs = {m.organization_id for m in user.active_memberships() if m.role == Role.ORG_ADMIN}
    if admin_orgs:
        q |= Q(to_organization_id__in=admin_orgs) & Q(
            Exists(
                ReferralReminder.objects.filter(
                    referral=OuterRef("pk"), level=ReminderLevel.ESCALATION_ADMIN
                )
            )
        )
    return (
        Referral.objects.filter(q, status__in=OPEN_STATUSES)
        .select_related("from_organization", "to_organization", "service_type")
        .order_by("created_at")
    )


# --- what travels with the referral ---------------------------------------------------------
def shared_values(referral: Referral) -> list[tuple[str, str, Any]]:
    """(code, label, value) of the shared fields only, in the catalogue's order."""
    case = referral.case
    child = case.child
    values: dict[str, Any] = {}
    for code in referral.shared_fields:
        if code == SharedField.CHILD_NAME:
            values[code] = child.full_name
        elif code == SharedField.AGE:
            values[code] = child.age
        elif code == SharedField.SEX:
            values[code] = child.get_sex_display()
        elif code == SharedField.CATEGORY:
            values[code] = str(referral.category or case.primary_category or "")
        elif code == SharedField.KELURAHAN:
            values[code] = str(child.current_kelurahan or "")
        elif code == SharedField.NEEDS_SUMMARY:
            values[code] = referral.needs_summary
        elif code == SharedField.RISK_LEVEL:
            values[code] = case.get_risk_level_display()
        elif code == SharedField.CASE_WORKER_CONTACT:
            worker = case.case_worker
            values[code] = (
                " · ".join(p for p in (worker.full_name, worker.email, worker.phone) if p)
                if worker
                else ""
            )
        elif code == SharedField.SCHOOL_STATUS:
            values[code] = child.get_school_status_display() if child.school_status else ""
        elif code == SharedField.DISABILITY:
            values[code] = child.functional_needs if child.has_disability else ""
        elif code == SharedField.BIRTH_CERTIFICATE_STATUS:
            values[code] = child.get_birth_certificate_status_display()
        elif code == SharedField.DOCUMENTS:
            values[code] = ""
    return [(c, str(SharedField(c).label), values[c]) for c in SharedField.values if c in values]


def referral_shared_view(referral: Referral, user: User | None) -> dict[str, Any]:
    """What the receiving side sees of the child: only the shared fields (the sender side sees
    the case itself). ``user`` None: the no-account link."""
    if user is not None:
        referral_get(user, referral.pk)
    return {
        "number": referral.number,
        "from_organization": referral.from_organization.name,
        "to_organization": referral.to_organization.name,
        "service_type": str(referral.service_type or ""),
        "urgency": referral.get_urgency_display(),
        "kind": referral.get_kind_display(),
        "request_type": referral.get_request_type_display() if referral.request_type else "",
        "request_details": referral.request_details,
        "status": referral.get_status_display(),
        "shared": shared_values(referral),
        "due": {
            "acknowledge": referral.acknowledge_due,
            "decide": referral.decide_due,
            "start": referral.start_due,
            "finish": referral.finish_due,
        },
    }


# --- response records -----------------------------------------------------------------------
def _first_event(statuses: Iterable[str]) -> Subquery:
    return Subquery(
        ReferralEvent.objects.filter(referral=OuterRef("pk"), to_status__in=list(statuses))
        .order_by("at")
        .values("at")[:1]
    )


def _hours(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 3600


def _stats(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"median": None, "avg": None}
    return {
        "median": round(statistics.median(values), 1),
        "avg": round(sum(values) / len(values), 1),
    }


ANSWERS = (S.RECEIVED, S.ACCEPTED, S.REJECTED)


def response_records(
    *,
    organization_ids: Iterable[Any],
    since: dt.date | dt.datetime,
    until: dt.date | dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> dict[Any, dict[str, Any]]:
    """The response record of each organisation over the referrals it was sent from ``since``
    (to ``until``): counts by database aggregate; times from the ReferralEvents (one
    values_list query for all organisations; medians computed in Python, the same on SQLite and
    PostgreSQL); open and overdue now over all its referrals."""
    now = now or timezone.now()
    ids = list(organization_ids)
    window = Q(to_organization_id__in=ids, requested_at__isnull=False)
    window &= Q(requested_at__gte=_moment(since))
    if until is not None:
        window &= Q(requested_at__lt=_moment(until, end=True))
    base = Referral.objects.filter(window)
    counts = {
        row["to_organization_id"]: row
        for row in base.values("to_organization_id").annotate(
            received=Count("pk"),
            accepted=Count("pk", filter=Q(decided_at__isnull=False) & ~Q(status=S.REJECTED)),
            rejected=Count("pk", filter=Q(status=S.REJECTED)),
            completed=Count("pk", filter=Q(status=S.COMPLETED)),
            failed=Count("pk", filter=Q(status=S.FAILED)),
        )
    }
    rejected_by: dict[Any, dict[str, int]] = defaultdict(dict)
    for row in (
        base.filter(status=S.REJECTED)
        .values("to_organization_id", "business_outcome")
        .annotate(n=Count("pk"))
    ):
        rejected_by[row["to_organization_id"]][row["business_outcome"] or "other"] = row["n"]
    now_counts = {
        row["to_organization_id"]: row
        for row in Referral.objects.filter(to_organization_id__in=ids, status__in=OPEN_STATUSES)
        .values("to_organization_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=overdue_q(now)))
    }
    times: dict[Any, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    judged: dict[Any, list[int]] = defaultdict(lambda: [0, 0])  # [in time, judged]
    rows = base.annotate(
        _ack=_first_event(ANSWERS),
        _accept=_first_event([S.ACCEPTED]),
        _complete=_first_event([S.COMPLETED]),
    ).values_list(
        "to_organization_id", "requested_at", "acknowledge_due", "_ack", "_accept", "_complete"
    )
    for org_id, requested, ack_due, ack, accept, complete in rows:
        for key, end in (("acknowledge", ack), ("accept", accept), ("complete", complete)):
            hours = _hours(requested, _aware(end))
            if hours is not None:
                times[org_id][key].append(hours)
        ack = _aware(ack)
        if ack is not None or (ack_due is not None and ack_due < now):
            judged[org_id][1] += 1
            if ack is not None and ack_due is not None and ack <= ack_due:
                judged[org_id][0] += 1
    out: dict[Any, dict[str, Any]] = {}
    for org_id in ids:
        c = counts.get(org_id, {})
        in_time, total = judged[org_id]
        record = {
            "received": c.get("received", 0),
            "accepted": c.get("accepted", 0),
            "rejected": c.get("rejected", 0),
            "completed": c.get("completed", 0),
            "failed": c.get("failed", 0),
            "rejected_by_reason": dict(rejected_by.get(org_id, {})),
            "within_deadline_share": round(in_time / total, 3) if total else None,
            "open": now_counts.get(org_id, {}).get("open", 0),
            "overdue": now_counts.get(org_id, {}).get("overdue", 0),
        }
        for key in ("acknowledge", "accept", "complete"):
            stats = _stats(times[org_id][key])
            record[f"median_{key}_hours"] = stats["median"]
            record[f"avg_{key}_hours"] = stats["avg"]
        out[org_id] = record
    return out


def response_record(
    organization: Organization, since: dt.date | dt.datetime, **kw: Any
) -> dict[str, Any]:
    return response_records(organization_ids=[organization.pk], since=since, **kw)[organization.pk]


def response_summaries(
    *, organization_ids: Iterable[Any], since: Any, until: Any = None
) -> dict[Any, dict[str, Any]]:
    """For the composer's ranking (simpul.referrals.ranking): the response records, with
    ``median_accept_hours`` and ``within_deadline_share``."""
    return response_records(organization_ids=organization_ids, since=since, until=until)


def _moment(value: dt.date | dt.datetime, *, end: bool = False) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    day = value + dt.timedelta(days=1) if end else value
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _aware(value: Any) -> dt.datetime | None:
    """A subquery's datetime (SQLite may answer a string)."""
    if value is None or isinstance(value, dt.datetime):
        if isinstance(value, dt.datetime) and timezone.is_naive(value):
            return timezone.make_aware(value, dt.UTC)
        return value
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)
