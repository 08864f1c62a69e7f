"""Writing agreements and collaboration protocols. Every change is audited (codes in events.py).

Agreements: a draft is edited freely (audited); once activated every change is an amendment
(AgreementAmendment: the values before and after, why, who, when), never an overwrite. Status
changes follow AGREEMENT_TRANSITIONS; expiry is the daily job's (agreements_expire).

Protocols: a version is a draft until approved; approved versions never change (a new draft
copies the last version). Approval needs a second person: the approver did not draft it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.accounts import permissions
from simpul.accounts.models import Membership, Role
from simpul.agreements.models import (
    AGREEMENT_TRANSITIONS,
    DEFAULT_DEADLINES,
    DEFAULT_ESCALATION,
    OFFICE_ORG_TYPES,
    REMINDER_DAYS,
    Agreement,
    AgreementAmendment,
    AgreementDocument,
    AgreementReminder,
    AgreementStatus,
    CollaborationProtocol,
    EscalationTarget,
    Office,
    ProtocolParticipant,
    ProtocolVersion,
    Step,
    Urgency,
    VersionStatus,
)
from simpul.core.audit import audit_log, diff, snapshot
from simpul.core.concurrency import value_display, version_claim
from simpul.core.exceptions import ApplicationError
from simpul.directory.models import GOVERNMENT_SOCIAL_TYPES, TaxonomyTerm

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from simpul.accounts.models import User
    from simpul.children.models import Category

logger = logging.getLogger(__name__)

AGREEMENT_FIELDS = (
    "number",
    "title",
    "kind",
    "government_side",
    "parties",
    "categories",
    "service_types",
    "start_date",
    "end_date",
    "clause_roles",
    "clause_response_deadline",
    "response_deadline_days",
    "clause_data_sharing",
    "clause_dispute_resolution",
    "clause_reporting",
    "reporting_frequency",
    "clause_review_date",
    "review_date",
    "notes",
)
M2M_FIELDS = ("parties", "categories", "service_types")
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = {
    "application/pdf": b"%PDF",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG",
}


def _check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _full_clean(instance: Any, exclude: Iterable[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=list(exclude or []), validate_unique=True)
    except ValidationError as exc:
        if hasattr(exc, "message_dict"):
            fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
            message = "; ".join(m for ms in fields.values() for m in ms)
            raise ApplicationError(message, extra={"fields": fields}) from exc
        raise ApplicationError("; ".join(exc.messages)) from exc


# --- agreements ---------------------------------------------------------------------------------
def _validate_agreement(agreement: Agreement, m2m: dict[str, list[Any]]) -> None:
    errors: dict[str, list[str]] = {}
    if agreement.government_side_id and agreement.government_side.org_type not in (
        GOVERNMENT_SOCIAL_TYPES
    ):
        errors["government_side"] = [_("Choose Dinas Sosial or a Suku Dinas Sosial.")]
    parties = m2m.get("parties")
    if parties is not None:
        if not parties:
            errors["parties"] = [_("Choose at least one partner organisation.")]
        elif any(getattr(p, "pk", p) == agreement.government_side_id for p in parties):
            errors["parties"] = [_("The Dinas Sosial side is not also a party.")]
    service_types = m2m.get("service_types") or []
    if any(t.taxonomy != TaxonomyTerm.Taxonomy.SERVICE_TYPE for t in service_types):
        errors["service_types"] = [_("Choose service types.")]
    if agreement.clause_response_deadline and not agreement.response_deadline_days:
        errors["response_deadline_days"] = [_("Give the agreed response deadline.")]
    if agreement.clause_reporting and not agreement.reporting_frequency:
        errors["reporting_frequency"] = [_("Give how often the partner reports.")]
    if agreement.clause_review_date and not agreement.review_date:
        errors["review_date"] = [_("Give the review date.")]
    if errors:
        message = "; ".join(m for ms in errors.values() for m in ms)
        raise ApplicationError(message, extra={"fields": errors})


def _split(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    unknown = set(data) - set(AGREEMENT_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Unknown field: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    plain = {k: v for k, v in data.items() if k not in M2M_FIELDS}
    m2m = {k: list(v) for k, v in data.items() if k in M2M_FIELDS}
    return plain, m2m


@transaction.atomic
def agreement_create(*, actor: User | None, **data: Any) -> Agreement:
    """A draft agreement (``data``: AGREEMENT_FIELDS; parties, categories and service types as
    lists)."""
    if actor is not None:
        _check(permissions.can_manage_agreements(actor))
    plain, m2m = _split(data)
    agreement = Agreement(**plain, status=AgreementStatus.DRAFT, created_by=actor)
    if "parties" not in m2m:
        m2m["parties"] = []
    _validate_agreement(agreement, m2m)
    _full_clean(agreement)
    agreement.save()
    for name, values in m2m.items():
        getattr(agreement, name).set(values)
    audit_log(
        actor=actor,
        action="agreements.agreement.created",
        target=agreement,
        changes=diff({}, snapshot(agreement, AGREEMENT_FIELDS)),
    )
    return agreement


def _display(agreement: Agreement, names: Iterable[str]) -> dict[str, str]:
    return {name: value_display(agreement, name) for name in names}


@transaction.atomic
def agreement_update(
    *,
    actor: User | None,
    agreement: Agreement,
    data: dict[str, Any],
    expected_version: Any = None,
    reason: str = "",
    reference: str = "",
) -> AgreementAmendment | None:
    """Change a draft (audited), or amend an active agreement: ``reason`` required, an
    AgreementAmendment keeps the values before. Expired and terminated agreements do not
    change. Returns the amendment (None for a draft or when nothing changed)."""
    if actor is not None:
        _check(permissions.can_manage_agreements(actor))
    if expected_version is not None:
        version_claim(agreement, expected_version=expected_version)
    if agreement.status not in (AgreementStatus.DRAFT, AgreementStatus.ACTIVE):
        raise ApplicationError(_("An expired or terminated agreement can no longer be changed."))
    amending = agreement.status == AgreementStatus.ACTIVE
    reason = (reason or "").strip()
    if amending and not reason:
        raise ApplicationError(
            _("Say why the agreement is amended."),
            extra={"fields": {"reason": [_("This field is required.")]}},
        )
    plain, m2m = _split(data)
    before = snapshot(agreement, AGREEMENT_FIELDS)
    before_display = _display(agreement, AGREEMENT_FIELDS)
    for key, value in plain.items():
        setattr(agreement, key, value)
    _validate_agreement(agreement, m2m)
    if amending and agreement.end_date < timezone.localdate():
        raise ApplicationError(
            _("An active agreement cannot end in the past: terminate it instead."),
            extra={"fields": {"end_date": [_("Choose today or a later day.")]}},
        )
    _full_clean(agreement)
    agreement.save()
    for name, values in m2m.items():
        getattr(agreement, name).set(values)
    after = snapshot(agreement, AGREEMENT_FIELDS)
    changes = diff(before, after)
    if not changes:
        return None
    amendment = None
    if amending:
        after_display = _display(agreement, AGREEMENT_FIELDS)
        sequence = (agreement.amendments.aggregate(m=Max("sequence"))["m"] or 0) + 1
        amendment = AgreementAmendment.objects.create(
            agreement=agreement,
            sequence=sequence,
            reference=str(reference or "")[:100],
            reason=reason,
            changes={
                name: {"before": before_display[name], "after": after_display[name]}
                for name in changes
            },
            previous_values={name: before[name] for name in changes},
            edit_version=agreement.edit_version,
            created_by=actor,
        )
    audit_log(
        actor=actor,
        action="agreements.agreement.amended" if amending else "agreements.agreement.updated",
        target=agreement,
        changes=changes,
        data={"reason": reason, "amendment": amendment.sequence} if amendment else {},
    )
    return amendment


def _transition(
    *, actor: User | None, agreement: Agreement, to: str, action: str, data: dict | None = None
) -> Agreement:
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if to not in AGREEMENT_TRANSITIONS[locked.status]:
        raise ApplicationError(
            _("An agreement that is %(status)s cannot become %(to)s.")
            % {
                "status": locked.get_status_display().lower(),
                "to": AgreementStatus(to).label.lower(),
            }
        )
    before = locked.status
    locked.status = to
    locked.status_changed_at = timezone.now()
    locked.status_changed_by = actor
    return _save_transition(locked, agreement, before, actor, action, data or {})


def _save_transition(
    locked: Agreement,
    agreement: Agreement,
    before: str,
    actor: User | None,
    action: str,
    data: dict,
) -> Agreement:
    locked.save()
    audit_log(
        actor=actor,
        action=action,
        target=locked,
        changes={"status": {"before": before, "after": locked.status}},
        data=data,
    )
    agreement.refresh_from_db()
    return agreement


@transaction.atomic
def agreement_activate(*, actor: User | None, agreement: Agreement) -> Agreement:
    """Draft → active (the agreement is signed)."""
    if actor is not None:
        _check(permissions.can_manage_agreements(actor))
    today = timezone.localdate()
    if agreement.end_date < today:
        raise ApplicationError(_("The end date has passed: this agreement cannot be activated."))
    if not agreement.parties.exists():
        raise ApplicationError(_("Choose at least one partner organisation."))
    if agreement.status == AgreementStatus.DRAFT:
        Agreement.objects.filter(pk=agreement.pk).update(activated_on=today)
    return _transition(
        actor=actor,
        agreement=agreement,
        to=AgreementStatus.ACTIVE,
        action="agreements.agreement.activated",
    )


@transaction.atomic
def agreement_terminate(
    *, actor: User | None, agreement: Agreement, reason: str, on: dt.date | None = None
) -> Agreement:
    """Active → terminated before its end date; ``reason`` required. In force until the day
    before ``on`` (today by default)."""
    if actor is not None:
        _check(permissions.can_manage_agreements(actor))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Say why the agreement is terminated."),
            extra={"fields": {"reason": [_("This field is required.")]}},
        )
    on = on or timezone.localdate()
    if agreement.status == AgreementStatus.ACTIVE:
        Agreement.objects.filter(pk=agreement.pk).update(
            terminated_on=on, termination_reason=reason
        )
    return _transition(
        actor=actor,
        agreement=agreement,
        to=AgreementStatus.TERMINATED,
        action="agreements.agreement.terminated",
        data={"reason": reason, "terminated_on": on.isoformat()},
    )


def agreements_expire(today: dt.date) -> int:
    """Active agreements whose end date has passed become expired (idempotent)."""
    count = 0
    for agreement in Agreement.objects.filter(status=AgreementStatus.ACTIVE, end_date__lt=today):
        with transaction.atomic():
            _transition(
                actor=None,
                agreement=agreement,
                to=AgreementStatus.EXPIRED,
                action="agreements.agreement.expired",
                data={"end_date": agreement.end_date.isoformat()},
            )
        count += 1
    return count


def reminder_recipients(agreement: Agreement) -> list[User]:
    """The active org admins of the Dinas Sosial side and of each party."""
    from simpul.accounts.models import User

    org_ids = [agreement.government_side_id, *agreement.parties.values_list("pk", flat=True)]
    user_ids = Membership.objects.filter(
        organization_id__in=org_ids, role=Role.ORG_ADMIN, is_active=True
    ).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("email"))


def _threshold(days_left: int) -> int | None:
    """The smallest reminder threshold ``days_left`` has reached (None: not yet 90 days)."""
    reached = [t for t in REMINDER_DAYS if days_left <= t]
    return min(reached) if reached else None


def agreement_reminders_send(today: dt.date) -> int:
    """Reminders 90, 30 and 7 days before the end of each active agreement, each once (a
    reminder row per agreement, threshold and end date; notify dedupes per recipient too).
    A threshold the job skipped (an agreement entered late) is not sent afterwards."""
    try:
        from simpul.notifications.services import notify
    except ImportError:  # the notifications app has not landed: try again tomorrow
        logger.warning("agreement reminders: simpul.notifications.services is missing")
        return 0
    sent = 0
    candidates = Agreement.objects.filter(
        status=AgreementStatus.ACTIVE,
        end_date__gte=today,
        end_date__lte=today + dt.timedelta(days=max(REMINDER_DAYS)),
    ).select_related("government_side")
    for agreement in candidates:
        days_left = (agreement.end_date - today).days
        threshold = _threshold(days_left)
        if threshold is None:
            continue
        with transaction.atomic():
            try:
                with transaction.atomic():
                    reminder = AgreementReminder.objects.create(
                        agreement=agreement, days_before=threshold, end_date=agreement.end_date
                    )
            except IntegrityError:
                continue  # sent already
            recipients = reminder_recipients(agreement)
            subject = _("Agreement %(number)s ends in %(days)s days") % {
                "number": agreement.number,
                "days": days_left,
            }
            body = _(
                "The agreement %(number)s (%(title)s) ends on %(end)s. Renew or extend it in "
                "time, or the partners will show as without an agreement."
            ) % {
                "number": agreement.number,
                "title": agreement.title,
                "end": agreement.end_date.isoformat(),
            }
            created = notify(
                recipients=recipients,
                kind="agreements.expiring",
                subject=subject,
                body=body,
                url=reverse("agreements:detail", args=[agreement.pk]),
                dedupe_key=f"agreement:{agreement.pk}:expiry:{threshold}:{agreement.end_date}",
                data={"agreement": str(agreement.pk), "days_before": threshold},
            )
            reminder.recipients = len(recipients)
            reminder.save(update_fields=["recipients"])
            audit_log(
                actor=None,
                action="agreements.agreement.reminder_sent",
                target=agreement,
                data={"days_before": threshold, "recipients": len(recipients), "new": created},
            )
            sent += 1
    return sent


def _sniff(file: UploadedFile) -> str | None:
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    for content_type, magic in DOCUMENT_TYPES.items():
        if head.startswith(magic):
            return content_type
    return None


@transaction.atomic
def agreement_document_upload(
    *, actor: User | None, agreement: Agreement, file: UploadedFile, description: str = ""
) -> AgreementDocument:
    """The signed agreement or an amendment's signed text (PDF, JPG or PNG, at most 10 MB):
    stored under MEDIA_ROOT/protected, served only by the checked, audited view. Uploads are
    only added (the newest is the current one)."""
    if actor is not None:
        _check(permissions.can_manage_agreements(actor))
    if agreement.status in (AgreementStatus.EXPIRED, AgreementStatus.TERMINATED):
        raise ApplicationError(_("An expired or terminated agreement can no longer be changed."))
    if file.size is None or file.size > DOCUMENT_MAX_BYTES:
        raise ApplicationError(
            _("The file is too large: at most 10 MB."),
            extra={"fields": {"file": [_("At most 10 MB.")]}},
        )
    content_type = _sniff(file)
    if content_type is None:
        raise ApplicationError(
            _("Only JPG, PNG and PDF files can be uploaded."),
            extra={"fields": {"file": [_("Use a JPG, PNG or PDF file.")]}},
        )
    doc = AgreementDocument(
        agreement=agreement,
        original_name=(file.name or "document")[-255:],
        content_type=content_type,
        size=file.size,
        description=str(description or "")[:255],
        uploaded_by=actor,
    )
    _full_clean(doc, exclude=["file", "uploaded_by"])
    doc.file.save(str(doc.pk), file, save=False)
    doc.save()
    audit_log(
        actor=actor,
        action="agreements.agreement.document_uploaded",
        target=agreement,
        data={
            "document": str(doc.pk),
            "size": doc.size,
            "content_type": content_type,
            "name": doc.original_name,
        },
    )
    return doc


def agreement_document_downloaded(*, actor: User, document: AgreementDocument) -> None:
    audit_log(
        actor=actor,
        action="agreements.agreement.document_downloaded",
        target=document.agreement,
        data={"document": str(document.pk), "name": document.original_name},
    )


# --- protocols ----------------------------------------------------------------------------------
VERSION_FIELDS = ("purpose", "deadline_table", "escalation", "documents", "closing_outcome")
PARTICIPANT_FIELDS = ("org_type", "office", "organization", "role", "services_note", "sort_order")


def _require_manage(actor: User | None) -> None:
    if actor is not None:
        _check(permissions.can_manage_protocols(actor))


def default_deadline_table() -> dict[str, dict[str, int]]:
    return {u: dict(days) for u, days in DEFAULT_DEADLINES.items()}


def validate_deadline_table(table: Any) -> dict[str, dict[str, int]]:
    """{urgency: {step: working days}} for all three urgencies and four steps, each 0–365 and
    not decreasing from acknowledge to finish."""
    if not isinstance(table, dict):
        raise ApplicationError(_("The response deadlines are not a table."))
    out: dict[str, dict[str, int]] = {}
    for urgency in Urgency.values:
        row = table.get(urgency) or {}
        values: dict[str, int] = {}
        for step in Step.values:
            value = row.get(step, DEFAULT_DEADLINES[urgency][step])
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = -1
            if not 0 <= number <= 365:
                raise ApplicationError(
                    _("Deadlines are whole working days from 0 to 365 (%(urgency)s, %(step)s).")
                    % {"urgency": Urgency(urgency).label, "step": Step(step).label}
                )
            values[step] = number
        ordered = [values[s] for s in Step.values]
        if ordered != sorted(ordered):
            raise ApplicationError(
                _(
                    "For %(urgency)s, each step's deadline is at least the one before it "
                    "(acknowledge ≤ decide ≤ start ≤ finish)."
                )
                % {"urgency": Urgency(urgency).label}
            )
        out[urgency] = values
    unknown = set(table) - set(Urgency.values)
    if unknown:
        raise ApplicationError(_("Unknown urgency: %(codes)s") % {"codes": ", ".join(unknown)})
    return out


def validate_escalation(steps: Any) -> list[dict[str, Any]]:
    if not isinstance(steps, list) or not steps:
        raise ApplicationError(_("The escalation chain needs at least one step."))
    out: list[dict[str, Any]] = []
    for step in steps:
        notify = str((step or {}).get("notify", ""))
        try:
            after = int((step or {}).get("after_working_days"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            after = -1
        if notify not in EscalationTarget.values or not 0 <= after <= 365:
            raise ApplicationError(
                _("Each escalation step names who is told and after how many working days.")
            )
        out.append({"after_working_days": after, "notify": notify})
    out.sort(key=lambda s: s["after_working_days"])
    return out


@transaction.atomic
def protocol_create(
    *, actor: User | None, category: Category, title: str = ""
) -> CollaborationProtocol:
    """A protocol for a PMKS child category, with an empty draft version 1."""
    _require_manage(actor)
    if category.scheme != "pmks":
        raise ApplicationError(_("Protocols are made for PMKS child categories."))
    if CollaborationProtocol.objects.filter(category=category).exists():
        raise ApplicationError(_("This category has a protocol already."))
    protocol = CollaborationProtocol.objects.create(
        category=category,
        title=title.strip()
        or _("Collaboration protocol: %(category)s") % {"category": category.localized_name},
    )
    ProtocolVersion.objects.create(
        protocol=protocol,
        number=1,
        deadline_table=default_deadline_table(),
        escalation=list(DEFAULT_ESCALATION),
        created_by=actor,
    )
    audit_log(
        actor=actor,
        action="agreements.protocol.created",
        target=protocol,
        data={"category": category.code},
    )
    return protocol


@transaction.atomic
def version_draft_create(*, actor: User | None, protocol: CollaborationProtocol) -> ProtocolVersion:
    """A new draft copying the last version (its participants and their services too)."""
    _require_manage(actor)
    CollaborationProtocol.objects.select_for_update().filter(pk=protocol.pk).first()
    if protocol.versions.filter(status=VersionStatus.DRAFT).exists():
        raise ApplicationError(_("This protocol has a draft already: edit that one."))
    last = protocol.versions.order_by("-number").first()
    draft = ProtocolVersion.objects.create(
        protocol=protocol,
        number=(last.number + 1) if last else 1,
        purpose=last.purpose if last else "",
        deadline_table=last.deadline_table if last else default_deadline_table(),
        escalation=last.escalation if last else list(DEFAULT_ESCALATION),
        documents=list(last.documents) if last else [],
        closing_outcome=last.closing_outcome if last else "",
        created_by=actor,
    )
    if last is not None:
        for p in last.participants.prefetch_related("service_types"):
            copy = ProtocolParticipant.objects.create(
                version=draft, **{f: getattr(p, f) for f in PARTICIPANT_FIELDS}
            )
            copy.service_types.set(p.service_types.all())
    audit_log(
        actor=actor,
        action="agreements.version.drafted",
        target=draft,
        data={"version": draft.number, "copied_from": last.number if last else None},
    )
    return draft


def _require_draft(version: ProtocolVersion) -> None:
    """The version is (still) a draft: read from the database, not the caller's copy."""
    status = ProtocolVersion.objects.filter(pk=version.pk).values_list("status", flat=True).first()
    if status != VersionStatus.DRAFT:
        raise ApplicationError(
            _("An approved protocol version cannot be changed: make a new draft.")
        )


