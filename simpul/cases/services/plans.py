"""Case plans (goals and actions), services delivered, case notes and case conferences.

A plan is edited while it is a draft (or returned), submitted, then approved or returned by the
supervisor. Approving needs the full assessment approved; the approved plan supersedes the
previous approved version, and the first approval moves the case to PLAN_APPROVED.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simpul.cases.models import (
    Assessment,
    Case,
    CaseConference,
    CaseNote,
    CasePlan,
    CaseStatus,
    Milestone,
    PlanAction,
    PlanGoal,
    ServiceDelivery,
)
from simpul.cases.services import sla
from simpul.cases.services._common import (
    CLOSED_MESSAGE,
    _access,
    case_accepts_work,
    case_audit,
    full_clean,
    require_approve,
    require_edit,
    require_not_closed,
)
from simpul.cases.services.assignments import (
    PARTNER_ACTION_STATUSES,
    plan_assignments_sync,
    sharing_check,
)
from simpul.core import events
from simpul.core.audit import acting_organization, diff, snapshot
from simpul.core.concurrency import version_claim
from simpul.core.exceptions import ApplicationError
from simpul.directory.models import TaxonomyTerm

if TYPE_CHECKING:
    from simpul.accounts.models import User
    from simpul.directory.models import Organization

EDITABLE = (CasePlan.Status.DRAFT, CasePlan.Status.RETURNED)
# A plan is approved (and so may be submitted) only once the case is in the full assessment or
# a later step of the work; never while it is reported, registered, in the initial assessment,
# in urgent protection, waiting for its closure, closed or reopened.
PLAN_STATUSES = (
    CaseStatus.FULL_ASSESSMENT,
    CaseStatus.PLAN_APPROVED,
    CaseStatus.IMPLEMENTATION,
    CaseStatus.REVIEW,
    CaseStatus.REINTEGRATION,
)


# --- plans ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanStart:
    """Whether a new plan version may be started now; if not, why, and which plan is in the way.
    The plan tab offers the action only when ``allowed`` and otherwise shows ``reason``."""

    allowed: bool
    reason: str = ""
    current: CasePlan | None = None  # the plan being written or waiting for approval


def plan_start_policy(*, case: Case) -> PlanStart:
    """The one rule for starting a plan version (``plan_create`` enforces it, the page asks it):
    not on a closed case, and not while another version is being written or waits for approval."""
    if not case_accepts_work(case):
        return PlanStart(False, str(CLOSED_MESSAGE))
    current = (
        case.plans.filter(status__in=[*EDITABLE, CasePlan.Status.SUBMITTED])
        .select_related("author")
        .order_by("-version")
        .first()
    )
    if current is None:
        return PlanStart(True)
    if current.status == CasePlan.Status.SUBMITTED:
        reason = _(
            "Plan version %(v)s waits for the supervisor's approval. A new version can be started "
            "once it is approved or returned."
        )
    elif current.status == CasePlan.Status.RETURNED:
        reason = _(
            "Plan version %(v)s was returned for changes: change it below and submit it again."
        )
    else:
        reason = _("Plan version %(v)s is still being written: continue it below.")
    return PlanStart(False, str(reason % {"v": current.version}), current)


def plan_submit_check(*, plan: CasePlan) -> None:
    """A plan is submitted only when its approval can follow: the case is in the full assessment
    (or later) and the full assessment has been submitted. Otherwise ApplicationError says which
    step comes first (``extra``: ``code``, the case ``status`` and the ``next_status``)."""
    from simpul.cases.services.workflow import first_step_towards

    case = plan.case
    if case.status in PLAN_STATUSES:
        if not case.assessments.filter(
            kind=Assessment.Kind.FULL,
            status__in=[Assessment.Status.SUBMITTED, Assessment.Status.APPROVED],
        ).exists():
            raise ApplicationError(
                _("Submit the full assessment first: the supervisor approves it before the plan."),
                extra={"code": "plan_submit_too_early", "status": case.status},
            )
        return
    status = case.get_status_display()
    if case.status == CaseStatus.CLOSURE_PENDING:
        raise ApplicationError(
            _(
                "A closure request waits for the supervisor's decision: a plan can be submitted "
                "only if the request is returned."
            ),
            extra={"code": "plan_submit_too_early", "status": case.status},
        )
    nxt = first_step_towards(case, PLAN_STATUSES)
    initial_done = case.assessments.filter(
        kind=Assessment.Kind.INITIAL,
        status__in=[Assessment.Status.SUBMITTED, Assessment.Status.APPROVED],
    ).exists()
    step: Any
    if nxt is None:
        step = _("none")
    elif (
        nxt == CaseStatus.FULL_ASSESSMENT
        and case.status != CaseStatus.URGENT_PROTECTION
        and not initial_done
    ):
        step = _("submit the initial assessment, then move the case to “%(next)s”") % {
            "next": CaseStatus(nxt).label
        }
    else:
        step = _("move the case to “%(next)s”") % {"next": CaseStatus(nxt).label}
    raise ApplicationError(
        _(
            "The plan cannot be submitted while the case is “%(status)s”: the supervisor approves a "
            "plan only from the full assessment on. First step: %(step)s."
        )
        % {"status": status, "step": step},
        extra={"code": "plan_submit_too_early", "status": case.status, "next_status": nxt},
    )


def plan_submit_refusal(*, plan: CasePlan) -> str:
    """Why ``plan_submit_check`` would refuse this plan now ("" when it would not): the plan tab
    shows it instead of a button that would be refused."""
    try:
        plan_submit_check(plan=plan)
    except ApplicationError as exc:
        return str(exc.message)
    return ""


def _editable(plan: CasePlan) -> None:
    if plan.status not in EDITABLE:
        raise ApplicationError(
            _("Only a draft or returned plan can be changed; start a new version instead.")
        )


@transaction.atomic
def plan_create(*, actor: User, case: Case, summary: str = "") -> CasePlan:
    """A new draft version; goals and actions of the latest approved plan are copied into it."""
    require_edit(actor, case)
    require_not_closed(case)
    start = plan_start_policy(case=case)
    if not start.allowed:
        raise ApplicationError(start.reason, extra={"code": "plan_in_progress"})
    previous = case.plans.filter(status=CasePlan.Status.APPROVED).order_by("-version").first()
    version = (case.plans.aggregate(m=Max("version"))["m"] or 0) + 1
    plan = CasePlan(
        case=case,
        version=version,
        summary=summary or (previous.summary if previous else ""),
        author=actor,
    )
    full_clean(plan)
    plan.save()
    if previous is not None:
        for goal in previous.goals.prefetch_related("actions"):
            new_goal = PlanGoal.objects.create(
                plan=plan, description=goal.description, achieved_at=goal.achieved_at
            )
            for action in goal.actions.all():
                PlanAction.objects.create(
                    goal=new_goal,
                    description=action.description,
                    service_type=action.service_type,
                    responsible_organization=action.responsible_organization,
                    due_date=action.due_date,
                    status=action.status,
                )
    case_audit(
        actor=actor,
        action="cases.plan.created",
        case=case,
        target=plan,
        data={"version": version, "copied_from": str(previous.pk) if previous else None},
    )
    return plan


@transaction.atomic
def plan_update(
    *, actor: User, plan: CasePlan, summary: str, expected_version: Any = None
) -> CasePlan:
    """``expected_version``: the edit version the editor read; a newer one raises
    ConcurrentUpdate and nothing changes (None only for internal writes)."""
    require_edit(actor, plan.case)
    if expected_version is not None:
        version_claim(plan, expected_version=expected_version)
    _editable(plan)
    before = snapshot(plan, ["summary"])
    plan.summary = summary
    full_clean(plan)
    plan.save()
    case_audit(
        actor=actor,
        action="cases.plan.updated",
        case=plan.case,
        target=plan,
        changes=diff(before, snapshot(plan, ["summary"])),
    )
    return plan


@transaction.atomic
def plan_goal_add(*, actor: User, plan: CasePlan, description: str) -> PlanGoal:
    require_edit(actor, plan.case)
    _editable(plan)
    goal = PlanGoal(plan=plan, description=description)
    full_clean(goal)
    goal.save()
    case_audit(
        actor=actor,
        action="cases.plan.goal_added",
        case=plan.case,
        target=goal,
        data={"plan_id": str(plan.pk)},
    )
    return goal


@transaction.atomic
def plan_action_add(
    *,
    actor: User,
    goal: PlanGoal,
    description: str,
    responsible_organization: Organization,
    due_date: dt.date,
    service_type: TaxonomyTerm | None = None,
) -> PlanAction:
    """An action of a goal. A partner organisation may be named only if sharing is allowed; it
    is assigned to the case (sees the summary and its own actions) once the plan is approved."""
    plan = goal.plan
    case = plan.case
    require_edit(actor, case)
    _editable(plan)
    if service_type is not None and service_type.taxonomy != TaxonomyTerm.Taxonomy.SERVICE_TYPE:
        raise ApplicationError(_("The service type is not a term of the service-type vocabulary."))
    # Checked now so the plan names no organisation the child's data may not go to; the
    # organisation gets access only when the plan is approved (plan_assignments_sync).
    sharing_check(case=case, organization=responsible_organization)
    action = PlanAction(
        goal=goal,
        description=description,
        responsible_organization=responsible_organization,
        due_date=due_date,
        service_type=service_type,
    )
    full_clean(action)
    action.save()
    case_audit(
        actor=actor,
        action="cases.plan.action_added",
        case=case,
        target=action,
        data={
            "plan_id": str(plan.pk),
            "organization_id": str(responsible_organization.pk),
            "due_date": due_date,
        },
    )
    return action


@transaction.atomic
def plan_action_set_status(*, actor: User, action: PlanAction, status: str) -> PlanAction:
    """The lead's team, or staff of the responsible partner organisation, update an action."""
    case = action.goal.plan.case
    access = _access(actor, case)
    own = access.is_partner and action.responsible_organization_id in _actor_org_ids(actor)
    if not (access.can_edit or own):
        raise PermissionDenied
    require_not_closed(case)
    if status not in PlanAction.Status.values:
        raise ApplicationError(_("Choose a valid status."))
    if action.goal.plan.status != CasePlan.Status.APPROVED:
        raise ApplicationError(_("Only actions of the approved plan are carried out and updated."))
    if own and not access.can_edit and status not in PARTNER_ACTION_STATUSES:
        raise ApplicationError(
            _("Only the case team can cancel an action; tell them why it cannot be done.")
        )
    before = action.status
    action.status = status
    action.save(update_fields=["status", "updated_at"])
    case_audit(
        actor=actor,
        action="cases.plan.action_status",
        case=case,
        target=action,
        changes={"status": {"before": before, "after": status}},
    )
    plan_assignments_sync(case=case, actor=actor)
    return action


