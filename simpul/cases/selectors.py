"""All reads of the cases app. Every case query starts from ``access.cases_visible_to``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Case as CaseWhen
from django.db.models import (
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simpul.access.cases import CaseAccess, case_access_memo, cases_visible_to
from simpul.access.children import children_visible_to
from simpul.access.scope import mask_name, partner_organization_ids, region_scope_q
from simpul.accounts import permissions
from simpul.cases.models import (
    Assessment,
    Case,
    CaseDeadline,
    CasePlan,
    CaseStatus,
    CaseTask,
    CaseTransition,
    OutreachMethod,
    PlanAction,
    RiskLevel,
    SlaPolicy,
)
from simpul.core import events
from simpul.core.models import AuditEvent

if TYPE_CHECKING:
    from simpul.accounts.models import User
    from simpul.children.models import Child


# --- one case ---------------------------------------------------------------------------------
def case_get(*, user: User, pk: Any, write: bool = False) -> tuple[Case, CaseAccess]:
    """The case and the user's policy for it (a CaseAccess), if ``user`` may see it (else
    404); with ``write``, 403 unless they may edit. Callers pass the policy on to the tab
    selectors, serializers and templates; it is never attached to the model."""
    try:
        case = Case.objects.select_related(
            "child",
            "lead_organization",
            "case_worker",
            "supervisor",
            "primary_category",
            "sla_policy",
        ).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    access = case_access_memo(user, case)
    if not access.visible:
        raise Http404
    if write and not access.can_edit:
        raise PermissionDenied
    return case, access


def case_require_full(access: CaseAccess) -> None:
    """Tabs only the case's own team and supervisors see (assessments, documents, timeline)."""
    if not access.full:
        raise PermissionDenied


def case_display_name(case: Case, access: CaseAccess) -> str:
    if not access.show_identity:
        return mask_name(case.child.full_name)
    return case.child.full_name


# --- lists ------------------------------------------------------------------------------------
def _restricted_child() -> Exists:
    from simpul.children.models import ChildCategory

    return Exists(
        ChildCategory.objects.filter(
            child=OuterRef("child_id"), ended_at__isnull=True, category__is_restricted=True
        )
    )


def _annotate_list(
    qs: QuerySet[Case], user: User, now: dt.datetime | None = None
) -> QuerySet[Case]:
    now = now or timezone.now()
    open_deadlines = CaseDeadline.objects.filter(case=OuterRef("pk"), met_at__isnull=True)
    return qs.select_related(
        "child", "primary_category", "lead_organization", "case_worker"
    ).annotate(
        next_due=Subquery(open_deadlines.order_by("due_at").values("due_at")[:1]),
        is_overdue=Exists(open_deadlines.filter(due_at__lt=now)),
        restricted_child=_restricted_child(),
        in_team=Exists(Case.team.through.objects.filter(case_id=OuterRef("pk"), user_id=user.pk)),
    )


def with_display_names(cases: Any, user: User) -> Any:
    """Set ``display_name`` on each case of a page: masked for restricted cases unless assigned."""
    for case in cases:
        restricted = (
            case.is_sensitive
            or bool(case.primary_category is not None and case.primary_category.is_restricted)
            or getattr(case, "restricted_child", False)
        )
        assigned = (
            case.case_worker_id == user.pk
            or case.supervisor_id == user.pk
            or getattr(case, "in_team", False)
        )
        case.is_restricted_case = restricted
        case.display_name = (
            mask_name(case.child.full_name) if restricted and not assigned else case.child.full_name
        )
    return cases


SORTS = {
    "due": ("next_due", "-reported_at"),
    "-reported": ("-reported_at",),
    "reported": ("reported_at",),
    "number": ("case_number",),
    "risk": ("risk_level", "next_due"),
}


def case_list(
    *, user: User, filters: dict[str, Any] | None = None, now: dt.datetime | None = None
) -> QuerySet[Case]:
    """Cases the user may see. ``filters``: scope ("mine": their own cases, "team": also those
    where they are on the team, "all"), status, risk, kota, q (case number), child (uuid),
    open_only, overdue, sort (see SORTS)."""
    filters = filters or {}
    qs = cases_visible_to(user)
    scope = filters.get("scope") or "all"
    if scope == "mine":
        qs = qs.filter(case_worker=user)
    elif scope == "team":
        qs = qs.filter(Q(case_worker=user) | Q(team=user))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("risk"):
        qs = qs.filter(risk_level=filters["risk"])
    if filters.get("kota"):
        qs = qs.filter(kota_code=filters["kota"])
    if filters.get("child"):
        qs = qs.filter(child_id=filters["child"])
    if filters.get("q"):
        qs = qs.filter(case_number__icontains=filters["q"].strip())
    if filters.get("open_only"):
        qs = qs.exclude(status=CaseStatus.CLOSED)
    qs = _annotate_list(qs, user, now)
    if filters.get("overdue"):
        qs = qs.filter(is_overdue=True)  # type: ignore[misc]  # annotated in _annotate_list
    order = SORTS.get(filters.get("sort") or "due", SORTS["due"])
    if order[0] == "next_due":
        return qs.order_by(F("next_due").asc(nulls_last=True), *order[1:])
    return qs.order_by(*order)


