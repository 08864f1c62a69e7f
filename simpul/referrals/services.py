"""Referral services: create, the status changes of the one transition table, reassignment and
the no-account link. Every change writes a ReferralEvent, an audit event (codes in
simpul/referrals/events.py) and tells the other side (notify)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.access.cases import case_access
from simpul.accounts.models import Role
from simpul.accounts.permissions import can_record_legal_basis, member_organization_ids
from simpul.cases.models import CaseAssignment, CaseStatus
from simpul.cases.services.assignments import assignment_end, assignment_ensure, sharing_check
from simpul.core.audit import audit_log
from simpul.core.exceptions import ApplicationError
from simpul.core.workdays import deadline_at
from simpul.referrals.models import (
    ACTIVE_STATUSES,
    CLOSED_STATUSES,
    COMPLETED_OUTCOMES,
    OPEN_STATUSES,
    BusinessOutcome,
    ExternalLink,
    Referral,
    ReferralEvent,
    ReferralKind,
    ReferralStatus,
    SharedField,
    SharingBasis,
    SkpdRequestType,
    Step,
    Urgency,
)

SkpdSubtype = SkpdRequestType
# Proposed when the sender chooses nothing: enough to act on, no identity.
MINIMUM_SHARED_FIELDS = [SharedField.AGE, SharedField.CATEGORY, SharedField.NEEDS_SUMMARY]

if TYPE_CHECKING:
    from simpul.accounts.models import User
    from simpul.cases.models import Case, PlanAction
    from simpul.directory.models import Organization, TaxonomyTerm

logger = logging.getLogger(__name__)

S = ReferralStatus

# Working days per step when no protocol is in force (documented in docs/referrals.md).
DEFAULT_DEADLINES: dict[str, dict[str, int]] = {
    Urgency.IMMEDIATE: {"acknowledge": 0, "decide": 1, "start": 1, "finish": 5},
    Urgency.HIGH: {"acknowledge": 1, "decide": 2, "start": 3, "finish": 10},
    Urgency.NORMAL: {"acknowledge": 2, "decide": 5, "start": 10, "finish": 20},
}

# The one transition table: (from, to) → the action's name. Anything else is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.REQUESTED): "submit",
    (S.REQUESTED, S.RECEIVED): "receive",
    (S.REQUESTED, S.ACCEPTED): "accept",
    (S.RECEIVED, S.ACCEPTED): "accept",
    (S.REQUESTED, S.REJECTED): "reject",
    (S.RECEIVED, S.REJECTED): "reject",
    (S.ACCEPTED, S.IN_PROGRESS): "start",
    (S.ACCEPTED, S.ON_HOLD): "hold",
    (S.IN_PROGRESS, S.ON_HOLD): "hold",
    (S.ON_HOLD, S.IN_PROGRESS): "resume",
    **{(s, S.COMPLETED): "complete" for s in ACTIVE_STATUSES},
    **{(s, S.FAILED): "fail" for s in ACTIVE_STATUSES},
    **{(s, S.CANCELLED): "cancel" for s in (S.DRAFT, *OPEN_STATUSES)},
    **{
        (s, S.ENTERED_IN_ERROR): "enter_in_error"
        for s in (S.DRAFT, *OPEN_STATUSES, *CLOSED_STATUSES)
        if s != S.ENTERED_IN_ERROR
    },
}
# Actions taken by the receiving organisation (the rest by the sender side).
RECEIVER_ACTIONS = frozenset(
    {"receive", "accept", "reject", "start", "hold", "resume", "complete", "fail"}
)
REASON_REQUIRED = frozenset({"reject", "fail", "cancel", "hold", "enter_in_error"})
ENDING = frozenset(CLOSED_STATUSES)
REASSIGNED = "reassigned"

# Fields of each SKPD request: name → (type, required).
SKPD_FIELDS: dict[str, dict[str, tuple[type, bool]]] = {
    SkpdSubtype.BIRTH_CERTIFICATE: {
        "parents_known": (bool, True),
        "birth_place": (str, False),
        "has_birth_letter": (bool, False),
    },
    SkpdSubtype.HEALTH_CHECK: {"check_type": (str, True), "symptoms": (str, False)},
    SkpdSubtype.SCHOOL_PLACE: {
        "level": (str, True),
        "last_grade": (str, False),
        "preferred_school": (str, False),
    },
    SkpdSubtype.PROTECTION: {"threat": (str, True), "perpetrator_known": (bool, False)},
    SkpdSubtype.LEGAL_AID: {"legal_matter": (str, True), "police_report_number": (str, False)},
}
SCHOOL_LEVELS = ("paud", "sd", "smp", "sma", "smk")


# --- helpers --------------------------------------------------------------------------------
def _notify(*, recipients: Any, kind: str, subject: str, body: str, url: str, dedupe_key: str):
    """notify() from simpul.notifications when it is there (guarded while it lands)."""
    try:
        from simpul.notifications.services import notify
    except ImportError:  # notifications not landed yet
        return 0
    recipients = list(recipients)
    if not recipients:
        return 0
    try:
        return notify(
            recipients=recipients,
            kind=kind,
            subject=subject,
            body=body,
            url=url,
            dedupe_key=dedupe_key,
        )
    except Exception:  # a notification must never undo the referral change
        logger.exception("referral notification %s failed", kind)
        return 0


def organization_staff(organization_ids: Any, roles: tuple[str, ...] | None = None):
    """Active users with an active membership in one of the organisations."""
    from simpul.accounts.models import User

    q = Q(memberships__organization_id__in=list(organization_ids), memberships__is_active=True)
    if roles:
        q &= Q(memberships__role__in=roles)
    return User.objects.filter(q, is_active=True).distinct()


def sender_team(referral: Referral):
    """The case worker, team and supervisor of the case: the sender side."""
    from simpul.accounts.models import User

    case = referral.case
    ids = {case.case_worker_id, case.supervisor_id, referral.created_by_id}
    ids |= set(case.team.values_list("pk", flat=True))
    ids.discard(None)
    return User.objects.filter(pk__in=ids, is_active=True)


def _url(referral: Referral) -> str:
    return f"/referrals/{referral.pk}/"


def _audit(
    *,
    actor: User | None,
    action: str,
    referral: Referral,
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
) -> None:
    audit_log(
        actor=actor,
        action=f"referrals.referral.{action}",
        target=referral,
        changes=changes,
        data={
            "case_id": str(referral.case_id),
            "organization_id": str(referral.to_organization_id),
            **(data or {}),
        },
    )


def is_receiving_staff(user: User | None, referral: Referral) -> bool:
    return user is not None and referral.to_organization_id in member_organization_ids(user)


def is_sender_side(user: User | None, referral: Referral) -> bool:
    return user is not None and case_access(user, referral.case).can_edit


def is_supervisor_in_scope(user: User | None, referral: Referral) -> bool:
    return (
        user is not None
        and user.has_role(Role.SUPERVISOR)
        and case_access(user, referral.case).can_approve
    )


def deadlines_for(
    *, urgency: str, made_at: dt.datetime, protocol: Any = None
) -> dict[str, dt.datetime]:
    """The four step deadlines (end of the n-th working day, local time) of a referral made at
    ``made_at``: the protocol's working days for the urgency, else DEFAULT_DEADLINES."""
    days = None
    if protocol is not None:
        try:
            days = protocol.deadlines(urgency)
        except Exception:  # a protocol without a table for this urgency: the defaults
            days = None
    days = {**DEFAULT_DEADLINES[urgency], **(days or {})}
    local = timezone.localtime(made_at)
    return {f"{step}_due": deadline_at(local, int(days[step])) for step in Step.values}


