"""The cases app's cards on the home page (see :mod:`simpul.core.home`, ``docs/home.md``).

Every card reads through the cases selectors and ``access`` querysets, so it shows only what the
case list shows the same person, and runs a fixed number of queries (the child's name is masked
for a restricted case from annotations on the same query, never from a query per row).

- supervisors: approvals waiting, deadlines in their scope, new restricted cases, transition
  reviews;
- case workers: their caseload's deadlines and tasks, transition reviews, their drafts and the
  work returned to them;
- partner staff and SKPD liaisons: the plan actions and the cases assigned to their
  organisation, with their due dates.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Least, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from simpul.access.cases import cases_visible_to
from simpul.access.scope import is_government_case_worker, mask_name, partner_organization_ids
from simpul.accounts import permissions
from simpul.cases import selectors
from simpul.cases.models import (
    Assessment,
    Case,
    CaseAssignment,
    CaseDeadline,
    CasePlan,
    CaseStatus,
    CaseTask,
    Placement,
    PlanAction,
    SlaPolicy,
)
from simpul.core import home
from simpul.core.home import CardData, HomeItem, HomeLink

if TYPE_CHECKING:
    from simpul.accounts.models import User

NEW_RESTRICTED_DAYS = 14  # a restricted case counts as "new" this many days after its report
OPEN_ACTION = (PlanAction.Status.PLANNED, PlanAction.Status.IN_PROGRESS)
FAR_DATE = dt.date(9999, 12, 31)


# --- helpers: masking and due dates on the same query ------------------------------------------
def _fk(path: str) -> str:
    """The case's id as seen from a row at ``path`` ("" for a case itself, "case", "goal__plan__case")."""
    return path or "pk"


def _with_case(qs: QuerySet[Any], user: User, path: str = "") -> QuerySet[Any]:
    """Load the case and child with each row, and annotate what masking and urgency need:
    ``home_child_restricted``, ``home_in_team`` and ``home_next_due`` (the case's earliest
    open deadline)."""
    from simpul.children.models import ChildCategory

    prefix = f"{path}__" if path else ""
    case_ref = OuterRef(_fk(path))
    qs = qs.select_related(f"{prefix}child", f"{prefix}primary_category")
    return qs.annotate(
        home_child_restricted=Exists(
            ChildCategory.objects.filter(
                child=OuterRef(f"{prefix}child"),
                ended_at__isnull=True,
                category__is_restricted=True,
            )
        ),
        home_in_team=Exists(Case.team.through.objects.filter(case_id=case_ref, user_id=user.pk)),
        home_next_due=Subquery(
            CaseDeadline.objects.filter(case=case_ref, met_at__isnull=True)
            .order_by("due_at")
            .values("due_at")[:1],
            output_field=DateTimeField(),
        ),
    )


def _case_of(row: Any, path: str) -> Case:
    obj = row
    for part in path.split("__") if path else []:
        obj = getattr(obj, part)
    return obj


def case_label(case: Case, row: Any, user: User) -> str:
    """ "KAS-… · name", the name masked for a restricted case the user is not assigned to (the
    same rule as ``selectors.with_display_names``)."""
    restricted = (
        case.is_sensitive
        or bool(case.primary_category is not None and case.primary_category.is_restricted)
        or bool(getattr(row, "home_child_restricted", False))
    )
    assigned = (
        case.case_worker_id == user.pk
        or case.supervisor_id == user.pk
        or bool(getattr(row, "home_in_team", False))
    )
    name = mask_name(case.child.full_name) if restricted and not assigned else case.child.full_name
    return f"{case.case_number} · {name}"


def _horizon(now: dt.datetime) -> tuple[dt.date, dt.datetime]:
    """The last day of "this week" and the first moment after it (local time)."""
    last = timezone.localtime(now).date() + dt.timedelta(days=home.WEEK_DAYS)
    after = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    return last, after


def _detail(*parts: Any) -> str:
    return " · ".join(str(p) for p in parts if p)


# --- which cases a card looks at --------------------------------------------------------------
def _open(qs: QuerySet[Case]) -> Any:
    return qs.exclude(status=CaseStatus.CLOSED).values("pk")


def supervised_case_ids(user: User) -> Any:
    """Open cases a supervisor answers for: the approval queue's and overdue list's scope."""
    return _open(selectors._supervised(user))


def caseload_case_ids(user: User) -> Any:
    """Open cases of the user's caseload (their own, and those on whose team they are)."""
    return _open(cases_visible_to(user).filter(Q(case_worker=user) | Q(team=user)))