def caseload(*, user: User, team: bool = False, sort: str = "due") -> QuerySet[Case]:
    """A case worker's open cases (``team``: also those where they are on the team)."""
    return case_list(
        user=user, filters={"open_only": True, "sort": sort, "scope": "team" if team else "mine"}
    )


def _supervised(user: User) -> QuerySet[Case]:
    if not permissions.can_supervise_cases(user):
        raise PermissionDenied
    scope = region_scope_q(user)
    q = Q(supervisor=user)
    if scope is not None:
        q |= scope
    return cases_visible_to(user).filter(q)


QUEUE_SECTIONS = ("assessments", "plans", "closures", "coercive", "sla")

# Urgency of a queue row: high risk first, then the longest waiting, then the nearest deadline.
RISK_RANK = {RiskLevel.HIGH: 0, RiskLevel.MEDIUM: 1, RiskLevel.LOW: 2, RiskLevel.NONE: 3}


def _risk_rank(field: str) -> CaseWhen:
    return CaseWhen(
        *(When(**{field: level}, then=Value(rank)) for level, rank in RISK_RANK.items()),
        default=Value(len(RISK_RANK)),
        output_field=IntegerField(),
    )


def _queue_annotate(qs: QuerySet[Any], user: User, path: str, waiting: Any) -> QuerySet[Any]:
    """What a queue row shows and sorts by: ``queue_risk`` (rank), ``waiting_since``,
    ``next_due`` (the case's earliest open deadline), ``is_overdue``; and what masking needs
    (``restricted_child``, ``in_team``). ``path`` leads from the row to its case ("" or "case")."""
    from simpul.children.models import ChildCategory

    prefix = f"{path}__" if path else ""
    case_ref = OuterRef(f"{path}_id" if path else "pk")
    deadlines = CaseDeadline.objects.filter(case=case_ref, met_at__isnull=True)
    return (
        qs.select_related(f"{prefix}child", f"{prefix}primary_category")
        .annotate(
            queue_risk=_risk_rank(f"{prefix}risk_level"),
            waiting_since=waiting,
            next_due=Subquery(
                deadlines.order_by("due_at").values("due_at")[:1], output_field=DateTimeField()
            ),
            is_overdue=Exists(deadlines.filter(due_at__lt=timezone.now())),
            restricted_child=Exists(
                ChildCategory.objects.filter(
                    child=OuterRef(f"{prefix}child_id"),
                    ended_at__isnull=True,
                    category__is_restricted=True,
                )
            ),
            in_team=Exists(Case.team.through.objects.filter(case_id=case_ref, user_id=user.pk)),
        )
        .order_by(
            "queue_risk",
            F("waiting_since").asc(nulls_last=True),
            F("next_due").asc(nulls_last=True),
            "pk",
        )
    )


def approval_queue(*, user: User, section: str) -> QuerySet[Any]:
    """What waits for a supervisor, most urgent first (risk, then how long it has waited, then the
    case's next deadline): submitted assessments of every kind (initial, full, review), submitted
    plans, closure requests, recent coercive outreach (flagged for review), and deadline tables
    another supervisor drafted (four-eyes approval; only for those who may approve them)."""
    if section == "sla":
        if not permissions.can_approve_sla(user):
            return SlaPolicy.objects.none()
        return (
            SlaPolicy.objects.filter(approved_at__isnull=True)
            .exclude(created_by=user)
            .select_related("created_by")
            .annotate(waiting_since=F("created_at"))
            .order_by("created_at")
        )
    cases = _supervised(user).values("pk")
    if section == "assessments":
        return _queue_annotate(
            Assessment.objects.filter(
                case__in=cases, status=Assessment.Status.SUBMITTED
            ).select_related("case", "case__supervisor", "author"),
            user,
            "case",
            F("submitted_at"),
        )
    if section == "plans":
        return _queue_annotate(
            CasePlan.objects.filter(
                case__in=cases, status=CasePlan.Status.SUBMITTED
            ).select_related("case", "case__supervisor", "author"),
            user,
            "case",
            F("submitted_at"),
        )
    if section == "closures":
        requested = CaseTransition.objects.filter(
            case=OuterRef("pk"), to_status=CaseStatus.CLOSURE_PENDING
        ).order_by("-at")
        return _queue_annotate(
            Case.objects.filter(pk__in=cases, status=CaseStatus.CLOSURE_PENDING),
            user,
            "",
            Coalesce(Subquery(requested.values("at")[:1]), F("updated_at")),
        )
    if section == "coercive":
        since = timezone.now() - dt.timedelta(days=30)
        return _queue_annotate(
            Case.objects.filter(
                pk__in=cases, outreach_method=OutreachMethod.COERCIVE, reported_at__gte=since
            ),
            user,
            "",
            F("reported_at"),
        )
    raise Http404