def _protocol_and_agreement(*, category: Any, organization: Organization, on: dt.date):
    from simpul.agreements.selectors import agreement_in_force, protocol_in_force

    protocol = protocol_in_force(category=category, on=on) if category is not None else None
    agreement = agreement_in_force(organization=organization, on=on)
    return protocol, agreement


def validate_details(kind: str, subtype: str, details: dict | None) -> dict:
    details = dict(details or {})
    if kind == ReferralKind.SERVICE:
        if subtype:
            raise ApplicationError(_("A service referral has no request type."))
        return details
    if subtype not in SKPD_FIELDS:
        raise ApplicationError(_("Choose the type of request to the SKPD."))
    fields = SKPD_FIELDS[subtype]
    errors: dict[str, list[str]] = {}
    for key in details:
        if key not in fields:
            errors[key] = [_("Unknown field for this request.")]
    for key, (kind_, required) in fields.items():
        value = details.get(key)
        if value in (None, ""):
            if required:
                errors[key] = [_("This field is required.")]
            continue
        if not isinstance(value, kind_):
            errors[key] = [_("Enter a valid value.")]
        elif kind_ is str:
            details[key] = str(value).strip()[:500]
    if subtype == SkpdSubtype.SCHOOL_PLACE and details.get("level") not in (None, *SCHOOL_LEVELS):
        errors["level"] = [_("Enter a valid value.")]
    if errors:
        message = "; ".join(f"{k}: {m}" for k, ms in errors.items() for m in ms)
        raise ApplicationError(message, extra={"fields": {"details": errors}})
    return details