@transaction.atomic
def plan_submit(*, actor: User, plan: CasePlan) -> CasePlan:
    require_edit(actor, plan.case)
    require_not_closed(plan.case)
    _editable(plan)
    plan_submit_check(plan=plan)
    if not plan.goals.exists():
        raise ApplicationError(_("Add at least one goal before submitting the plan."))
    if PlanGoal.objects.filter(plan=plan, actions__isnull=True).exists():
        raise ApplicationError(
            _("Every goal needs at least one action before the plan is submitted.")
        )
    before = plan.status
    plan.status = CasePlan.Status.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.save(update_fields=["status", "submitted_at", "updated_at"])
    case_audit(
        actor=actor,
        action="cases.plan.submitted",
        case=plan.case,
        target=plan,
        changes={"status": {"before": before, "after": plan.status}},
        data={"version": plan.version},
    )
    return plan


@transaction.atomic
def plan_approve(*, actor: User, plan: CasePlan, note: str = "") -> CasePlan:
    """The supervisor approves a submitted plan; the full assessment must be approved. The first
    approval moves the case from FULL_ASSESSMENT to PLAN_APPROVED; the review deadline starts."""
    from simpul.cases.services.workflow import ROUTE_PLAN_APPROVE, _transition

    case = plan.case
    require_approve(actor, case)
    if plan.status != CasePlan.Status.SUBMITTED:
        raise ApplicationError(_("Only a submitted plan can be approved."))
    if not case.assessments.filter(
        kind=Assessment.Kind.FULL, status=Assessment.Status.APPROVED
    ).exists():
        raise ApplicationError(_("Approve the full assessment before the plan."))
    if case.status not in PLAN_STATUSES:
        raise ApplicationError(
            _(
                "A plan can be approved when the case is in full assessment or later (now: “%(status)s”)."
            )
            % {"status": case.get_status_display()}
        )
    now = timezone.now()
    superseded = list(case.plans.filter(status=CasePlan.Status.APPROVED).exclude(pk=plan.pk))
    case.plans.filter(pk__in=[p.pk for p in superseded]).update(
        status=CasePlan.Status.SUPERSEDED, updated_at=now
    )
    plan.status = CasePlan.Status.APPROVED
    plan.decided_by = actor
    plan.decided_at = now
    plan.decision_note = note
    full_clean(plan)
    plan.save()
    sla.deadline_meet(case=case, milestone=Milestone.CASE_PLAN, at=now)
    case_audit(
        actor=actor,
        action="cases.plan.approved",
        case=case,
        target=plan,
        changes={"status": {"before": "submitted", "after": "approved"}},
        data={"version": plan.version, "note": note, "superseded": [str(p.pk) for p in superseded]},
    )
    if case.status == CaseStatus.FULL_ASSESSMENT:
        _transition(
            actor=actor,
            case=case,
            to_status=CaseStatus.PLAN_APPROVED,
            reason=events.stored("cases.transition.plan_approved", v=plan.version),
            route=ROUTE_PLAN_APPROVE,
        )
    sla.review_deadline_schedule(case=case, base=now)
    plan_assignments_sync(case=case, actor=actor)
    return plan