def approval_queue_counts(*, user: User) -> dict[str, int]:
    return {s: approval_queue(user=user, section=s).count() for s in QUEUE_SECTIONS}


@dataclass
class QueueRow:
    """One row of the approval queue page."""

    item: Any
    case: Case | None
    name: str  # the child's name, masked for a restricted case the user is not assigned to
    what: str  # "Initial assessment v2", "Case plan v1", …
    waiting_since: dt.datetime | None
    next_due: dt.datetime | None
    is_overdue: bool


def approval_queue_rows(*, user: User, section: str, items: Any) -> list[QueueRow]:
    """Rows for one page of ``approval_queue`` (no query per row: masking reads annotations)."""
    rows = []
    for item in items:
        if section == "sla":
            rows.append(
                QueueRow(
                    item,
                    None,
                    "",
                    f"{_('Deadline table')} v{item.version}",
                    item.waiting_since,
                    None,
                    False,
                )
            )
            continue
        case: Any = item if isinstance(item, Case) else item.case
        case.restricted_child = item.restricted_child
        case.in_team = item.in_team
        with_display_names([case], user)
        if isinstance(item, Assessment):
            what = f"{item.get_kind_display()} v{item.version}"
        elif isinstance(item, CasePlan):
            what = f"{_('Case plan')} v{item.version}"
        elif section == "closures":
            what = str(case.get_closure_reason_display() or _("Closure request"))
        else:
            what = str(_("Coercive outreach"))
        rows.append(
            QueueRow(
                item,
                case,
                case.display_name,
                what,
                item.waiting_since,
                item.next_due,
                bool(item.is_overdue),
            )
        )
    return rows


def overdue_cases(*, user: User, now: dt.datetime | None = None) -> QuerySet[Case]:
    """Cases in the supervisor's scope with a deadline not met in time, the oldest first."""
    now = now or timezone.now()
    cases = _supervised(user).values("pk")
    return (
        _annotate_list(
            Case.objects.filter(pk__in=cases).exclude(status=CaseStatus.CLOSED), user, now
        )
        .filter(is_overdue=True)  # type: ignore[misc]  # annotated in _annotate_list
        .order_by("next_due")
    )


def case_row_name(item: Any, user: User) -> str:
    """Display name of the child for a queue row (assessment/plan → its case)."""
    case = item if isinstance(item, Case) else item.case
    restricted = (
        case.is_sensitive
        or bool(case.primary_category is not None and case.primary_category.is_restricted)
        or (
            case.child.classifications.filter(
                ended_at__isnull=True, category__is_restricted=True
            ).exists()
        )
    )
    assigned = (
        case.case_worker_id == user.pk
        or case.supervisor_id == user.pk
        or case.team.filter(pk=user.pk).exists()
    )
    return mask_name(case.child.full_name) if restricted and not assigned else case.child.full_name


# --- a case's parts (partners see only their own) ---------------------------------------------
@dataclass
class DueItem:
    label: Any
    due_at: Any
    overdue: bool
    kind: str = "deadline"