def _is_caseworker(user: User) -> bool:
    return is_government_case_worker(user)


# --- supervisors: approvals -------------------------------------------------------------------
@home.register
class ApprovalsCard(home.HomeCard):
    """The approval queue's sections, counted and the most urgent rows linked: what the queue
    page holds (``selectors.QUEUE_SECTIONS``), so the two always agree. Coercive outreach is
    flagged for review for 30 days and nothing clears it: linked with its count, not added to
    what waits."""

    key = "cases.approvals"
    title = _("Approvals waiting")
    order = 10
    FLAGGED = frozenset({"coercive"})
    LABELS: ClassVar[dict[str, Any]] = {
        "assessments": _("Assessments"),
        "plans": _("Case plans"),
        "closures": _("Closure requests"),
        "coercive": _("Coercive outreach"),
        "sla": _("Deadline tables"),
    }

    def applies_to(self, user: User) -> bool:
        return permissions.can_supervise_cases(user)

    def build(self, user: User, *, now: dt.datetime) -> CardData:
        queue = reverse("cases:queue")
        counts: dict[str, int] = {}
        items: list[HomeItem] = []
        for section in selectors.QUEUE_SECTIONS:
            rows = selectors.approval_queue(user=user, section=section)
            counts[section] = rows.count()
            if counts[section] and section not in self.FLAGGED:
                items += self._items(rows, user, now)
        links = [
            HomeLink(str(self.LABELS.get(s, s)), f"{queue}?section={s}", n)
            for s, n in counts.items()
            if n
        ]
        data = CardData(
            count=sum(n for s, n in counts.items() if s not in self.FLAGGED),
            items=items,
            links=links,
            see_all_url=queue,
            see_all_label=str(_("Open the approval queue")),
        )
        data.items = data.items[: self.limit]
        return data

    def _items(self, rows: QuerySet[Any], user: User, now: dt.datetime) -> list[HomeItem]:
        model = rows.model
        if model is SlaPolicy:
            return [
                HomeItem(
                    label=_detail(_("Deadline table"), f"v{t.version}"),
                    url=reverse("cases:sla_detail", args=[t.pk]),
                    detail=t.created_by.full_name if t.created_by else "",
                    since=t.created_at,
                )
                for t in rows.select_related("created_by").order_by("created_at")[: self.limit]
            ]
        path = "" if model is Case else "case"
        rows = _with_case(rows, user, path).order_by(
            F("home_next_due").asc(nulls_last=True), "updated_at"
        )
        out = []
        for row in rows[: self.limit]:
            case = _case_of(row, path)
            if model is Assessment:
                url = reverse("cases:assessment_detail", args=[case.pk, row.pk])
                detail = _detail(row.get_kind_display(), f"v{row.version}")
                since = row.submitted_at
            elif model is CasePlan:
                url = reverse("cases:plan", args=[case.pk])
                detail = _detail(_("Case plan"), f"v{row.version}")
                since = row.submitted_at
            else:
                url = reverse("cases:close_decide", args=[case.pk])
                detail = str(_("Closure request"))
                since = row.updated_at
            out.append(
                HomeItem.dated(
                    case_label(case, row, user),
                    row.home_next_due,
                    now=now,
                    waiting=True,
                    url=url,
                    detail=detail,
                    since=since,
                )
            )
        return out


# --- deadlines (supervisor's scope, case worker's caseload) -----------------------------------
class _DeadlinesCard(home.HomeCard):
    """Open deadlines and tasks overdue or due this week, on the cases of ``case_ids``
    (transition reviews have their own card)."""

    def case_ids(self, user: User) -> Any:
        raise NotImplementedError

    def links(self, overdue: int, week: int) -> list[HomeLink]:
        raise NotImplementedError

    def build(self, user: User, *, now: dt.datetime) -> CardData:
        today = timezone.localtime(now).date()
        last, after = _horizon(now)
        ids = self.case_ids(user)
        deadlines = CaseDeadline.objects.filter(case__in=ids, met_at__isnull=True, due_at__lt=after)
        tasks = CaseTask.objects.filter(
            case__in=ids, done_at__isnull=True, due_on__lte=last
        ).exclude(kind=CaseTask.Kind.TRANSITION_REVIEW)
        d = deadlines.aggregate(n=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now)))
        t = tasks.aggregate(n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today)))
        items = [
            HomeItem.dated(
                case_label(x.case, x, user),
                x.due_at,
                now=now,
                url=reverse("cases:detail", args=[x.case_id]),
                detail=x.get_milestone_display(),
            )
            for x in _with_case(deadlines, user, "case").order_by("due_at")[: self.limit]
        ] + [
            HomeItem.dated(
                case_label(x.case, x, user),
                x.due_on,
                now=now,
                url=reverse("cases:detail", args=[x.case_id]),
                detail=x.display_title,
            )
            for x in _with_case(tasks, user, "case").order_by("due_on")[: self.limit]
        ]
        overdue = d["late"] + t["late"]
        week = d["n"] + t["n"] - overdue
        data = CardData(
            count=d["n"] + t["n"],
            items=items,
            links=self.links(overdue, week) if overdue or week else [],
            empty_text=str(_("No deadline is overdue or due this week.")),
        )
        data.items = data.items[: self.limit]
        return data


