"""The case workflow (REFERENCE §6.4): opening, status transitions, risk, closure, transfer.

Status changes go through ``_transition`` only. ``ALLOWED`` is the complete table of legal steps;
some steps are *routed*: they happen only through the action that carries their inputs and
approval (a supervisor approving the plan, a closure request with its reason, the supervisor's
decision on it). ``case_transition`` refuses any other step with a message that names the
current status, the requested one and the next steps.

Initial status (decision): a case opens at REGISTERED when the child's record existed before the
report (a known child, a new episode), and at REPORTED when the record was created for this
report: the worker confirms the registration (identity checked, admission) as the next step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simpul.accounts.models import Role
from simpul.cases.models import (
    Assessment,
    Case,
    CaseAssignment,
    CaseStatus,
    CaseTask,
    CaseTransfer,
    CaseTransition,
    ClosureReason,
    IntakeChannel,
    Milestone,
    OutreachMethod,
    RiskLevel,
    RiskRating,
)
from simpul.cases.services import sla
from simpul.cases.services._common import (
    case_audit,
    forget_access,
    full_clean,
    lock,
    require_approve,
    require_edit,
)
from simpul.core import events
from simpul.core.audit import acting_organization, diff, snapshot
from simpul.core.concurrency import version_claim
from simpul.core.exceptions import ApplicationError
from simpul.directory.models import OrganizationType

if TYPE_CHECKING:
    from simpul.accounts.models import User
    from simpul.children.models import Category, Child
    from simpul.directory.models import Organization

S = CaseStatus

ALLOWED: dict[str, tuple[str, ...]] = {
    S.REPORTED: (S.REGISTERED,),
    S.REGISTERED: (S.INITIAL_ASSESSMENT,),
    S.INITIAL_ASSESSMENT: (S.URGENT_PROTECTION, S.FULL_ASSESSMENT),
    # Urgent protection returns to the step it interrupted (guard below).
    S.URGENT_PROTECTION: (S.INITIAL_ASSESSMENT, S.FULL_ASSESSMENT),
    S.FULL_ASSESSMENT: (S.URGENT_PROTECTION, S.PLAN_APPROVED),
    S.PLAN_APPROVED: (S.IMPLEMENTATION,),
    S.IMPLEMENTATION: (S.REVIEW, S.REINTEGRATION, S.CLOSURE_PENDING),
    S.REVIEW: (S.IMPLEMENTATION, S.REINTEGRATION, S.CLOSURE_PENDING),
    S.REINTEGRATION: (S.REVIEW, S.CLOSURE_PENDING),
    # Approved → CLOSED; returned → the step the request came from.
    S.CLOSURE_PENDING: (S.CLOSED, S.IMPLEMENTATION, S.REVIEW, S.REINTEGRATION),
    S.CLOSED: (S.AFTERCARE, S.REOPENED),
    S.AFTERCARE: (S.CLOSED, S.REOPENED),
    S.REOPENED: (S.INITIAL_ASSESSMENT, S.FULL_ASSESSMENT),
}

# Steps that need a reason written by the worker.
REASON_REQUIRED = {S.URGENT_PROTECTION, S.REOPENED}

ROUTE_PLAN_APPROVE = "plan_approve"
ROUTE_CLOSE_REQUEST = "case_close_request"
ROUTE_CLOSE_APPROVE = "case_close_approve"
ROUTE_CLOSE_RETURN = "case_close_return"


def route_of(from_status: str, to_status: str) -> str | None:
    """The action that must take this step, or None when a plain transition may."""
    if to_status == S.PLAN_APPROVED:
        return ROUTE_PLAN_APPROVE
    if to_status == S.CLOSURE_PENDING:
        return ROUTE_CLOSE_REQUEST
    if from_status == S.CLOSURE_PENDING:
        return ROUTE_CLOSE_APPROVE if to_status == S.CLOSED else ROUTE_CLOSE_RETURN
    return None


ROUTE_MESSAGES = {
    ROUTE_PLAN_APPROVE: _(
        "The plan is approved by the supervisor approving a submitted case plan."
    ),
    ROUTE_CLOSE_REQUEST: _(
        "Request the closure with a closure reason; the supervisor then decides."
    ),
    ROUTE_CLOSE_APPROVE: _(
        "Only the supervisor closes the case, by approving the closure request."
    ),
    ROUTE_CLOSE_RETURN: _("Only the supervisor returns a closure request."),
}


def _label(status: str) -> str:
    return str(S(status).label) if status in S.values else status


def next_statuses(case: Case) -> list[str]:
    """Legal next statuses from the current one (routed steps included, guards not checked)."""
    allowed = list(ALLOWED.get(case.status, ()))
    if case.status == S.URGENT_PROTECTION:
        origin = _urgent_origin(case)
        allowed = [s for s in allowed if s == origin] if origin else allowed
    if case.status == S.CLOSURE_PENDING:
        origin = _closure_origin(case)
        allowed = [s for s in allowed if s == S.CLOSED or s == origin]
    return allowed


def first_step_towards(case: Case, targets: Collection[str]) -> str | None:
    """The next status on the shortest legal path from the case's status to one of ``targets``
    (None when the case is there already or no path leads there). Used to tell a worker which
    step comes first."""
    if case.status in targets:
        return None
    frontier = [(s, s) for s in next_statuses(case)]  # (status reached, first step taken)
    seen = {case.status, *(s for s, _first in frontier)}
    while frontier:
        following = []
        for status, first in frontier:
            if status in targets:
                return first
            for nxt in ALLOWED.get(status, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    following.append((nxt, first))
        frontier = following
    return None


def _refuse_illegal(case: Case, to_status: str) -> None:
    steps = next_statuses(case)
    raise ApplicationError(
        _(
            "A case with status “%(current)s” cannot go directly to “%(target)s”. Next step: %(next)s."
        )
        % {
            "current": _label(case.status),
            "target": _label(to_status),
            "next": ", ".join(f"“{_label(s)}”" for s in steps) or _("none"),
        },
        extra={"code": "illegal_transition", "allowed": steps},
    )


def _last_transition_into(case: Case, into: str) -> CaseTransition | None:
    return case.transitions.filter(to_status=into).order_by("-at", "-id").first()


def _origin(case: Case, into: str) -> str | None:
    last = _last_transition_into(case, into)
    return last.from_status if last else None


def _urgent_origin(case: Case) -> str | None:
    return _origin(case, S.URGENT_PROTECTION)


def _closure_origin(case: Case) -> str | None:
    return _origin(case, S.CLOSURE_PENDING)


def _guard(case: Case, to_status: str, reason: str) -> None:
    if to_status in REASON_REQUIRED and not reason.strip():
        raise ApplicationError(
            _("Give a reason for “%(target)s”.") % {"target": _label(to_status)},
            extra={"fields": {"reason": [_("This field is required.")]}},
        )
    if case.status == S.URGENT_PROTECTION:
        origin = _urgent_origin(case)
        if origin and to_status != origin:
            raise ApplicationError(
                _("After urgent protection the case returns to “%(origin)s”, where it came from.")
                % {"origin": _label(origin)}
            )
    if to_status == S.FULL_ASSESSMENT and case.status != S.URGENT_PROTECTION:
        done = case.assessments.filter(
            kind=Assessment.Kind.INITIAL,
            status__in=[Assessment.Status.SUBMITTED, Assessment.Status.APPROVED],
        ).exists()
        if not done:
            raise ApplicationError(
                _("Submit the initial assessment before starting the full assessment.")
            )


@transaction.atomic
def _transition(
    *, actor: User | None, case: Case, to_status: str, reason: str = "", route: str | None = None
) -> CaseTransition:
    lock(case)
    if to_status not in S.values:
        raise ApplicationError(_("Unknown status “%(status)s”.") % {"status": to_status})
    if to_status == case.status:
        raise ApplicationError(
            _("The case already has status “%(status)s”.") % {"status": _label(to_status)}
        )
    if to_status not in ALLOWED.get(case.status, ()):
        _refuse_illegal(case, to_status)
    needed = route_of(case.status, to_status)
    if needed != route:
        raise ApplicationError(
            ROUTE_MESSAGES.get(needed or "", _("This step cannot be taken here.")),
            extra={"code": "routed_transition", "route": needed},
        )
    _guard(case, to_status, reason)
    now = timezone.now()
    from_status = case.status
    case.status = to_status
    if to_status == S.REVIEW:
        sla.deadline_meet(case=case, milestone=Milestone.REVIEW, at=now)
    if to_status == S.REOPENED:
        case.closed_at = None
        case.closure_reason = ""
        case.closure_note = ""
    full_clean(case)
    case.save()
    data: dict[str, Any] = {"reason": reason} if reason else {}
    # Deadlines: none stays open on a closed case; a reopened one is assessed and planned again.
    if to_status == S.CLOSED:
        ended = sla.deadlines_end_on_closure(case=case, at=case.closed_at or now)
        if ended:
            data["deadlines_ended"] = ended
    elif to_status == S.REOPENED:
        sla.deadlines_after_reopening(case=case, reopened_at=now)
    elif from_status == S.REOPENED and to_status == S.INITIAL_ASSESSMENT:
        reopened = _last_transition_into(case, S.REOPENED)
        sla.deadlines_after_reopening(
            case=case,
            reopened_at=reopened.at if reopened else now,
            milestones=(Milestone.INITIAL_ASSESSMENT,),
        )
    transition = CaseTransition.objects.create(
        case=case, from_status=from_status, to_status=to_status, actor=actor, reason=reason, at=now
    )
    case_audit(
        actor=actor,
        action="cases.case.transitioned",
        case=case,
        changes={"status": {"before": from_status, "after": to_status}},
        data=data or None,
    )
    if to_status in (S.CLOSED, S.AFTERCARE, S.REOPENED):
        from simpul.cases.services.assignments import plan_assignments_sync

        plan_assignments_sync(case=case, actor=actor)
    return transition


def case_transition(*, actor: User, case: Case, to_status: str, reason: str = "") -> Case:
    """A plain workflow step by someone working on the case. Illegal or routed steps are refused
    with an ApplicationError and nothing changes."""
    require_edit(actor, case)
    _transition(actor=actor, case=case, to_status=to_status, reason=reason)
    return case


def case_reopen(*, actor: User, case: Case, reason: str) -> Case:
    return case_transition(actor=actor, case=case, to_status=S.REOPENED, reason=reason)


# --- opening ----------------------------------------------------------------------------------
def _next_case_number(year: int) -> str:
    prefix = f"KAS-{year}-"
    last = (
        Case.objects.filter(case_number__startswith=prefix)
        .order_by("-case_number")
        .values_list("case_number", flat=True)
        .first()
    )
    n = int(last.rsplit("-", 1)[1]) + 1 if last and last.rsplit("-", 1)[1].isdigit() else 1
    return f"{prefix}{n:06d}"


def _kota_code_for(child: Child, lead: Organization) -> str:
    if child.current_kota_code:
        return child.current_kota_code
    if lead.jurisdiction is not None and lead.jurisdiction.level >= 2:
        return lead.jurisdiction.code[:5]
    if lead.kota_code:
        return lead.kota_code
    raise ApplicationError(
        _(
            "Record where the child is now (kelurahan), or let a Suku Dinas lead the case, so the case has a kota."
        ),
    )


def _is_member(user: User, organization: Organization, roles: tuple[str, ...]) -> bool:
    return user.memberships.filter(
        is_active=True, organization=organization, role__in=roles
    ).exists()


# Roles with which a member may open a case led by their own organisation.
CASE_OPENING_ROLES = (
    Role.CASE_WORKER,
    Role.SUPERVISOR,
    Role.DATA_OPERATOR,
    Role.ORG_ADMIN,
    Role.ORG_STAFF,
)


def case_open_lead_check(*, actor: User, child: Child, lead: Organization) -> None:
    """Who may open a case for which lead (one rule for the form, the API and the import).

    - Anyone who may open a case may lead it with an organisation in which they hold an active
      case-capable membership (``CASE_OPENING_ROLES``): the case stays with that organisation.
      A partner (not Dinas Sosial / Suku Dinas) only for a child it leads or hosts already (an
      active lead or placement assignment): a child it sees through a plan action or referral
      is not its to keep (its access ends with that work, not with a case of its own).
    - A Dinas Sosial / Suku Dinas supervisor who sees the child may give the lead to another
      organisation: a government social office freely (the controller itself), any other one
      only with the child's sharing consent or a recorded legal basis (the same check as plan
      actions: ``plans.sharing_check``).
    - Nobody else may make another organisation the lead: that would share the child's data.

    Refused: PermissionDenied (not allowed) or ApplicationError (no consent); nothing is written.
    """
    from django.core.exceptions import PermissionDenied

    if not lead.is_active:
        raise ApplicationError(
            _("The organisation is not active."),
            extra={"fields": {"lead_organization": [_("Inactive.")]}},
        )
    if _is_member(actor, lead, CASE_OPENING_ROLES):
        if (
            not lead.is_government_social
            and not CaseAssignment.objects.filter(
                case__child=child,
                organization=lead,
                kind__in=(CaseAssignment.Kind.LEAD, CaseAssignment.Kind.PLACEMENT),
                ended_at__isnull=True,
            ).exists()
        ):
            # A partner sees this child only through limited work (a plan action, a referral):
            # a case of its own would keep the child after that work ends.
            raise PermissionDenied(
                _(
                    "Your organisation works on this child's case only for a plan action or a "
                    "referral; ask the Suku Dinas to open a case or give you the lead."
                )
            )
        return
    from simpul.directory.models import GOVERNMENT_SOCIAL_TYPES

    government_supervisor = actor.memberships.filter(
        is_active=True,
        role=Role.SUPERVISOR,
        organization__org_type__in=GOVERNMENT_SOCIAL_TYPES,
    ).exists()
    if not government_supervisor:
        raise PermissionDenied(_("You can only open a case led by an organisation you work for."))
    if not lead.is_government_social:
        from simpul.cases.services.assignments import sharing_check_child

        sharing_check_child(child=child, organization=lead)


def case_open_duplicate_check(*, child: Child, confirm_duplicate_case: bool) -> list[Case]:
    """A child with an open case (not closed, not in aftercare) gets a second one only when the
    caller confirms it; returns the open cases (for the audit of the confirmation)."""
    from simpul.cases.services.assignments import ENDED_CASE

    existing = list(
        Case.objects.filter(child=child).exclude(status__in=ENDED_CASE).order_by("created_at")
    )
    if existing and not confirm_duplicate_case:
        numbers = ", ".join(c.case_number for c in existing)
        raise ApplicationError(
            _(
                "This child already has an open case (%(numbers)s). Continue that case, or confirm "
                "that a second open case is needed."
            )
            % {"numbers": numbers},
            extra={
                "code": "open_case_exists",
                "open_cases": [c.case_number for c in existing],
                "fields": {
                    "confirm_duplicate_case": [
                        _("Confirm that this child needs a second open case.")
                    ]
                },
            },
        )
    return existing


@transaction.atomic
def case_open(
    *,
    actor: User,
    child: Child,
    intake_channel: str,
    intake_details: str,
    reported_at: dt.datetime,
    outreach_method: str = "",
    coercive_justification: str = "",
    risk_level: str,
    lead_organization: Organization | None = None,
    case_worker: User | None = None,
    supervisor: User | None = None,
    is_sensitive: bool = False,
    primary_category: Category | None = None,
    confirm_duplicate_case: bool = False,
) -> Case:
    """Open a case for a registered child. The lead organisation defaults to the actor's.

    Who may open it for which lead: ``case_open_lead_check``. A second open case for the same
    child needs ``confirm_duplicate_case`` (audited)."""
    from simpul.access.children import children_visible_to
    from simpul.accounts import permissions

    if actor is not None:
        if not permissions.can_open_case(actor):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if not children_visible_to(actor).filter(pk=child.pk).exists():
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
    if child.merged_into_id:
        raise ApplicationError(
            _("This record was merged into another one; open the case on the surviving record.")
        )
    if intake_channel not in IntakeChannel.values:
        raise ApplicationError(
            _("Choose how the case came in."),
            extra={"fields": {"intake_channel": [_("Choose a valid option.")]}},
        )
    if risk_level not in RiskLevel.values:
        raise ApplicationError(
            _("Choose a risk level."),
            extra={"fields": {"risk_level": [_("Choose a valid option.")]}},
        )
    if outreach_method == OutreachMethod.COERCIVE and not coercive_justification.strip():
        raise ApplicationError(
            _("Coercive outreach needs a justification; the supervisor will see it."),
            extra={
                "fields": {"coercive_justification": [_("Explain why persuasion was not enough.")]}
            },
        )
    if outreach_method != OutreachMethod.COERCIVE:
        coercive_justification = ""
    if reported_at > timezone.now() + dt.timedelta(minutes=5):
        raise ApplicationError(
            _("The report time cannot be in the future."),
            extra={"fields": {"reported_at": [_("In the future.")]}},
        )
    lead = lead_organization or acting_organization(actor)
    if lead is None:
        raise ApplicationError(_("Choose the organisation that leads the case."))
    if actor is not None:
        case_open_lead_check(actor=actor, child=child, lead=lead)
    existing_open = case_open_duplicate_check(
        child=child, confirm_duplicate_case=confirm_duplicate_case
    )
    if case_worker is None and actor is not None and _is_member(actor, lead, (Role.CASE_WORKER,)):
        case_worker = actor
    if case_worker is not None and not case_worker.has_role(Role.CASE_WORKER):
        raise ApplicationError(
            _("The case worker must have the case worker role."),
            extra={"fields": {"case_worker": [_("Not a case worker.")]}},
        )
    if supervisor is not None and not supervisor.has_role(Role.SUPERVISOR):
        raise ApplicationError(
            _("The supervisor must have the supervisor role."),
            extra={"fields": {"supervisor": [_("Not a supervisor.")]}},
        )

    status = S.REGISTERED if child.created_at <= reported_at else S.REPORTED
    case = Case(
        child=child,
        status=status,
        intake_channel=intake_channel,
        intake_details=intake_details,
        reported_at=reported_at,
        outreach_method=outreach_method,
        coercive_justification=coercive_justification,
        risk_level=risk_level,
        primary_category=primary_category,
        lead_organization=lead,
        kota_code=_kota_code_for(child, lead),
        case_worker=case_worker,
        supervisor=supervisor,
        is_sensitive=is_sensitive,
        sla_policy=sla.sla_policy_active(),
        created_by=actor,
    )
    year = timezone.localdate().year
    for _attempt in range(5):
        case.case_number = _next_case_number(year)
        full_clean(case, exclude=["case_number"])
        try:
            with transaction.atomic():
                case.save(force_insert=True)
            break
        except IntegrityError:  # a concurrent opening took the number: take the next one
            continue
    else:  # pragma: no cover
        raise ApplicationError(_("Could not give the case a number; try again."))
    CaseAssignment.objects.create(
        case=case, organization=lead, kind=CaseAssignment.Kind.LEAD, started_at=timezone.now()
    )
    RiskRating.objects.create(
        case=case, level=risk_level, reason=events.stored("cases.risk.case_opened"), rated_by=actor
    )
    sla.deadlines_create_initial(case=case)
    CaseTransition.objects.create(
        case=case, from_status="", to_status=status, actor=actor, reason=""
    )
    case_audit(
        actor=actor,
        action="cases.case.opened",
        case=case,
        changes=diff(
            {},
            snapshot(
                case,
                [
                    "case_number",
                    "status",
                    "intake_channel",
                    "risk_level",
                    "lead_organization",
                    "kota_code",
                    "case_worker",
                    "supervisor",
                    "is_sensitive",
                    "outreach_method",
                ],
            ),
        ),
        data={
            "child_id": str(child.pk),
            "coercive": outreach_method == OutreachMethod.COERCIVE,
            **(
                {
                    "duplicate_confirmed": True,
                    "open_cases": [c.case_number for c in existing_open],
                }
                if existing_open
                else {}
            ),
        },
    )
    return case


# --- risk -------------------------------------------------------------------------------------
@transaction.atomic
def case_set_risk(
    *, actor: User, case: Case, level: str, reason: str, expected_version: Any = None
) -> RiskRating:
    """``expected_version``: the case version the editor read (None only for internal writes)."""
    require_edit(actor, case)
    lock(case)
    if expected_version is not None:
        version_claim(case, expected_version=expected_version)
    if level not in RiskLevel.values:
        raise ApplicationError(
            _("Choose a risk level."), extra={"fields": {"level": [_("Choose a valid option.")]}}
        )
    if not reason.strip():
        raise ApplicationError(
            _("Say why the risk level changes."),
            extra={"fields": {"reason": [_("This field is required.")]}},
        )
    if level == case.risk_level:
        raise ApplicationError(
            _("The case already has this risk level."),
            extra={"fields": {"level": [_("No change.")]}},
        )
    old = case.risk_level
    rating = RiskRating(case=case, level=level, reason=reason, rated_by=actor)
    full_clean(rating)
    rating.save()
    case.risk_level = level
    case.save(update_fields=["risk_level", "updated_at"])
    moves = sla.deadlines_recompute(case=case, old_level=old, new_level=level)
    case_audit(
        actor=actor,
        action="cases.case.risk_changed",
        case=case,
        changes={"risk_level": {"before": old, "after": level}},
        data={"reason": reason, "deadlines_moved": moves},
    )
    return rating


# --- closure ----------------------------------------------------------------------------------
def _check_closure_reason(case: Case, reason: str, note: str) -> None:
    if reason not in ClosureReason.values:
        raise ApplicationError(
            _("Choose a closure reason."),
            extra={"fields": {"reason": [_("Choose a valid option.")]}},
        )
    if reason == ClosureReason.TRANSFERRED:
        raise ApplicationError(
            _(
                "A transfer is not a closure: transfer the case to the other Suku Dinas or organisation instead."
            ),
            extra={"fields": {"reason": [_("Use the transfer instead.")]}},
        )
    if reason == ClosureReason.OTHER and not note.strip():
        raise ApplicationError(
            _("Describe the reason when it is “Other”."),
            extra={"fields": {"note": [_("This field is required.")]}},
        )
    if reason == ClosureReason.TURNED_18:
        task = case.tasks.filter(kind=CaseTask.Kind.TRANSITION_REVIEW).first()
        if task is None or task.done_at is None:
            raise ApplicationError(
                _("Close for turning 18 only after the transition review task is done."),
                extra={"fields": {"reason": [_("The transition review is not done.")]}},
            )


@transaction.atomic
def case_close_request(*, actor: User, case: Case, reason: str, note: str = "") -> Case:
    """The worker asks for closure with a reason; the case waits for the supervisor."""
    require_edit(actor, case)
    lock(case)
    if S.CLOSURE_PENDING not in ALLOWED.get(case.status, ()):
        _refuse_illegal(case, S.CLOSURE_PENDING)
    _check_closure_reason(case, reason, note)
    case.closure_reason = reason
    case.closure_note = note
    case.save(update_fields=["closure_reason", "closure_note", "updated_at"])
    _transition(
        actor=actor,
        case=case,
        to_status=S.CLOSURE_PENDING,
        reason=note or _label_reason(reason),
        route=ROUTE_CLOSE_REQUEST,
    )
    return case


def _label_reason(reason: str) -> str:
    # Stored as a code, shown in the reader's language (simpul.cases.events).
    return events.stored("cases.transition.closure", reason=ClosureReason(reason).value)


@transaction.atomic
def case_close_approve(
    *, actor: User, case: Case, reason: str | None = None, note: str | None = None
) -> Case:
    """The supervisor closes the case (with the requested reason, or another one)."""
    require_approve(actor, case)
    lock(case)
    if case.status != S.CLOSURE_PENDING:
        raise ApplicationError(_("There is no closure request to approve."))
    reason = reason or case.closure_reason
    note = case.closure_note if note is None else note
    _check_closure_reason(case, reason, note)
    case.closure_reason = reason
    case.closure_note = note
    case.closed_at = timezone.now()
    case.save(update_fields=["closure_reason", "closure_note", "closed_at", "updated_at"])
    _transition(
        actor=actor,
        case=case,
        to_status=S.CLOSED,
        reason=_label_reason(reason),
        route=ROUTE_CLOSE_APPROVE,
    )
    return case


@transaction.atomic
def case_close_return(*, actor: User, case: Case, note: str) -> Case:
    """The supervisor sends a closure request back, with a note; the case resumes."""
    require_approve(actor, case)
    lock(case)
    if case.status != S.CLOSURE_PENDING:
        raise ApplicationError(_("There is no closure request to return."))
    if not note.strip():
        raise ApplicationError(
            _("Say why the closure is returned."),
            extra={"fields": {"note": [_("This field is required.")]}},
        )
    origin = _closure_origin(case) or S.IMPLEMENTATION
    case.closure_reason = ""
    case.closure_note = ""
    case.save(update_fields=["closure_reason", "closure_note", "updated_at"])
    _transition(actor=actor, case=case, to_status=origin, reason=note, route=ROUTE_CLOSE_RETURN)
    return case


# --- transfer ---------------------------------------------------------------------------------
@transaction.atomic
def case_transfer(
    *,
    actor: User,
    case: Case,
    to_organization: Organization,
    to_worker: User | None = None,
    reason: str,
) -> CaseTransfer:
    """Hand the case to another Suku Dinas or organisation. The history stays: the old lead
    assignment is ended (not deleted), a new one starts, and a CaseTransfer row records it."""
    require_edit(actor, case)
    lock(case)
    if case.status == S.CLOSED:
        raise ApplicationError(_("A closed case cannot be transferred; reopen it first."))
    if not reason.strip():
        raise ApplicationError(
            _("Say why the case is transferred."),
            extra={"fields": {"reason": [_("This field is required.")]}},
        )
    if to_organization.pk == case.lead_organization_id:
        raise ApplicationError(
            _("The case is already led by %(org)s.") % {"org": to_organization.name},
            extra={"fields": {"to_organization": [_("Choose another organisation.")]}},
        )
    if not to_organization.is_active:
        raise ApplicationError(
            _("The organisation is not active."),
            extra={"fields": {"to_organization": [_("Inactive.")]}},
        )
    if to_worker is not None and not _is_member(to_worker, to_organization, (Role.CASE_WORKER,)):
        raise ApplicationError(
            _("The new case worker must be a case worker of %(org)s.")
            % {"org": to_organization.name},
            extra={"fields": {"to_worker": [_("Not a case worker of that organisation.")]}},
        )
    if not to_organization.is_government_social:
        from simpul.cases.services.assignments import sharing_check

        sharing_check(case=case, organization=to_organization)
    before = snapshot(case, ["lead_organization", "kota_code", "case_worker", "supervisor", "team"])
    now = timezone.now()
    from_org = case.lead_organization
    from_worker = case.case_worker
    case.assignments.filter(kind=CaseAssignment.Kind.LEAD, ended_at__isnull=True).update(
        ended_at=now, updated_at=now
    )
    CaseAssignment.objects.create(
        case=case, organization=to_organization, kind=CaseAssignment.Kind.LEAD, started_at=now
    )
    case.lead_organization = to_organization
    if (
        to_organization.org_type == OrganizationType.SUDINSOS
        and to_organization.jurisdiction is not None
        and to_organization.jurisdiction.level == 2
    ):
        case.kota_code = to_organization.jurisdiction.code[:5]
    case.case_worker = to_worker
    case.supervisor = None  # the receiving office assigns its own supervisor
    full_clean(case)
    case.save()
    case.team.clear()
    transfer = CaseTransfer(
        case=case,
        from_organization=from_org,
        to_organization=to_organization,
        from_worker=from_worker,
        to_worker=to_worker,
        reason=reason,
        transferred_by=actor,
    )
    full_clean(transfer)
    transfer.save()
    forget_access(case)
    case_audit(
        actor=actor,
        action="cases.case.transferred",
        case=case,
        changes=diff(
            before,
            snapshot(case, ["lead_organization", "kota_code", "case_worker", "supervisor", "team"]),
        ),
        data={"reason": reason, "transfer_id": str(transfer.pk)},
    )
    from simpul.cases.services.assignments import plan_assignments_sync

    plan_assignments_sync(
        case=case, actor=actor
    )  # the old lead keeps access only for its own actions
    return transfer


# --- team and tasks ---------------------------------------------------------------------------
@transaction.atomic
def case_team_update(
    *,
    actor: User,
    case: Case,
    case_worker: User | None,
    supervisor: User | None,
    team: list[User] | None = None,
    expected_version: Any = None,
) -> Case:
    """``expected_version``: the case version the editor read (None only for internal writes)."""
    require_edit(actor, case)
    lock(case)
    if expected_version is not None:
        version_claim(case, expected_version=expected_version)
    if case_worker is not None and not _is_member(
        case_worker, case.lead_organization, (Role.CASE_WORKER,)
    ):
        raise ApplicationError(
            _("The case worker must be a case worker of the lead organisation."),
            extra={"fields": {"case_worker": [_("Not a case worker of the lead organisation.")]}},
        )
    if supervisor is not None and not supervisor.has_role(Role.SUPERVISOR):
        raise ApplicationError(
            _("The supervisor must have the supervisor role."),
            extra={"fields": {"supervisor": [_("Not a supervisor.")]}},
        )
    before = snapshot(case, ["case_worker", "supervisor", "team"])
    case.case_worker = case_worker
    case.supervisor = supervisor
    full_clean(case)
    case.save()
    if team is not None:
        case.team.set(team)
    forget_access(case)
    case_audit(
        actor=actor,
        action="cases.case.team_updated",
        case=case,
        changes=diff(before, snapshot(case, ["case_worker", "supervisor", "team"])),
    )
    return case


@transaction.atomic
def case_task_complete(*, actor: User, task: CaseTask) -> CaseTask:
    require_edit(actor, task.case)
    if task.done_at is not None:
        raise ApplicationError(_("This task is already done."))
    task.done_at = timezone.now()
    task.done_by = actor
    task.save(update_fields=["done_at", "done_by", "updated_at"])
    data: dict[str, Any] = {"kind": task.kind}
    if task.kind == CaseTask.Kind.PLACEMENT_REVIEW:
        from simpul.cases.services.placements import placement_review_next

        following = placement_review_next(case=task.case, done=task)
        if following is not None:
            data["next_review_due"] = following.due_on
    case_audit(
        actor=actor,
        action="cases.task.completed",
        case=task.case,
        target=task,
        data=data,
    )
    return task