def case_due(*, case: Case, now: dt.datetime | None = None) -> dict[str, list[DueItem]]:
    """What is due and what is overdue: open deadlines and open tasks."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    due: list[DueItem] = []
    overdue: list[DueItem] = []
    for d in case.deadlines.filter(met_at__isnull=True).order_by("due_at"):
        item = DueItem(d.get_milestone_display(), d.due_at, d.due_at < now)
        (overdue if item.overdue else due).append(item)
    for t in case.tasks.filter(done_at__isnull=True).order_by("due_on"):
        item = DueItem(t.display_title, t.due_on, t.due_on < today, kind="task")
        (overdue if item.overdue else due).append(item)
    return {"due": due, "overdue": overdue}


def case_open_tasks(*, case: Case) -> QuerySet[CaseTask]:
    return case.tasks.filter(done_at__isnull=True).order_by("due_on")


def _own_org_ids(user: User) -> set:
    return partner_organization_ids(user)


def case_assessments(*, case: Case, access: CaseAccess) -> QuerySet[Assessment]:
    case_require_full(access)
    return case.assessments.select_related("author", "decided_by").order_by("kind", "-version")


def case_plans(*, case: Case, access: CaseAccess) -> QuerySet[CasePlan]:
    case_require_full(access)
    return (
        case.plans.select_related("author", "decided_by")
        .prefetch_related(
            "goals__actions__responsible_organization", "goals__actions__service_type"
        )
        .order_by("-version")
    )


def case_partner_actions(*, user: User, case: Case) -> QuerySet[PlanAction]:
    """Plan actions of the current approved plan that the user's organisation is responsible for."""
    return PlanAction.objects.filter(
        goal__plan__case=case,
        goal__plan__status=CasePlan.Status.APPROVED,
        responsible_organization_id__in=_own_org_ids(user),
    ).select_related("goal", "service_type", "responsible_organization")


def case_services(*, user: User, case: Case, access: CaseAccess) -> QuerySet[Any]:
    qs = case.services.select_related("service_type", "organization", "recorded_by", "plan_action")
    if not access.full:
        qs = qs.filter(organization_id__in=_own_org_ids(user))
    return qs.order_by("-delivered_on", "-created_at")


def case_placements(*, user: User, case: Case, access: CaseAccess) -> QuerySet[Any]:
    qs = case.placements.select_related("organization", "service", "decided_by")
    if not access.full:
        qs = qs.filter(organization_id__in=_own_org_ids(user))
    return qs.order_by("-start_date")


def case_notes(*, case: Case, access: CaseAccess) -> QuerySet[Any]:
    case_require_full(access)
    return case.notes.select_related("author", "organization").order_by("-created_at")


def case_conferences(*, case: Case, access: CaseAccess) -> QuerySet[Any]:
    case_require_full(access)
    return case.conferences.prefetch_related("organizations").order_by("-held_on")


def case_team(*, case: Case) -> dict[str, Any]:
    return {
        "case_worker": case.case_worker,
        "supervisor": case.supervisor,
        "team": list(case.team.all()),
        "assignments": list(
            case.assignments.filter(ended_at__isnull=True)
            .select_related("organization")
            .order_by("started_at")
        ),
    }


def case_history(*, case: Case) -> dict[str, Any]:
    return {
        "risk_ratings": list(case.risk_ratings.select_related("rated_by")[:10]),
        "transfers": list(
            case.transfers.select_related("from_organization", "to_organization", "transferred_by")
        ),
        "past_assignments": list(
            case.assignments.filter(ended_at__isnull=False).select_related("organization")
        ),
    }


# --- timeline ---------------------------------------------------------------------------------
@dataclass
class TimelineEntry:
    """One row of the case timeline: a sentence in the reader's language with who did it
    ("Rencana versi 1 diajukan oleh Budi"), never a code, an id or a model name (the sentences
    are in ``simpul/cases/events.py``)."""

    at: dt.datetime
    action: str
    label: str
    actor: str  # the officer's name; "" = the system
    organization: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    note: str = ""  # what a person wrote with it (a reason, a note)


def _actor_name(user: Any, email: str) -> str:
    if user is not None:
        return str(user.full_name or user.email)
    return email


def case_timeline(*, case: Case, access: CaseAccess) -> list[TimelineEntry]:
    """Every event of the case in time order: audit events whose target is the case or whose
    data names it (``case_id``), and the status transitions (their own audit events are folded
    into the transition entries). One query for the events, one for the transitions, one per
    kind of name the sentences look up (organisations)."""
    case_require_full(access)
    key = str(case.pk)
    ct = ContentType.objects.get_for_model(Case)
    rows: list[tuple[events.Event, TimelineEntry]] = []
    audit = (
        AuditEvent.objects.filter(Q(target_type=ct, target_id=key) | Q(data__case_id=key))
        .exclude(action="cases.case.transitioned")
        .select_related("actor")
        .order_by("created_at")
    )
    for e in audit:
        fact = events.Event.of(e)
        rows.append(
            (
                fact,
                TimelineEntry(
                    at=e.created_at,
                    action=e.action,
                    label="",
                    actor=_actor_name(e.actor, e.actor_email),
                    organization=e.organization_name,
                    details={k: v for k, v in (e.data or {}).items() if k != "case_id"}
                    | ({"changes": e.changes} if e.changes else {}),
                ),
            )
        )
    for t in case.transitions.select_related("actor"):
        fact = events.Event(
            code="cases.case.transitioned" if t.from_status else "cases.case.status_set",
            data={"reason": t.reason} if t.reason else {},
            changes={"status": {"before": t.from_status, "after": t.to_status}},
        )
        rows.append(
            (
                fact,
                TimelineEntry(
                    at=t.at,
                    action="cases.case.transitioned",
                    label="",
                    actor=_actor_name(t.actor, ""),
                    details={"reason": t.reason} if t.reason else {},
                ),
            )
        )
    sentences = events.describe_many([fact for fact, _entry in rows])
    for (fact, entry), sentence in zip(rows, sentences, strict=True):
        entry.label = events.by(sentence, entry.actor)
        entry.note = events.note(fact)
    entries = [entry for _fact, entry in rows]
    entries.sort(key=lambda e: e.at)
    return entries