@transaction.atomic
def version_update(
    *, actor: User | None, version: ProtocolVersion, data: dict[str, Any]
) -> ProtocolVersion:
    _require_manage(actor)
    version = ProtocolVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    unknown = set(data) - set(VERSION_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Unknown field: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    data = dict(data)
    if "deadline_table" in data:
        data["deadline_table"] = validate_deadline_table(data["deadline_table"])
    if "escalation" in data:
        data["escalation"] = validate_escalation(data["escalation"])
    if "documents" in data:
        data["documents"] = [str(d).strip()[:255] for d in data["documents"] if str(d).strip()]
    before = snapshot(version, VERSION_FIELDS)
    for key, value in data.items():
        setattr(version, key, value)
    version.save()
    changes = diff(before, snapshot(version, VERSION_FIELDS))
    if changes:
        audit_log(actor=actor, action="agreements.version.updated", target=version, changes=changes)
    return version


@transaction.atomic
def participant_save(
    *,
    actor: User | None,
    version: ProtocolVersion,
    participant: ProtocolParticipant | None = None,
    service_types: Iterable[TaxonomyTerm] | None = None,
    **fields: Any,
) -> ProtocolParticipant:
    """Add a participant to a draft (or change one): an organisation type or a named office."""
    _require_manage(actor)
    _require_draft(version)
    unknown = set(fields) - set(PARTICIPANT_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Unknown field: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    p = participant or ProtocolParticipant(version=version)
    if p.version_id != version.pk:
        raise ApplicationError(_("This participant belongs to another version."))
    for key, value in fields.items():
        if value is None and key in ("org_type", "office", "role", "services_note"):
            value = ""
        setattr(p, key, value)
    if p.office:
        p.org_type = OFFICE_ORG_TYPES[Office(p.office)]
    if not p.org_type:
        raise ApplicationError(
            _("Choose an organisation type or an office."),
            extra={"fields": {"org_type": [_("This field is required.")]}},
        )
    if p.organization is not None and p.organization.org_type != p.org_type:
        raise ApplicationError(_("The organisation is not of the type chosen."))
    _full_clean(p, exclude=["version"])
    adding = p._state.adding
    p.save()
    if service_types is not None:
        terms = list(service_types)
        if any(t.taxonomy != TaxonomyTerm.Taxonomy.SERVICE_TYPE for t in terms):
            raise ApplicationError(_("Choose service types."))
        p.service_types.set(terms)
    audit_log(
        actor=actor,
        action="agreements.version.participant_added"
        if adding
        else "agreements.version.participant_changed",
        target=version,
        data={"participant": p.name, "org_type": p.org_type, "office": p.office},
    )
    return p


@transaction.atomic
def participant_remove(*, actor: User | None, participant: ProtocolParticipant) -> None:
    _require_manage(actor)
    version = participant.version
    _require_draft(version)
    name = participant.name
    participant.delete()
    audit_log(
        actor=actor,
        action="agreements.version.participant_removed",
        target=version,
        data={"participant": name},
    )


@transaction.atomic
def version_discard(*, actor: User | None, version: ProtocolVersion) -> None:
    """Delete a draft that will not be approved."""
    _require_manage(actor)
    _require_draft(version)
    protocol = version.protocol
    number = version.number
    version.delete()
    audit_log(
        actor=actor, action="agreements.version.discarded", target=protocol, data={"number": number}
    )


@transaction.atomic
def version_approve(
    *,
    actor: User | None,
    version: ProtocolVersion,
    valid_from: dt.date,
    note: str = "",
) -> ProtocolVersion:
    """Approve a draft, in force from ``valid_from`` (not before the version it replaces); the
    version approved before becomes superseded. The approver is not the person who drafted it.
    ``actor`` None: the seeding command."""
    if actor is not None:
        _check(permissions.can_approve_protocols(actor))
    version = ProtocolVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    if actor is not None and version.created_by_id == actor.pk:
        raise ApplicationError(
            _("Someone other than the person who drafted this version must approve it.")
        )
    if not version.participants.exists():
        raise ApplicationError(_("Name at least one participant before approving."))
    if not version.closing_outcome.strip():
        raise ApplicationError(_("Say which outcome closes the loop before approving."))
    validate_deadline_table(version.deadline_table)
    validate_escalation(version.escalation or DEFAULT_ESCALATION)
    previous = (
        ProtocolVersion.objects.filter(protocol=version.protocol, status=VersionStatus.APPROVED)
        .exclude(pk=version.pk)
        .first()
    )
    if previous is not None and previous.valid_from and valid_from < previous.valid_from:
        raise ApplicationError(
            _(
                "The version applies from %(date)s at the earliest (version %(number)s applies from then)."
            )
            % {"date": previous.valid_from.isoformat(), "number": previous.number}
        )
    if previous is not None:
        previous.status = VersionStatus.SUPERSEDED
        previous.save(update_fields=["status", "updated_at"])
    now = timezone.now()
    ProtocolVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.APPROVED,
        valid_from=valid_from,
        approved_by=actor,
        approved_at=now,
        approval_note=(note or "").strip(),
        updated_at=now,
    )
    version.refresh_from_db()
    audit_log(
        actor=actor,
        action="agreements.version.approved",
        target=version,
        changes={"status": {"before": VersionStatus.DRAFT, "after": VersionStatus.APPROVED}},
        data={
            "valid_from": valid_from.isoformat(),
            "superseded": previous.number if previous else None,
            "note": version.approval_note,
        },
    )
    return version