def _count_links(overdue: int, week: int, overdue_url: str, week_url: str) -> list[HomeLink]:
    links = []
    if overdue:
        links.append(HomeLink(str(_("Overdue")), overdue_url, overdue))
    if week:
        links.append(HomeLink(str(_("Due this week")), week_url, week))
    return links


@home.register
class ScopeDeadlinesCard(_DeadlinesCard):
    key = "cases.scope_deadlines"
    title = _("Deadlines in your region")
    order = 20

    def applies_to(self, user: User) -> bool:
        return permissions.can_supervise_cases(user)

    def case_ids(self, user: User) -> Any:
        return supervised_case_ids(user)

    def links(self, overdue: int, week: int) -> list[HomeLink]:
        return _count_links(
            overdue, week, reverse("cases:overdue"), reverse("cases:list") + "?scope=all&sort=due"
        )


@home.register
class CaseloadDeadlinesCard(_DeadlinesCard):
    key = "cases.caseload_deadlines"
    title = _("Your caseload: due and overdue")
    order = 20

    def applies_to(self, user: User) -> bool:
        return _is_caseworker(user)

    def case_ids(self, user: User) -> Any:
        return caseload_case_ids(user)

    def links(self, overdue: int, week: int) -> list[HomeLink]:
        mine = reverse("cases:list") + "?scope=team"
        return _count_links(overdue, week, mine + "&overdue=on", mine + "&sort=due")


# --- transition reviews (the child turns 18) --------------------------------------------------
@home.register
class TransitionReviewsCard(home.HomeCard):
    key = "cases.transition_reviews"
    title = _("Transition reviews: turning 18")
    order = 30

    def applies_to(self, user: User) -> bool:
        return _is_caseworker(user) or permissions.can_supervise_cases(user)

    def build(self, user: User, *, now: dt.datetime) -> CardData:
        q = Q(pk__in=[])
        if _is_caseworker(user):
            q |= Q(case__in=caseload_case_ids(user))
        if permissions.can_supervise_cases(user):
            q |= Q(case__in=supervised_case_ids(user))
        tasks = CaseTask.objects.filter(
            q, kind=CaseTask.Kind.TRANSITION_REVIEW, done_at__isnull=True
        )
        items = [
            HomeItem.dated(
                case_label(x.case, x, user),
                x.due_on,
                now=now,
                url=reverse("cases:detail", args=[x.case_id]),
                detail=str(_("Turns 18 on %(date)s")) % {"date": date_format(x.due_on)},
            )
            for x in _with_case(tasks, user, "case").order_by("due_on")[: self.limit]
        ]
        return CardData(
            count=tasks.count(),
            items=items,
            empty_text=str(_("No child in these cases turns 18 in the next 90 days.")),
        )


# --- case workers: drafts and returned work -----------------------------------------------------
@home.register
class DraftsCard(home.HomeCard):
    key = "cases.drafts"
    title = _("Drafts and returned work")
    order = 40

    def applies_to(self, user: User) -> bool:
        return _is_caseworker(user)

    def build(self, user: User, *, now: dt.datetime) -> CardData:
        ids = caseload_case_ids(user)
        mine = Q(author=user) | Q(case__case_worker=user)
        assessments = Assessment.objects.filter(
            mine,
            case__in=ids,
            status__in=(Assessment.Status.DRAFT, Assessment.Status.RETURNED),
        )
        plans = CasePlan.objects.filter(
            mine, case__in=ids, status__in=(CasePlan.Status.DRAFT, CasePlan.Status.RETURNED)
        )
        # Returned work first (a supervisor asked for changes), then the oldest draft.
        returned_first = (F("status").desc(), "updated_at")
        items = [
            HomeItem.dated(
                case_label(a.case, a, user),
                a.home_next_due,
                now=now,
                waiting=True,
                url=reverse("cases:assessment_detail", args=[a.case_id, a.pk]),
                detail=_detail(a.get_kind_display(), f"v{a.version}", a.get_status_display()),
                since=a.updated_at,
            )
            for a in _with_case(assessments, user, "case").order_by(*returned_first)[: self.limit]
        ] + [
            HomeItem.dated(
                case_label(p.case, p, user),
                p.home_next_due,
                now=now,
                waiting=True,
                url=reverse("cases:plan", args=[p.case_id]),
                detail=_detail(_("Case plan"), f"v{p.version}", p.get_status_display()),
                since=p.updated_at,
            )
            for p in _with_case(plans, user, "case").order_by(*returned_first)[: self.limit]
        ]
        data = CardData(
            count=assessments.count() + plans.count(),
            items=items,
            empty_text=str(_("No draft or returned assessment or plan.")),
        )
        data.items = data.items[: self.limit]
        return data