# --- who approves, the child's record -------------------------------------------------------
def case_approver(*, case: Case) -> str:
    """Who approves what the case team submits, in words: the case's named supervisor, else the
    supervisors whose region covers the case's kota (they all see it in their approval queue)."""
    supervisor = case.supervisor if case.supervisor_id is not None else None
    if supervisor is not None:
        return supervisor.full_name or supervisor.email
    from simpul.regions.models import Region

    kota = Region.objects.filter(code=case.kota_code).values_list("name", flat=True).first()
    return str(_("the supervisors of %(kota)s") % {"kota": kota or case.kota_code})


def case_child_visible(*, user: User, case: Case) -> bool:
    """The user may open the child's record from the case (the children app decides; a
    restricted record still asks for a reason there)."""
    from simpul.access.children import child_access

    return child_access(user, case.child).visible


def case_consent_help(*, user: User, case: Case | None, child: Child | None = None) -> dict:
    """Where a refusal for missing consent sends the user: the child's consent section, and the
    consent form itself when the user may record consent (full access to the child)."""
    from simpul.access.children import child_access

    child = child if child is not None else (case.child if case is not None else None)
    if child is None:
        return {}
    access = child_access(user, child)
    return {"visible": access.visible, "can_record": access.full, "child_id": child.pk}


# --- helpers for forms ------------------------------------------------------------------------
def child_name_for(user: User, child: Child) -> str:
    """The child's name as this user may see it before giving any reason: masked for a restricted
    record the user is not assigned to (as in every list)."""
    from simpul.access.children import child_access

    if child_access(user, child).show_name:
        return child.full_name
    return mask_name(child.full_name)


def child_for_case_open(*, user: User, pk: Any) -> Child:
    if not permissions.can_open_case(user):
        raise PermissionDenied
    try:
        return children_visible_to(user).get(pk=pk)
    except Exception as exc:  # DoesNotExist or a malformed id
        raise Http404 from exc


def open_cases_of_child(*, user: User, child: Child) -> list[dict[str, Any]]:
    """The child's open cases (shown when opening another one): number, and a link only when
    the user may see that case."""
    from simpul.cases.services.assignments import ENDED_CASE

    visible = set(cases_visible_to(user).filter(child=child).values_list("pk", flat=True))
    return [
        {"case_number": c.case_number, "pk": c.pk if c.pk in visible else None}
        for c in Case.objects.filter(child=child)
        .exclude(status__in=ENDED_CASE)
        .order_by("created_at")
    ]


# --- SLA --------------------------------------------------------------------------------------
def sla_policy_list(*, user: User) -> QuerySet[SlaPolicy]:
    if not permissions.can_manage_sla(user):
        raise PermissionDenied
    return SlaPolicy.objects.select_related("created_by", "approved_by").order_by("-version")


def sla_policy_get(*, user: User, pk: Any) -> SlaPolicy:
    if not permissions.can_manage_sla(user):
        raise PermissionDenied
    try:
        return SlaPolicy.objects.select_related("created_by", "approved_by").get(pk=pk)
    except (SlaPolicy.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def sla_table(*, policy: SlaPolicy) -> list[dict[str, Any]]:
    """Rows per risk level: {"level", "label", "cells": [(key, milestone label, hours)]}."""
    from simpul.cases.models import Milestone, RiskLevel

    hours = {(r.risk_level, r.milestone): r.hours for r in policy.rules.all()}
    return [
        {
            "level": level,
            "label": label,
            "cells": [
                (f"{level}:{m}", mlabel, hours.get((level, m))) for m, mlabel in Milestone.choices
            ],
        }
        for level, label in RiskLevel.choices
    ]