@transaction.atomic
def plan_return(*, actor: User, plan: CasePlan, note: str) -> CasePlan:
    require_approve(actor, plan.case)
    if plan.status != CasePlan.Status.SUBMITTED:
        raise ApplicationError(_("Only a submitted plan can be returned."))
    if not note.strip():
        raise ApplicationError(
            _("Say what must change before approval."),
            extra={"fields": {"note": [_("This field is required.")]}},
        )
    plan.status = CasePlan.Status.RETURNED
    plan.decided_by = actor
    plan.decided_at = timezone.now()
    plan.decision_note = note
    plan.save()
    case_audit(
        actor=actor,
        action="cases.plan.returned",
        case=plan.case,
        target=plan,
        changes={"status": {"before": "submitted", "after": "returned"}},
        data={"note": note},
    )
    return plan


# --- services delivered, notes, conferences ---------------------------------------------------
def _actor_org_ids(actor: User) -> set:
    return {m.organization_id for m in actor.active_memberships()}


@transaction.atomic
def service_delivery_record(
    *,
    actor: User,
    case: Case,
    service_type: TaxonomyTerm,
    organization: Organization,
    delivered_on: dt.date,
    description: str = "",
    plan_action: PlanAction | None = None,
) -> ServiceDelivery:
    """A service given to the child. Partners record only services their organisation gave."""
    access = _access(actor, case)
    if not access.visible:
        raise PermissionDenied
    if not access.can_edit and not (access.is_partner and organization.pk in _actor_org_ids(actor)):
        raise PermissionDenied
    require_not_closed(case)
    if service_type.taxonomy != TaxonomyTerm.Taxonomy.SERVICE_TYPE:
        raise ApplicationError(_("The service type is not a term of the service-type vocabulary."))
    if delivered_on > timezone.localdate():
        raise ApplicationError(
            _("The date cannot be in the future."),
            extra={"fields": {"delivered_on": [_("In the future.")]}},
        )
    if plan_action is not None and plan_action.goal.plan.case_id != case.pk:
        raise ApplicationError(_("The plan action belongs to another case."))
    delivery = ServiceDelivery(
        case=case,
        plan_action=plan_action,
        service_type=service_type,
        organization=organization,
        delivered_on=delivered_on,
        description=description,
        recorded_by=actor,
    )
    full_clean(delivery)
    delivery.save()
    case_audit(
        actor=actor,
        action="cases.service.recorded",
        case=case,
        target=delivery,
        data={
            "organization_id": str(organization.pk),
            "service_type": service_type.code,
            "delivered_on": delivered_on,
        },
    )
    return delivery