def validate_shared_fields(shared_fields: list[str] | None) -> list[str]:
    if not shared_fields:
        return list(MINIMUM_SHARED_FIELDS)
    unknown = [f for f in shared_fields if f not in SharedField.values]
    if unknown:
        raise ApplicationError(
            _("Unknown shared field: %(fields)s") % {"fields": ", ".join(map(str, unknown))}
        )
    return [f for f in SharedField.values if f in shared_fields]  # catalogue order, no repeats


# --- create ---------------------------------------------------------------------------------
def _sharing_basis(*, actor: User, case: Case, organization: Organization, legal_basis: Any) -> str:
    """Why the child's data may go to ``organization``: within Dinas Sosial, a legal basis a
    supervisor records (a LegalBasis of the child, not revoked), or consent (sharing_check)."""
    if organization.is_government_social:
        return SharingBasis.CONTROLLER
    if legal_basis is not None:
        if not can_record_legal_basis(actor):
            raise ApplicationError(_("Only a supervisor may record a legal basis for sharing."))
        if legal_basis.child_id != case.child_id or legal_basis.revoked_at is not None:
            raise ApplicationError(_("This legal basis does not cover this child."))
        return SharingBasis.LEGAL_BASIS
    sharing_check(case=case, organization=organization)
    return SharingBasis.CONSENT