# --- supervisors: new restricted cases --------------------------------------------------------
@home.register
class NewRestrictedCasesCard(home.HomeCard):
    key = "cases.new_restricted"
    title = _("New restricted cases")
    order = 50

    def applies_to(self, user: User) -> bool:
        return permissions.can_supervise_cases(user)

    def build(self, user: User, *, now: dt.datetime) -> CardData:
        from simpul.children.models import ChildCategory

        restricted = (
            Q(is_sensitive=True)
            | Q(primary_category__is_restricted=True)
            | Q(
                Exists(
                    ChildCategory.objects.filter(
                        child=OuterRef("child"),
                        ended_at__isnull=True,
                        category__is_restricted=True,
                    )
                )
            )
        )
        since = now - dt.timedelta(days=NEW_RESTRICTED_DAYS)
        cases = Case.objects.filter(
            restricted, pk__in=supervised_case_ids(user), reported_at__gte=since
        )
        items = [
            HomeItem.dated(
                case_label(c, c, user),
                c.home_next_due,
                now=now,
                waiting=True,
                url=reverse("cases:detail", args=[c.pk]),
                detail=_detail(
                    c.get_status_display(),
                    _("risk: %(level)s") % {"level": c.get_risk_level_display()},
                ),
                since=c.reported_at,
            )
            for c in _with_case(cases, user).order_by("-reported_at")[: self.limit]
        ]
        return CardData(
            count=cases.count(),
            items=items,
            note=str(
                ngettext(
                    "Reported in the last %(n)d day; names are masked until you give a reason.",
                    "Reported in the last %(n)d days; names are masked until you give a reason.",
                    NEW_RESTRICTED_DAYS,
                )
                % {"n": NEW_RESTRICTED_DAYS}
            ),
            empty_text=str(_("No new restricted case.")),
        )


# --- partners: plan actions and cases assigned to their organisation ---------------------------
def _partner_orgs(user: User) -> set[Any]:
    return partner_organization_ids(user)


@home.register
class PartnerActionsCard(home.HomeCard):
    key = "cases.partner_actions"
    title = _("Plan actions for your organisation")
    order = 20

    def applies_to(self, user: User) -> bool:
        return bool(_partner_orgs(user))

    def build(self, user: User, *, now: dt.datetime) -> CardData:
        orgs = _partner_orgs(user)
        actions = PlanAction.objects.filter(
            goal__plan__status=CasePlan.Status.APPROVED,
            goal__plan__case__in=_open(cases_visible_to(user)),
            responsible_organization_id__in=orgs,
            status__in=OPEN_ACTION,
        )
        last, _after = _horizon(now)
        today = timezone.localtime(now).date()
        counts = actions.aggregate(
            n=Count("pk"),
            late=Count("pk", filter=Q(due_date__lt=today)),
            week=Count("pk", filter=Q(due_date__gte=today, due_date__lte=last)),
        )
        path = "goal__plan__case"
        rows = (
            _with_case(actions, user, path)
            .select_related("service_type", "goal__plan__case")
            .order_by("due_date", "pk")[: self.limit]
        )
        items = [
            HomeItem.dated(
                case_label(_case_of(a, path), a, user),
                a.due_date,
                now=now,
                url=reverse("cases:plan", args=[a.goal.plan.case_id]),
                detail=_detail(a.description[:90], a.get_status_display()),
            )
            for a in rows
        ]
        return CardData(
            count=counts["n"],
            items=items,
            note=_due_note(counts["late"], counts["week"]),
            see_all_url=reverse("cases:list"),
            see_all_label=str(_("Cases of your organisation")),
            see_all_count=False,  # the case list holds every case the organisation works on
            empty_text=str(_("No open plan action is assigned to your organisation.")),
        )