@transaction.atomic
def case_note_add(*, actor: User, case: Case, text: str) -> CaseNote:
    """A case note; the first one meets the first-contact deadline."""
    require_edit(actor, case)
    if not text.strip():
        raise ApplicationError(
            _("Write the note."), extra={"fields": {"text": [_("This field is required.")]}}
        )
    note = CaseNote(case=case, text=text, author=actor, organization=acting_organization(actor))
    full_clean(note)
    note.save()
    sla.deadline_meet(case=case, milestone=Milestone.FIRST_CONTACT, at=note.created_at)
    case_audit(actor=actor, action="cases.note.added", case=case, target=note)
    return note


@transaction.atomic
def case_conference_record(
    *,
    actor: User,
    case: Case,
    held_on: dt.date,
    participants: str,
    decisions: str,
    organizations: Iterable[Organization] = (),
) -> CaseConference:
    """Temu bahas kasus: who took part, which organisations, what was decided."""
    require_edit(actor, case)
    if held_on > timezone.localdate():
        raise ApplicationError(
            _("The date cannot be in the future."),
            extra={"fields": {"held_on": [_("In the future.")]}},
        )
    conference = CaseConference(
        case=case,
        held_on=held_on,
        participants=participants,
        decisions=decisions,
        recorded_by=actor,
    )
    full_clean(conference)
    conference.save()
    orgs = list(organizations)
    conference.organizations.set(orgs)
    case_audit(
        actor=actor,
        action="cases.conference.recorded",
        case=case,
        target=conference,
        data={"held_on": held_on, "organization_ids": [str(o.pk) for o in orgs]},
    )
    return conference