@transaction.atomic
def referral_create(
    *,
    actor: User,
    case: Case,
    to_organization: Organization,
    service_type: TaxonomyTerm | None = None,
    service: Any = None,
    urgency: str = Urgency.NORMAL,
    kind: str = ReferralKind.SERVICE,
    request_type: str = "",
    request_details: dict | None = None,
    needs_summary: str = "",
    shared_fields: list[str] | None = None,
    legal_basis: Any = None,
    plan_action: PlanAction | None = None,
    from_organization: Organization | None = None,
    reassigned_from: Referral | None = None,
    now: dt.datetime | None = None,
) -> Referral:
    """A referral from the case to ``to_organization``'s queue. The actor edits the case; the
    child's data may go there (consent), unless a supervisor records a legal basis."""
    if not case_access(actor, case).can_edit:
        raise PermissionDenied
    if case.status in (CaseStatus.CLOSED, CaseStatus.AFTERCARE):
        raise ApplicationError(_("A closed case cannot be referred."))
    if urgency not in Urgency.values:
        raise ApplicationError(_("Choose an urgency."))
    if kind not in ReferralKind.values:
        raise ApplicationError(_("Choose the kind of referral."))
    from_organization = from_organization or case.lead_organization
    if to_organization.pk == from_organization.pk:
        raise ApplicationError(_("A referral goes to another organisation."))
    if not to_organization.is_active:
        raise ApplicationError(_("This organisation is not active."))
    if plan_action is not None and plan_action.goal.plan.case_id != case.pk:
        raise ApplicationError(_("The plan action belongs to another case."))
    request_details = validate_details(kind, request_type, request_details)
    shared = validate_shared_fields(shared_fields)
    basis = _sharing_basis(
        actor=actor, case=case, organization=to_organization, legal_basis=legal_basis
    )
    now = now or timezone.now()
    category = case.primary_category
    protocol, agreement = _protocol_and_agreement(
        category=category, organization=to_organization, on=timezone.localtime(now).date()
    )
    referral = Referral(
        case=case,
        from_organization=from_organization,
        to_organization=to_organization,
        service_type=service_type or (plan_action.service_type if plan_action else None),
        service=service,
        category=category,
        urgency=urgency,
        kind=kind,
        request_type=request_type,
        request_details=request_details,
        needs_summary=(needs_summary or "").strip(),
        plan_action=plan_action,
        protocol_version=protocol,
        agreement=agreement,
        shared_fields=shared,
        sharing_basis=basis,
        legal_basis=legal_basis,
        created_by=actor,
        requested_at=now,
        reassigned_from=reassigned_from,
        **deadlines_for(urgency=urgency, made_at=now, protocol=protocol),
        **_escalation_days(protocol),
    )
    referral.save()
    ReferralEvent.objects.create(
        referral=referral, at=now, actor=actor, to_status=S.REQUESTED, data={"action": "create"}
    )
    _audit(
        actor=actor,
        action="created",
        referral=referral,
        data={
            "urgency": urgency,
            "kind": kind,
            "shared_fields": shared,
            "sharing_basis": basis,
            "reassigned_from": str(reassigned_from.pk) if reassigned_from else None,
        },
    )
    _notify(
        recipients=organization_staff([to_organization.pk]),
        kind="referrals.new",
        subject=_("New referral from %(org)s") % {"org": from_organization.name},
        body=referral.needs_summary[:500],
        url=_url(referral),
        dedupe_key=f"referral:{referral.pk}:new",
    )
    return referral


def _escalation_days(protocol: Any) -> dict[str, int]:
    """Working days after a missed deadline before the org admins / supervisors are told: the
    protocol's escalation chain when it names them, else 1 and 2."""
    out = {"escalate_admin_after": 1, "escalate_supervisor_after": 2}
    for step in getattr(protocol, "escalation_chain", None) or []:
        days = step.get("after_working_days")
        if not isinstance(days, int) or days < 0:
            continue
        if step.get("notify") == "receiving_org_admin":
            out["escalate_admin_after"] = days
        elif step.get("notify") == "dinsos_supervisor":
            out["escalate_supervisor_after"] = days
    return out


# --- status changes -------------------------------------------------------------------------
def _require_allowed(referral: Referral, to_status: str) -> str:
    action = TRANSITIONS.get((referral.status, to_status))
    if action is None:
        raise ApplicationError(
            _("A referral cannot go from %(before)s to %(after)s.")
            % {
                "before": S(referral.status).label,
                "after": S(to_status).label if to_status in S.values else to_status,
            }
        )
    return action


def _require_actor(actor: User | None, referral: Referral, action: str, external: str) -> None:
    if external:
        if action not in RECEIVER_ACTIONS:
            raise PermissionDenied
        return
    if actor is None:
        return  # the system
    if action in RECEIVER_ACTIONS:
        if not is_receiving_staff(actor, referral):
            raise PermissionDenied
    elif not (is_sender_side(actor, referral) or is_supervisor_in_scope(actor, referral)):
        raise PermissionDenied