@home.register
class PartnerCasesCard(home.HomeCard):
    """Cases the partner leads or where a child is placed with it (the plan actions have their
    own card; a later referrals app adds its own card for referrals)."""

    key = "cases.partner_cases"
    title = _("Cases assigned to your organisation")
    order = 30
    KINDS = (CaseAssignment.Kind.LEAD, CaseAssignment.Kind.PLACEMENT)

    def applies_to(self, user: User) -> bool:
        return bool(_partner_orgs(user))

    def build(self, user: User, *, now: dt.datetime) -> CardData:
        orgs = _partner_orgs(user)
        active = CaseAssignment.objects.filter(
            case=OuterRef("pk"),
            organization_id__in=orgs,
            ended_at__isnull=True,
            kind__in=self.KINDS,
        )
        visible = _open(cases_visible_to(user).filter(Exists(active)))
        cases = Case.objects.filter(pk__in=visible)
        lead_due = Subquery(
            CaseDeadline.objects.filter(case=OuterRef("pk"), met_at__isnull=True)
            .filter(
                Exists(
                    CaseAssignment.objects.filter(
                        case=OuterRef("case"),
                        organization_id__in=orgs,
                        ended_at__isnull=True,
                        kind=CaseAssignment.Kind.LEAD,
                    )
                )
            )
            .order_by("due_at")
            .values("due_at")[:1],
            output_field=DateTimeField(),
        )
        placement_due = Subquery(
            Placement.objects.filter(
                case=OuterRef("pk"), organization_id__in=orgs, end_date__isnull=True
            )
            .order_by("review_due")
            .values("review_due")[:1],
            output_field=DateField(),
        )
        action_due = Subquery(
            PlanAction.objects.filter(
                goal__plan__case=OuterRef("pk"),
                goal__plan__status=CasePlan.Status.APPROVED,
                responsible_organization_id__in=orgs,
                status__in=OPEN_ACTION,
            )
            .order_by("due_date")
            .values("due_date")[:1],
            output_field=DateField(),
        )
        kind = Subquery(active.order_by("kind").values("kind")[:1])
        far = Value(FAR_DATE, output_field=DateField())
        rows = (
            _with_case(cases, user)
            .annotate(
                home_lead_due=lead_due,
                home_placement_due=placement_due,
                home_action_due=action_due,
                home_kind=kind,
            )
            .annotate(
                home_due=Least(
                    Coalesce(TruncDate("home_lead_due"), far),
                    Coalesce("home_placement_due", far),
                    Coalesce("home_action_due", far),
                    output_field=DateField(),
                ),
            )
            .order_by("home_due", "-reported_at")[: self.limit]
        )
        kinds = dict(CaseAssignment.Kind.choices)
        items = []
        for c in rows:
            due: dt.date | dt.datetime | None = _due_of(c)
            items.append(
                HomeItem.dated(
                    case_label(c, c, user),
                    due,
                    now=now,
                    url=reverse("cases:detail", args=[c.pk]),
                    detail=_detail(kinds.get(c.home_kind, ""), c.get_status_display()),
                )
            )
        return CardData(
            count=cases.count(),
            items=items,
            see_all_url=reverse("cases:list"),
            see_all_label=str(_("Cases of your organisation")),
            see_all_count=False,  # the case list holds every case the organisation works on
            note=str(_("Led by your organisation, or a child placed with it.")),
            empty_text=str(
                _("Your organisation leads no open case and no child is placed with it.")
            ),
        )


def _due_note(overdue: int, week: int) -> str:
    parts = []
    if overdue:
        parts.append(ngettext("%(n)d overdue", "%(n)d overdue", overdue) % {"n": overdue})
    if week:
        parts.append(ngettext("%(n)d due this week", "%(n)d due this week", week) % {"n": week})
    return " · ".join(parts)


def _due_of(c: Any) -> dt.date | dt.datetime | None:
    """The earliest of the partner's dates on a case: the case deadline when it leads it, the
    placement review, the next plan action."""
    candidates: list[tuple[dt.date, dt.date | dt.datetime]] = []
    if c.home_lead_due is not None:
        candidates.append((timezone.localtime(c.home_lead_due).date(), c.home_lead_due))
    for value in (c.home_placement_due, c.home_action_due):
        if value is not None:
            candidates.append((value, value))
    return min(candidates, key=lambda pair: pair[0])[1] if candidates else None
