"""Which organisations work on a case (CaseAssignment: lead, plan action, placement, referral —
the kinds that grant access, simpul.access.cases) and the sharing rule they depend on: an
organisation gets an assignment only with the child's consent or a legal basis, and loses it
when that is withdrawn. Used by the workflow, plans and placements alike."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from simpul.cases.events import SHARING_WITHDRAWN
from simpul.cases.models import (
    Case,
    CaseAssignment,
    CasePlan,
    CaseStatus,
    PlanAction,
)
from simpul.cases.services._common import (
    case_audit,
    forget_access,
    full_clean,
)
from simpul.core import events
from simpul.core.exceptions import ApplicationError

if TYPE_CHECKING:
    from simpul.accounts.models import User
    from simpul.children.models import Child
    from simpul.directory.models import Organization


def sharing_check(*, case: Case, organization: Organization) -> None:
    """The child's data may go to ``organization`` (consent or a legal basis), else
    ApplicationError. Dinas Sosial and its Suku Dinas are the controller itself: no check."""
    if organization.pk == case.lead_organization_id:
        return
    sharing_check_child(child=case.child, organization=organization)


def sharing_check_child(*, child: Child, organization: Organization) -> None:
    """The one sharing check (plan actions, opening a case led by another organisation,
    transfers): consent or a legal basis, else ApplicationError; none for the controller."""
    if organization.is_government_social:
        return
    _require_sharing_allowed(child, organization)


def _require_sharing_allowed(child: Child, organization: Organization) -> None:
    # Consent / legal-basis rules belong to the children app.
    from simpul.children.services import require_sharing_allowed

    require_sharing_allowed(child, organization)


def assignment_ensure(*, case: Case, organization: Organization, kind: str) -> CaseAssignment:
    """An active assignment of ``organization`` on the case (partner visibility), created once."""
    existing = case.assignments.filter(
        organization=organization, kind=kind, ended_at__isnull=True
    ).first()
    if existing:
        return existing
    assignment = CaseAssignment(
        case=case, organization=organization, kind=kind, started_at=timezone.now()
    )
    full_clean(assignment)
    assignment.save()
    case_audit(
        actor=None,
        action="cases.assignment.started",
        case=case,
        target=assignment,
        data={"organization_id": str(organization.pk), "kind": kind},
    )
    return assignment


def assignment_end(*, assignment: CaseAssignment, actor: User | None, reason: str = "") -> None:
    """End an organisation's assignment (kept as history, audited): it no longer sees the case
    through it."""
    assignment.ended_at = timezone.now()
    assignment.save(update_fields=["ended_at", "updated_at"])
    data = {"organization_id": str(assignment.organization_id), "kind": assignment.kind}
    if reason:
        data["reason"] = reason
    case_audit(
        actor=actor,
        action="cases.assignment.ended",
        case=assignment.case,
        target=assignment,
        data=data,
    )
    forget_access(assignment.case)


# What staff of the responsible organisation may set; cancelling is the case team's decision.
PARTNER_ACTION_STATUSES = (
    PlanAction.Status.PLANNED,
    PlanAction.Status.IN_PROGRESS,
    PlanAction.Status.DONE,
)
LIVE_PLANS = (
    CasePlan.Status.DRAFT,
    CasePlan.Status.SUBMITTED,
    CasePlan.Status.RETURNED,
    CasePlan.Status.APPROVED,
)
ENDED_CASE = (CaseStatus.CLOSED, CaseStatus.AFTERCARE)


def plan_assignments_sync(*, case: Case, actor: User | None = None) -> None:
    """A partner organisation sees the case through a plan-action assignment only while it is
    responsible for an action that is not cancelled, in the APPROVED plan (a draft, submitted or
    returned plan grants nothing: the work is not agreed yet; a superseded one no longer), on a
    case that is not closed. Called after every change to plans, actions and case status: ends the
    assignments no longer needed and (on reopening) restores those needed again, if the child's
    data may still be shared with the organisation."""
    wanted: set = set()
    if case.status not in ENDED_CASE:
        wanted = set(
            PlanAction.objects.filter(
                goal__plan__case=case, goal__plan__status=CasePlan.Status.APPROVED
            )
            .exclude(status=PlanAction.Status.CANCELLED)
            .exclude(responsible_organization_id=case.lead_organization_id)
            .values_list("responsible_organization_id", flat=True)
        )
    active = list(
        case.assignments.filter(kind=CaseAssignment.Kind.PLAN_ACTION, ended_at__isnull=True)
    )
    for assignment in active:
        if assignment.organization_id not in wanted:
            assignment_end(assignment=assignment, actor=actor)
    have = {a.organization_id for a in active}
    from simpul.directory.models import Organization

    for organization in Organization.objects.filter(pk__in=wanted - have):
        try:
            sharing_check(case=case, organization=organization)
        except ApplicationError:
            continue  # consent withdrawn since: the organisation stays without access
        assignment_ensure(
            case=case, organization=organization, kind=CaseAssignment.Kind.PLAN_ACTION
        )


def sharing_withdrawn(*, child: Child, actor: User | None) -> dict[str, int]:
    """After a sharing consent is withdrawn or a legal basis revoked: on the child's open cases,
    an organisation that may no longer receive the child's data loses its plan-action or
    referral assignment at once; where it leads the case or hosts the child (placement), the
    case team gets a task to record a legal basis or move the case/child, because ending that
    access silently could leave the child without care."""
    from simpul.cases.models import CaseTask
    from simpul.children.services import sharing_allowed

    out = {"ended": 0, "tasks": 0}
    today = timezone.localdate()
    for case in Case.objects.filter(child=child).exclude(status__in=ENDED_CASE):
        for assignment in case.assignments.filter(ended_at__isnull=True).select_related(
            "organization"
        ):
            organization = assignment.organization
            if organization.is_government_social or sharing_allowed(case.child, organization):
                continue
            if assignment.kind in (CaseAssignment.Kind.PLAN_ACTION, CaseAssignment.Kind.REFERRAL):
                assignment_end(assignment=assignment, actor=actor, reason=SHARING_WITHDRAWN)
                out["ended"] += 1
            else:
                task = CaseTask.objects.create(
                    case=case,
                    kind=CaseTask.Kind.OTHER,
                    due_on=today + dt.timedelta(days=3),
                    title=events.stored(
                        "cases.task.lead_consent_withdrawn"
                        if assignment.kind == CaseAssignment.Kind.LEAD
                        else "cases.task.placement_consent_withdrawn",
                        org=organization.name[:150],
                    ),
                )
                case_audit(
                    actor=actor,
                    action="cases.task.opened",
                    case=case,
                    target=task,
                    data={
                        "organization_id": str(organization.pk),
                        "kind": assignment.kind,
                        "reason": "sharing_withdrawn",
                    },
                )
                out["tasks"] += 1
    return out