def _sync_access(referral: Referral, actor: User | None) -> None:
    """The receiving organisation sees the case while one of its referrals on it is accepted
    (accepted, in progress, on hold)."""
    case = referral.case
    org_id = referral.to_organization_id
    if referral.status in ACTIVE_STATUSES:
        assignment_ensure(
            case=case, organization=referral.to_organization, kind=CaseAssignment.Kind.REFERRAL
        )
        return
    still = (
        Referral.objects.filter(case=case, to_organization_id=org_id, status__in=ACTIVE_STATUSES)
        .exclude(pk=referral.pk)
        .exists()
    )
    if still:
        return
    for assignment in case.assignments.filter(
        organization_id=org_id, kind=CaseAssignment.Kind.REFERRAL, ended_at__isnull=True
    ):
        assignment_end(assignment=assignment, actor=actor)


@transaction.atomic
def referral_transition(
    *,
    referral: Referral,
    actor: User | None,
    to_status: str,
    reason: str = "",
    outcome: str = "",
    outcome_note: str = "",
    external_actor: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Referral:
    """Move the referral along the transition table; an illegal change raises ApplicationError
    and changes nothing. ``external_actor``: the address of a no-account link (actor None)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if expected_version is not None and referral.edit_version != expected_version:
        raise ApplicationError(_("This referral was changed by someone else; reload it."))
    action = _require_allowed(referral, to_status)
    _require_actor(actor, referral, action, external_actor)
    reason = (reason or "").strip()
    if action in REASON_REQUIRED and not reason:
        raise ApplicationError(_("Give a reason."), extra={"fields": {"reason": [_("Required")]}})
    if action == "complete" and outcome not in COMPLETED_OUTCOMES:
        raise ApplicationError(
            _("Record the outcome."), extra={"fields": {"outcome": [_("Required")]}}
        )
    if action in ("fail", "reject") and outcome and outcome not in BusinessOutcome.values:
        raise ApplicationError(_("Record the outcome."))
    if action not in ("complete", "fail", "reject"):
        outcome = ""
    now = now or timezone.now()
    before = referral.status
    referral.status = to_status
    if action in REASON_REQUIRED or (reason and action in ("complete", "accept")):
        referral.status_reason = reason
    if outcome:
        referral.business_outcome = outcome
    if outcome_note.strip():
        referral.outcome_note = outcome_note.strip()
    if action in RECEIVER_ACTIONS and referral.acknowledged_at is None:
        referral.acknowledged_at = now
    if to_status in (S.ACCEPTED, S.REJECTED) and referral.decided_at is None:
        referral.decided_at = now
    if to_status == S.IN_PROGRESS and referral.started_at is None:
        referral.started_at = now
    if to_status in ENDING:
        referral.closed_at = now
    referral.save()
    event_data: dict[str, Any] = {"action": action}
    if outcome:
        event_data["outcome"] = outcome
    ReferralEvent.objects.create(
        referral=referral,
        at=now,
        actor=actor,
        external_actor=external_actor[:254],
        from_status=before,
        to_status=to_status,
        reason=reason,
        data=event_data,
    )
    data: dict[str, Any] = {}
    if reason:
        data["reason"] = reason
    if outcome:
        data["outcome"] = outcome
    if external_actor:
        data["external_actor"] = external_actor
    _audit(
        actor=actor,
        action=action,
        referral=referral,
        changes={"status": {"before": before, "after": to_status}},
        data=data,
    )
    if to_status in ACTIVE_STATUSES or to_status in ENDING:
        _sync_access(referral, actor)
    if to_status in ENDING:
        ExternalLink.objects.filter(referral=referral, revoked_at__isnull=True).update(
            revoked_at=now
        )
    other = (
        sender_team(referral)
        if action in RECEIVER_ACTIONS
        else organization_staff([referral.to_organization_id])
    )
    _notify(
        recipients=other,
        kind="referrals.status",
        subject=_("Referral %(number)s: %(status)s")
        % {"number": referral.number, "status": S(to_status).label},
        body=reason[:500],
        url=_url(referral),
        dedupe_key=f"referral:{referral.pk}:{action}:{referral.edit_version}",
    )
    return referral


def referral_receive(*, referral: Referral, actor: User | None, **kw: Any) -> Referral:
    return referral_transition(referral=referral, actor=actor, to_status=S.RECEIVED, **kw)


def referral_accept(*, referral: Referral, actor: User | None, **kw: Any) -> Referral:
    return referral_transition(referral=referral, actor=actor, to_status=S.ACCEPTED, **kw)


def referral_reject(*, referral: Referral, actor: User | None, reason: str, **kw: Any) -> Referral:
    return referral_transition(
        referral=referral, actor=actor, to_status=S.REJECTED, reason=reason, **kw
    )


def referral_start(*, referral: Referral, actor: User | None, **kw: Any) -> Referral:
    return referral_transition(referral=referral, actor=actor, to_status=S.IN_PROGRESS, **kw)


def referral_hold(*, referral: Referral, actor: User | None, reason: str, **kw: Any) -> Referral:
    return referral_transition(
        referral=referral, actor=actor, to_status=S.ON_HOLD, reason=reason, **kw
    )


def referral_resume(*, referral: Referral, actor: User | None, **kw: Any) -> Referral:
    return referral_transition(referral=referral, actor=actor, to_status=S.IN_PROGRESS, **kw)


def referral_complete(
    *, referral: Referral, actor: User | None, outcome: str, **kw: Any
) -> Referral:
    return referral_transition(
        referral=referral, actor=actor, to_status=S.COMPLETED, outcome=outcome, **kw
    )


def referral_fail(*, referral: Referral, actor: User | None, reason: str, **kw: Any) -> Referral:
    return referral_transition(
        referral=referral, actor=actor, to_status=S.FAILED, reason=reason, **kw
    )


def referral_cancel(*, referral: Referral, actor: User | None, reason: str, **kw: Any) -> Referral:
    return referral_transition(
        referral=referral, actor=actor, to_status=S.CANCELLED, reason=reason, **kw
    )


@transaction.atomic
def referral_claim(*, referral: Referral, actor: User) -> Referral:
    """A staff member of the receiving organisation takes the referral from the queue (it is
    received at the same time if it was not yet)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not is_receiving_staff(actor, referral):
        raise PermissionDenied
    if not referral.is_open:
        raise ApplicationError(_("This referral is closed."))
    if referral.claimed_by_id and referral.claimed_by_id != actor.pk:
        raise ApplicationError(_("Someone else has claimed this referral."))
    if referral.status == S.REQUESTED:
        referral = referral_receive(referral=referral, actor=actor)
    referral.claimed_by = actor
    referral.claimed_at = timezone.now()
    referral.save(update_fields=["claimed_by", "claimed_at", "updated_at"])
    ReferralEvent.objects.create(
        referral=referral,
        actor=actor,
        from_status=referral.status,
        to_status=referral.status,
        data={"action": "claim"},
    )
    _audit(actor=actor, action="claimed", referral=referral)
    return referral


@transaction.atomic
def referral_reassign(
    *, referral: Referral, actor: User, to_organization: Organization, reason: str = ""
) -> Referral:
    """A Dinas Sosial supervisor in scope moves an open referral to another organisation: the
    old one is cancelled ("reassigned") and a linked new one made; the history stays."""
    if not is_supervisor_in_scope(actor, referral):
        raise PermissionDenied
    if not referral.is_open:
        raise ApplicationError(_("This referral is closed."))
    if to_organization.pk in (referral.to_organization_id, referral.from_organization_id):
        raise ApplicationError(_("Choose another organisation."))
    legal_basis = referral.legal_basis if can_record_legal_basis(actor) else None
    # The consent check for the new organisation first: a refusal changes nothing.
    _sharing_basis(
        actor=actor, case=referral.case, organization=to_organization, legal_basis=legal_basis
    )
    old = referral_transition(
        referral=referral,
        actor=actor,
        to_status=S.CANCELLED,
        reason=REASSIGNED + (f": {reason.strip()}" if reason.strip() else ""),
    )
    new = referral_create(
        actor=actor,
        case=old.case,
        to_organization=to_organization,
        service_type=old.service_type,
        urgency=old.urgency,
        kind=old.kind,
        request_type=old.request_type,
        request_details=old.request_details,
        needs_summary=old.needs_summary,
        shared_fields=old.shared_fields,
        legal_basis=legal_basis,
        plan_action=old.plan_action,
        from_organization=old.from_organization,
        reassigned_from=old,
    )
    _audit(
        actor=actor,
        action="reassigned",
        referral=old,
        data={"new_referral_id": str(new.pk), "to_organization_id": str(to_organization.pk)},
    )
    return new


# --- the no-account link ----------------------------------------------------------------------
LINK_DAYS = 14


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def external_url(raw: str) -> str:
    from django.conf import settings
    from django.urls import reverse

    base = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return base + reverse("referrals:external", args=[raw])


@transaction.atomic
def referral_send_external(*, referral: Referral, actor: User, to_email: str) -> str:
    """A random link expiring in LINK_DAYS for a partner without Simpul users; only its SHA-256
    is stored. E-mails the link (after commit) and returns the raw token."""
    from django.core.mail import send_mail
    from django.core.validators import validate_email

    if not (is_sender_side(actor, referral) or is_supervisor_in_scope(actor, referral)):
        raise PermissionDenied
    if not referral.is_open:
        raise ApplicationError(_("This referral is closed."))
    to_email = (to_email or "").strip()
    try:
        validate_email(to_email)
    except Exception as exc:
        raise ApplicationError(_("Enter a valid e-mail address.")) from exc
    raw = secrets.token_urlsafe(32)
    link = ExternalLink.objects.create(
        referral=referral,
        channel=ExternalLink.Channel.EMAIL,
        address=to_email,
        token_hash=token_hash(raw),
        expires_at=timezone.now() + dt.timedelta(days=LINK_DAYS),
        created_by=actor,
    )
    url = external_url(raw)
    subject = _("Referral %(number)s from %(org)s") % {
        "number": referral.number,
        "org": referral.from_organization.name,
    }
    body = _(
        "%(org)s refers a child to %(to)s. Open the link to acknowledge, accept or decline the "
        "referral and to record its outcome (valid for %(days)s days):\n\n%(url)s"
    ) % {
        "org": referral.from_organization.name,
        "to": referral.to_organization.name,
        "days": LINK_DAYS,
        "url": url,
    }
    transaction.on_commit(lambda: send_mail(subject, body, None, [to_email]))
    _audit(
        actor=actor,
        action="link_sent",
        referral=referral,
        data={"external_actor": to_email, "link_id": str(link.pk)},
    )
    return raw


def external_link_get(raw: str) -> ExternalLink | None:
    """The live link of a raw token, or None (unknown, expired, revoked after the outcome)."""
    link = (
        ExternalLink.objects.select_related(
            "referral", "referral__from_organization", "referral__to_organization"
        )
        .filter(token_hash=token_hash(raw or ""))
        .first()
    )
    if link is None or not link.is_usable() or not link.referral.is_open:
        return None
    return link


def external_action(*, link: ExternalLink, to_status: str, **kw: Any) -> Referral:
    """A status change made through the no-account link (audited with the address)."""
    referral = referral_transition(
        referral=link.referral, actor=None, to_status=to_status, external_actor=link.address, **kw
    )
    ExternalLink.objects.filter(pk=link.pk).update(used_at=timezone.now())
    return referral


def external_viewed(*, link: ExternalLink) -> None:
    _audit(
        actor=None,
        action="link_opened",
        referral=link.referral,
        data={"external_actor": link.address, "link_id": str(link.pk)},
    )
