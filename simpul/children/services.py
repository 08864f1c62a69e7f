"""Writes to the children's registry. Every function is atomic, validates, and leaves an audit
event (NIK and No. KK are masked in the trail).

Permission rules: :mod:`simpul.core.permissions` (roles) and
:func:`simpul.children.child_access` (per child). Services re-check when an ``actor``
is given so that no caller can skip a rule by mistake.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul import matching
from simpul.access.children import child_access, children_visible_to
from simpul.children import selectors
from simpul.children.identity import IDENTITY_FIELDS, clean_identity, nik_warnings
from simpul.children.models import (
    Category,
    CategorySubtype,
    Child,
    ChildAlias,
    ChildCategory,
    ChildDocument,
    ChildMerge,
    Condition,
    Consent,
    DuplicateCandidate,
    DuplicateScan,
    Guardian,
    LegalBasis,
    NameToken,
)
from simpul.core import permissions
from simpul.core.audit import audit_log, diff, snapshot
from simpul.core.concurrency import version_claim
from simpul.core.exceptions import ApplicationError
from simpul.core.jobs import enqueue_on_commit
from simpul.core.locks import advisory_xact_lock
from simpul.directory.models import GOVERNMENT_SOCIAL_TYPES

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from simpul.accounts.models import User
    from simpul.directory.models import Organization

logger = logging.getLogger(__name__)

STORED_IDENTITY_FIELDS = (
    *[f for f in IDENTITY_FIELDS if f != "current_kelurahan"],
    "current_kelurahan",
    "origin_region_name",
)
AUDIT_FIELDS = (*STORED_IDENTITY_FIELDS, "identity_warnings", "registration_note")
GUARDIAN_FIELDS = (
    "relationship",
    "full_name",
    "phone",
    "address",
    "is_primary_contact",
    "lives_with_child",
    "is_alleged_perpetrator",
    "notes",
)
DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
DOCUMENT_TYPES = {
    "application/pdf": b"%PDF",
    "image/png": b"\x89PNG",
    "image/jpeg": b"\xff\xd8\xff",
}
SCAN_BATCH = 500


class DuplicateSuspected(ApplicationError):
    """Registration stopped: probable duplicates exist and the worker has not confirmed."""


# --- helpers ----------------------------------------------------------------------------------
def _check(actor: User | None, allowed: bool) -> None:
    if actor is not None and not allowed:
        raise PermissionDenied


def _full_clean(instance: models.Model, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        fields = {
            k: [str(m) for m in v]
            for k, v in getattr(exc, "message_dict", {"__all__": exc.messages}).items()
        }
        raise ApplicationError(
            " ".join(m for v in fields.values() for m in v), extra={"fields": fields}
        ) from exc


def _require_edit(actor: User | None, child: Child) -> None:
    if actor is None:
        return
    access = child_access(actor, child)
    if not access.visible:
        from django.http import Http404

        raise Http404
    if not access.can_edit:
        raise PermissionDenied


def _active_child(child: Child) -> None:
    if child.merged_into_id:
        raise ApplicationError(_("This record was merged into another record; work on that one."))


def _frequency_tokens(child: Child) -> set[str]:
    """The tokens of the child's name and mother's name counted in NameToken."""
    record = matching.PersonRecord(
        id="", full_name=child.full_name, mother_name=child.mother_name or None
    )
    return {t[:60] for t in matching.frequency_tokens(record)}


def _token_delta(tokens: Iterable[str], delta: int) -> None:
    """Keep NameToken counts (how many active children carry each name token; mothers' name
    tokens prefixed "m:"), which weigh rare names up and keep common-name blocks small."""
    for token in tokens:
        if delta > 0:
            obj, created = NameToken.objects.get_or_create(token=token, defaults={"count": delta})
            if not created:
                NameToken.objects.filter(pk=obj.pk).update(count=F("count") + delta)
        else:
            NameToken.objects.filter(token=token, count__gte=-delta).update(
                count=F("count") + delta
            )


def _token_change(before: set[str], after: set[str]) -> None:
    _token_delta(after - before, +1)
    _token_delta(before - after, -1)


def _apply_keys(child: Child, aliases: Iterable[str] | None = None) -> None:
    """search_name and the blocking-key columns from the child's current values."""
    alias_names = (
        list(aliases)
        if aliases is not None
        else [a.name for a in child.aliases.all()]
        if child.pk and not child._state.adding
        else []
    )
    record = selectors.person_record(child, aliases=alias_names)
    search = " ".join(
        dict.fromkeys(t for n in (child.full_name, *alias_names) for t in matching.name_tokens(n))
    )
    child.search_name = search[:200]
    for column, value in matching.blocking_keys(record).items():
        setattr(child, column, (value or "")[:40])


def _refresh_keys(child: Child) -> None:
    _apply_keys(child)
    Child.objects.filter(pk=child.pk).update(
        search_name=child.search_name, **{c: getattr(child, c) for c in matching.BLOCKING_COLUMNS}
    )


def _next_registration_number(year: int) -> str:
    prefix = f"ANK-{year}-"
    last = (
        Child.objects.filter(registration_number__startswith=prefix)
        .order_by("-registration_number")
        .values_list("registration_number", flat=True)
        .first()
    )
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:06d}"


def _alias_items(aliases: Iterable[Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for a in aliases or []:
        if isinstance(a, str):
            name, kind = a, ChildAlias.Kind.NICKNAME
        else:
            name, kind = a.get("name", ""), a.get("kind") or ChildAlias.Kind.NICKNAME
        name = " ".join(str(name).split())
        if name:
            out.append((name, kind))
    return out


def _set_conditions(child: Child, conditions: Iterable[Any] | None) -> None:
    if conditions is None:
        return
    items = list(conditions)
    codes = {c for c in items if isinstance(c, str)}
    objs = [c for c in items if isinstance(c, Condition)]
    known = list(Condition.objects.filter(code__in=codes))
    unknown = sorted(codes - {c.code for c in known})
    if unknown:
        message = _("Unknown condition code(s): %(codes)s") % {"codes": ", ".join(unknown)}
        raise ApplicationError(message, extra={"fields": {"conditions": [message]}})
    child.conditions.set([*objs, *known])


def _audit_values(child: Child) -> dict[str, Any]:
    return snapshot(
        child, [f for f in AUDIT_FIELDS if f != "current_kelurahan"] + ["current_kelurahan"]
    )


# --- registration -----------------------------------------------------------------------------
def registration_preview(
    *, actor: User, data: dict[str, Any], aliases: Iterable[Any] = ()
) -> dict[str, Any]:
    """Validate and look for probable duplicates WITHOUT saving (step "check" of registration)."""
    values, warnings = clean_identity({k: v for k, v in data.items() if k != "conditions"})
    _refuse_taken_nik(values.get("nik") or "")
    record = _record(values, aliases)
    return {
        "values": values,
        "warnings": warnings,
        "candidates": selectors.child_duplicate_candidates(user=actor, record=record),
    }


def _registration_lock(record: matching.PersonRecord) -> None:
    """Serialise registrations that could find each other (finding 9b): every value this
    record would be looked up by or stored under, so that of two parallel registrations of the
    same child the second waits for the first, then finds it among the candidates."""
    values: set[str] = {v for v in matching.blocking_keys(record).values() if v}
    for found in matching.candidate_key_values(record).values():
        values |= found
    if record.nik:
        values.add(f"nik:{record.nik}")
    advisory_xact_lock("children.registration", values)


def nik_holder(nik: str, *, exclude_id: Any = None) -> Child | None:
    """The active child that already holds ``nik`` (a NIK belongs to one person)."""
    if not nik:
        return None
    qs = Child.objects.active().filter(nik=nik)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.order_by("created_at").first()


def _refuse_taken_nik(nik: str, *, exclude_id: Any = None) -> None:
    """Finding 9c: a NIK already held by another active child is refused, naming that record
    by its number (never by name); a supervisor resolves it by merging the two records or by
    correcting the wrong NIK."""
    holder = nik_holder(nik, exclude_id=exclude_id)
    if holder is None:
        return
    message = _(
        "This NIK is already recorded for child %(number)s. If it is the same child, work on "
        "that record (a supervisor can merge the two records); if not, check the NIK."
    ) % {"number": holder.registration_number}
    raise ApplicationError(
        message,
        extra={"fields": {"nik": [message]}, "nik_holder": holder.registration_number},
    )


def _record(values: dict[str, Any], aliases: Iterable[Any]) -> matching.PersonRecord:
    from simpul.children.identity import record_from_values

    return record_from_values(values, aliases=tuple(n for n, _k in _alias_items(aliases)))


@transaction.atomic
def child_register(
    *,
    actor: User,
    data: dict[str, Any],
    aliases: Iterable[Any] = (),
    guardians: Iterable[dict[str, Any]] = (),
    confirm_not_duplicate_of: Iterable[Any] | None = None,
    note: str = "",
) -> Child:
    """Register a child. If probable duplicates exist, ``confirm_not_duplicate_of`` must list
    them (the worker's "this is a different child"); otherwise DuplicateSuspected is raised with
    the candidates in ``extra["candidates"]`` and nothing is saved."""
    _check(actor, permissions.can_register_child(actor))
    conditions = data.get("conditions")
    values, warnings = clean_identity({k: v for k, v in data.items() if k != "conditions"})
    alias_items = _alias_items(aliases)
    record = _record(values, aliases)
    _registration_lock(record)  # then look, with every earlier registration committed
    _refuse_taken_nik(values.get("nik") or "")
    stats = selectors.DbTokenStats()
    candidates = selectors.score_candidates(
        record, selectors.blocked_children(record, stats=stats), stats=stats
    )
    candidate_ids = sorted(str(c.pk) for c, _r in candidates)
    if candidates and confirm_not_duplicate_of is None:
        views = selectors.candidate_views(actor, candidates)
        raise DuplicateSuspected(
            _(
                "This child may already be registered. Check the records found, then confirm that this is a different child."
            ),
            extra={"candidates": [v.__dict__ for v in views]},
        )
    confirmed = sorted(str(x) for x in (confirm_not_duplicate_of or []))
    # Never trust the client's claim that the check found nothing: every candidate found now,
    # server-side, must have been declared a different child explicitly.
    # Candidates the worker may not see cannot be declared (they are shown masked, without an
    # id); they stay for the supervisors' duplicate scan and review.
    declarable = {
        str(pk)
        for pk in children_visible_to(actor)
        .filter(pk__in=candidate_ids)
        .values_list("pk", flat=True)
    }
    undeclared = sorted(declarable - set(confirmed))
    if undeclared:
        views = selectors.candidate_views(actor, candidates)
        raise DuplicateSuspected(
            _(
                "This child may already be registered. Confirm for each record found that it is a different child."
            ),
            extra={"candidates": [v.__dict__ for v in views]},
        )

    membership = actor.primary_membership() if actor else None
    kel = values.pop("current_kelurahan")
    child = Child(
        **values,
        current_kelurahan=kel,
        identity_warnings=warnings,
        registered_by=actor,
        registering_organization=membership.organization if membership else None,
    )
    child.current_kota_code = kel.code[:5] if kel else ""
    child.registration_note = (note or "").strip()[:2000]
    _apply_keys(child, [n for n, _k in alias_items])
    for _attempt in range(5):
        child.registration_number = _next_registration_number(timezone.localdate().year)
        _full_clean(child, exclude=["registration_number"])
        try:
            with transaction.atomic():
                child.save()
            break
        except IntegrityError:
            if Child.objects.filter(registration_number=child.registration_number).exists():
                continue
            raise
    for name, kind in alias_items:
        alias = ChildAlias(child=child, name=name, kind=kind)
        _full_clean(alias, exclude=["child"])
        alias.save()
    for g in guardians or []:
        guardian = Guardian(child=child, **{k: v for k, v in g.items() if k in GUARDIAN_FIELDS})
        _full_clean(guardian, exclude=["child"])
        guardian.save()
    _set_conditions(child, conditions)
    _token_delta(_frequency_tokens(child), +1)
    audit_log(
        actor=actor,
        action="children.child.registered",
        target=child,
        changes=diff({}, _audit_values(child)),
        data={
            "registration_number": child.registration_number,
            "nik": child.nik,
            "no_kk": child.no_kk,  # masked by audit_log
            "identity_warnings": [w["code"] for w in warnings],
            "duplicate_candidates_shown": candidate_ids,
            "confirmed_not_duplicate_of": confirmed,
            "aliases": len(alias_items),
        },
    )
    return child


@transaction.atomic
def child_update_identity(
    *, actor: User, child: Child, data: dict[str, Any], expected_version: Any = None
) -> Child:
    """Edit identity fields (full set, as on the edit page). Renames update token counts.

    ``expected_version``: the version the editor read (form field / If-Match); a newer saved
    version raises ConcurrentUpdate and nothing changes. None only for internal writes."""
    _require_edit(actor, child)
    _active_child(child)
    if expected_version is not None:
        version_claim(child, expected_version=expected_version)
    conditions = data.get("conditions")
    current = {f: getattr(child, f) for f in IDENTITY_FIELDS}
    values, warnings = clean_identity(
        {**current, **{k: v for k, v in data.items() if k != "conditions"}},
        kept_birth_date=child.birth_date,
    )
    if values.get("nik") and values["nik"] != child.nik:
        advisory_xact_lock("children.registration", [f"nik:{values['nik']}"])
        _refuse_taken_nik(values["nik"], exclude_id=child.pk)
    before = _audit_values(child)
    old_tokens = _frequency_tokens(child)
    kel = values.pop("current_kelurahan")
    for k, v in values.items():
        setattr(child, k, v)
    child.current_kelurahan = kel
    child.current_kota_code = kel.code[:5] if kel else ""
    child.identity_warnings = warnings
    _apply_keys(child)
    _full_clean(child)
    child.save()
    _set_conditions(child, conditions)
    _token_change(old_tokens, _frequency_tokens(child))
    audit_log(
        actor=actor,
        action="children.child.updated",
        target=child,
        changes=diff(before, _audit_values(child)),
        data={"identity_warnings": [w["code"] for w in warnings]},
    )
    return child


@transaction.atomic
def child_conditions_set(*, actor: User, child: Child, conditions: Iterable[Condition]) -> Child:
    _require_edit(actor, child)
    before = snapshot(child, ["conditions"])
    child.conditions.set(list(conditions))
    audit_log(
        actor=actor,
        action="children.child.conditions_updated",
        target=child,
        changes=diff(before, snapshot(child, ["conditions"])),
    )
    return child


@transaction.atomic
def child_alias_add(
    *, actor: User, child: Child, name: str, kind: str = ChildAlias.Kind.NICKNAME
) -> ChildAlias:
    _require_edit(actor, child)
    _active_child(child)
    alias = ChildAlias(child=child, name=" ".join(str(name).split()), kind=kind)
    _full_clean(alias)
    alias.save()
    _refresh_keys(child)
    audit_log(
        actor=actor,
        action="children.alias.added",
        target=child,
        data={"alias": str(alias.pk), "kind": kind},
    )
    return alias


@transaction.atomic
def child_alias_remove(*, actor: User, alias: ChildAlias) -> None:
    child = alias.child
    _require_edit(actor, child)
    pk = alias.pk
    alias.delete()
    _refresh_keys(child)
    audit_log(actor=actor, action="children.alias.removed", target=child, data={"alias": str(pk)})


@transaction.atomic
def guardian_save(
    *, actor: User, child: Child, data: dict[str, Any], guardian: Guardian | None = None
) -> Guardian:
    """Add (``guardian=None``) or update a parent/guardian."""
    _require_edit(actor, child)
    _active_child(child)
    unknown = set(data) - set(GUARDIAN_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    guardian = guardian or Guardian(child=child)
    if guardian.child_id != child.pk:
        raise ApplicationError(_("This guardian belongs to another child."))
    before = (
        snapshot(guardian, GUARDIAN_FIELDS) if guardian.pk and not guardian._state.adding else {}
    )
    for k, v in data.items():
        setattr(guardian, k, v)
    _full_clean(guardian)
    guardian.save()
    audit_log(
        actor=actor,
        action="children.guardian.saved",
        target=child,
        changes=diff(before, snapshot(guardian, GUARDIAN_FIELDS)),
        data={"guardian": str(guardian.pk)},
    )
    return guardian


@transaction.atomic
def guardian_remove(*, actor: User, guardian: Guardian) -> None:
    child = guardian.child
    _require_edit(actor, child)
    before = snapshot(guardian, GUARDIAN_FIELDS)
    pk = guardian.pk
    guardian.delete()
    audit_log(
        actor=actor,
        action="children.guardian.removed",
        target=child,
        changes=diff(before, {}),
        data={"guardian": str(pk)},
    )


# --- consent and legal basis -----------------------------------------------------------------
def _require_full(actor: User | None, child: Child) -> None:
    if actor is None:
        return
    access = child_access(actor, child)
    if not access.visible:
        from django.http import Http404

        raise Http404
    if not access.full:
        raise PermissionDenied


@transaction.atomic
def consent_record(
    *,
    actor: User,
    child: Child,
    purpose: str,
    organizations: Iterable[Organization] = (),
    given_by_name: str,
    given_by_relationship: str,
    child_view: str = "",
    child_agrees: bool | None = None,
    method: str,
    notice_version: str = "",
    evidence_file: UploadedFile | None = None,
) -> Consent:
    _require_full(actor, child)
    _active_child(child)
    organizations = list(organizations or [])
    if purpose == Consent.Purpose.SHARING and not organizations:
        raise ApplicationError(
            _("Name the organisations the data may be shared with."),
            extra={"fields": {"organizations": [_("Choose at least one organisation.")]}},
        )
    evidence = None
    if evidence_file is not None:
        evidence = document_upload(
            actor=actor,
            child=child,
            kind=ChildDocument.Kind.CONSENT,
            file=evidence_file,
            description=_("Consent evidence"),
        )
    consent = Consent(
        child=child,
        purpose=purpose,
        given_by_name=given_by_name,
        given_by_relationship=given_by_relationship,
        child_view=child_view,
        child_agrees=child_agrees,
        method=method,
        notice_version=notice_version,
        evidence=evidence,
        recorded_by=actor,
    )
    _full_clean(consent, exclude=["child_agrees"])  # None = not asked / unclear
    consent.save()
    consent.organizations.set(organizations)
    audit_log(
        actor=actor,
        action="children.consent.recorded",
        target=child,
        data={
            "consent": str(consent.pk),
            "purpose": purpose,
            "organizations": [str(o.pk) for o in organizations],
            "method": method,
            "child_agrees": child_agrees,
        },
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, consent: Consent, reason: str) -> Consent:
    _require_full(actor, consent.child)
    if consent.withdrawn_at is not None:
        raise ApplicationError(_("This consent was already withdrawn."))
    if not reason.strip():
        raise ApplicationError(
            _("Give the reason of the withdrawal."), extra={"fields": {"reason": [_("Required.")]}}
        )
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_reason = reason.strip()[:255]
    consent.save(update_fields=["withdrawn_at", "withdrawn_reason", "updated_at"])
    audit_log(
        actor=actor,
        action="children.consent.withdrawn",
        target=consent.child,
        data={"consent": str(consent.pk), "reason": consent.withdrawn_reason},
    )
    if consent.purpose == Consent.Purpose.SHARING:
        _sharing_withdrawn(consent.child, actor)
    return consent


def _sharing_withdrawn(child: Child, actor: User | None) -> None:
    """Tell the apps that grant access to the child (cases: plan actions, referrals, leads)."""
    from simpul.children.signals import sharing_withdrawn

    sharing_withdrawn.send(sender=Child, child=child, actor=actor)


@transaction.atomic
def legal_basis_record(
    *,
    actor: User,
    child: Child,
    purpose: str,
    basis: str,
    organizations: Iterable[Organization] = (),
    justification: str,
) -> LegalBasis:
    """A supervisor's record of a legal basis to process/share without consent (UU 27/2022 Ps. 20(2))."""
    _check(actor, permissions.can_record_legal_basis(actor))
    _require_full(actor, child)
    _active_child(child)
    if not justification.strip():
        raise ApplicationError(
            _("Explain why this legal basis applies."),
            extra={"fields": {"justification": [_("Required.")]}},
        )
    lb = LegalBasis(
        child=child,
        purpose=purpose,
        basis=basis,
        justification=justification.strip(),
        recorded_by=actor,
    )
    _full_clean(lb)
    lb.save()
    orgs = list(organizations or [])
    lb.organizations.set(orgs)
    audit_log(
        actor=actor,
        action="children.legal_basis.recorded",
        target=child,
        data={
            "legal_basis": str(lb.pk),
            "purpose": purpose,
            "basis": basis,
            "organizations": [str(o.pk) for o in orgs],
        },
    )
    return lb


@transaction.atomic
def legal_basis_revoke(*, actor: User, legal_basis: LegalBasis) -> LegalBasis:
    _check(actor, permissions.can_record_legal_basis(actor))
    if legal_basis.revoked_at is None:
        legal_basis.revoked_at = timezone.now()
        legal_basis.save(update_fields=["revoked_at", "updated_at"])
        audit_log(
            actor=actor,
            action="children.legal_basis.revoked",
            target=legal_basis.child,
            data={"legal_basis": str(legal_basis.pk)},
        )
        if legal_basis.purpose == Consent.Purpose.SHARING:
            _sharing_withdrawn(legal_basis.child, actor)
    return legal_basis


sharing_allowed = selectors.sharing_allowed


def require_sharing_allowed(child: Child, organization: Organization) -> None:
    """Call before assigning/referring an organisation to a child's case: refuse sharing that
    needs consent when there is neither consent nor a legal basis."""
    if organization.org_type in GOVERNMENT_SOCIAL_TYPES:
        return  # Dinas Sosial / Suku Dinas process the record under their public task
    if not selectors.sharing_allowed(child, organization):
        raise ApplicationError(
            _(
                "%(org)s may not receive this child's data: there is no consent to share with it, and no "
                "legal basis recorded by a supervisor. Record the consent (or the legal basis) first."
            )
            % {"org": organization.name},
            extra={"code": "consent_required"},
        )


# --- documents --------------------------------------------------------------------------------
def _sniff(file: UploadedFile) -> str | None:
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    for content_type, magic in DOCUMENT_TYPES.items():
        if head.startswith(magic):
            return content_type
    return None


@transaction.atomic
def document_upload(
    *, actor: User, child: Child, kind: str, file: UploadedFile, description: str = ""
) -> ChildDocument:
    """A protected attachment (stored under MEDIA_ROOT/protected, served only by a checked view)."""
    _require_full(actor, child)
    _active_child(child)
    if file.size is None or file.size > DOCUMENT_MAX_BYTES:
        raise ApplicationError(
            _("The file is too large: at most 5 MB."),
            extra={"fields": {"file": [_("At most 5 MB.")]}},
        )
    content_type = _sniff(file)
    if content_type is None:
        raise ApplicationError(
            _("Only JPG, PNG and PDF files can be uploaded."),
            extra={"fields": {"file": [_("Use a JPG, PNG or PDF file.")]}},
        )
    doc = ChildDocument(
        child=child,
        kind=kind,
        original_name=(file.name or "file")[-255:],
        content_type=content_type,
        size=file.size,
        description=str(description)[:255],
        uploaded_by=actor,
    )
    _full_clean(doc, exclude=["file"])
    doc.file.save(str(doc.pk), file, save=False)
    doc.save()
    audit_log(
        actor=actor,
        action="children.document.uploaded",
        target=child,
        data={
            "document": str(doc.pk),
            "kind": kind,
            "size": doc.size,
            "content_type": content_type,
        },
    )
    return doc


@transaction.atomic
def document_delete(*, actor: User, document: ChildDocument) -> None:
    child = document.child
    _require_edit(actor, child)
    data = {
        "document": str(document.pk),
        "kind": document.kind,
        "original_name": document.original_name,
    }
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name) if name else None)
    audit_log(actor=actor, action="children.document.deleted", target=child, data=data)


# --- classification ---------------------------------------------------------------------------
@transaction.atomic
def child_classify(
    *,
    actor: User,
    child: Child,
    category: Category,
    subtype: CategorySubtype | None = None,
    is_primary: bool = False,
    age_rule_override_reason: str = "",
) -> ChildCategory:
    """Classify the child. A category (or subtype) whose age rule the child does not meet is
    refused unless an override reason is given; it is then recorded and flagged."""
    _require_edit(actor, child)
    _active_child(child)
    if subtype is not None and subtype.category_id != category.pk:
        raise ApplicationError(_("This subtype belongs to another category."))
    age = child.age
    fits = category.age_fits(age)
    if fits and subtype is not None:
        fits = subtype.age_fits(age)
    reason = age_rule_override_reason.strip()
    if fits is False and not reason:
        label = str(subtype or category)
        raise ApplicationError(
            _(
                "%(category)s does not fit the child's age (%(age)s years): %(rule)s. Give a reason to classify anyway."
            )
            % {
                "category": label,
                "age": age,
                "rule": category.age_rule_note or _("age rule not met"),
            },
            extra={
                "fields": {
                    "age_rule_override_reason": [_("Required when the age rule is not met.")]
                },
                "code": "age_rule",
            },
        )
    if child.classifications.filter(category=category, ended_at__isnull=True).exists():
        raise ApplicationError(_("The child is already in this category."))
    if is_primary:
        child.classifications.filter(is_primary=True, ended_at__isnull=True).update(
            is_primary=False
        )
    cc = ChildCategory(
        child=child,
        category=category,
        subtype=subtype,
        is_primary=is_primary,
        age_rule_override_reason=reason if fits is False else "",
        recorded_by=actor,
    )
    _full_clean(cc)
    cc.save()
    audit_log(
        actor=actor,
        action="children.child.classified",
        target=child,
        data={
            "category": f"{category.scheme}:{category.code}",
            "subtype": subtype.code if subtype else "",
            "is_primary": is_primary,
            "age": age,
            "age_estimated": child.age_is_estimated,
            "age_rule_override": cc.age_rule_override_reason,
        },
    )
    return cc


@transaction.atomic
def child_unclassify(*, actor: User, classification: ChildCategory) -> ChildCategory:
    _require_edit(actor, classification.child)
    if classification.ended_at is None:
        classification.ended_at = timezone.now()
        classification.is_primary = False
        classification.save(update_fields=["ended_at", "is_primary", "updated_at"])
        audit_log(
            actor=actor,
            action="children.child.unclassified",
            target=classification.child,
            data={"category": f"{classification.category.scheme}:{classification.category.code}"},
        )
    return classification


# --- merge ------------------------------------------------------------------------------------
FILL_FIELDS = (
    "birth_date",
    "nik",
    "no_kk",
    "birth_certificate_number",
    "mother_name",
    "current_kelurahan",
    "current_address",
    "current_spot",
    "origin_region_code",
    "origin_region_name",
    "school_name",
    "functional_needs",
    "disability_types",
    "has_disability",
)
FILL_IF_UNKNOWN = {
    "birth_certificate_status": "unknown",
    "religion": "unknown",
    "school_status": "unknown",
}
NOT_MOVED = {("children.childmerge", "survivor"), ("children.childmerge", "merged")}


def _child_fks() -> list[models.ForeignKey]:
    """Every FK (or one-to-one) to Child in the project, including ``related_name="+"`` ones and
    auto-created M2M through tables, so future apps are covered without changes here."""
    out: list[models.ForeignKey] = []
    for model in apps.get_models(include_auto_created=True):
        for f in model._meta.get_fields():
            points_to_child = (
                getattr(f, "concrete", False)
                and f.is_relation
                and (f.many_to_one or f.one_to_one)
                and f.related_model is Child
            )
            if (
                points_to_child
                and (model._meta.label_lower, f.name) not in NOT_MOVED
                and model is not Child.conditions.through
            ):
                out.append(f)  # type: ignore[arg-type]  # many_to_one/one_to_one concrete: a FK
    return out


def _key(f: models.Field) -> str:
    return f"{f.model._meta.label_lower}.{f.name}"


def _empty(value: Any) -> bool:
    return value in (None, "", [], False)


def _jsonable(v: Any) -> Any:
    import uuid

    if isinstance(v, dt.date | dt.datetime):
        return v.isoformat()
    if isinstance(v, models.Model):
        return str(v.pk)
    if isinstance(v, uuid.UUID):
        return str(v)
    return v


@transaction.atomic
def child_merge(
    *, actor: User, survivor: Child, merged: Child, reason: str, confirm_twins: bool = False
) -> ChildMerge:
    """Merge ``merged`` into ``survivor``. Every row pointing at ``merged`` is re-pointed and
    recorded in ``ChildMerge.moved``; nothing is deleted; ``child_merge_undo`` reverses it.

    Two records the matcher reads as possibly twins (the same mother and date of birth,
    clearly different given names) are merged only with ``confirm_twins=True``: the
    supervisor has checked that they are one child. Without it nothing changes."""
    _check(actor, permissions.can_merge_children(actor))
    survivor = Child.objects.select_for_update().get(pk=survivor.pk)
    merged = Child.objects.select_for_update().get(pk=merged.pk)
    if survivor.pk == merged.pk:
        raise ApplicationError(_("Choose two different records."))
    if survivor.merged_into_id or merged.merged_into_id:
        raise ApplicationError(_("One of these records was already merged into another record."))
    for c in (survivor, merged):
        _require_full(actor, c)
    if not reason.strip():
        raise ApplicationError(
            _("Give the reason of the merge."), extra={"fields": {"reason": [_("Required.")]}}
        )
    twins = selectors.pair_possibly_twins(survivor, merged)
    if twins and not confirm_twins:
        raise ApplicationError(
            _(
                "These records have the same mother and date of birth but different given "
                "names: they may be twins. Merge them only after checking that they are one "
                "child, and confirm it."
            ),
            extra={
                "code": "possibly_twins",
                "fields": {"confirm_twins": [_("Confirm that these records are one child.")]},
            },
        )

    merged_snapshot = {
        f.attname: _jsonable(getattr(merged, f.attname)) for f in Child._meta.concrete_fields
    }
    merged_snapshot["conditions"] = sorted(
        str(pk) for pk in merged.conditions.values_list("pk", flat=True)
    )
    merged_snapshot["aliases"] = [
        {"id": str(a.pk), "name": a.name, "kind": a.kind} for a in merged.aliases.all()
    ]

    survivor_tokens = _frequency_tokens(survivor)
    moved: dict[str, list[str]] = {}
    changes: dict[str, Any] = {"fields": {}}
    # Classifications: both histories kept; a duplicate active category on the merged side is
    # ended (and not primary) so the survivor keeps one active row per category.
    survivor_cats = set(
        survivor.classifications.filter(ended_at__isnull=True).values_list("category_id", flat=True)
    )
    survivor_has_primary = survivor.classifications.filter(
        ended_at__isnull=True, is_primary=True
    ).exists()
    ended, unprimaried = [], []
    now = timezone.now()
    for cc in merged.classifications.filter(ended_at__isnull=True):
        if cc.category_id in survivor_cats:
            ended.append(str(cc.pk))
            if cc.is_primary:
                unprimaried.append(str(cc.pk))
            ChildCategory.objects.filter(pk=cc.pk).update(ended_at=now, is_primary=False)
        elif cc.is_primary and survivor_has_primary:
            unprimaried.append(str(cc.pk))
            ChildCategory.objects.filter(pk=cc.pk).update(is_primary=False)
    changes["ended_classifications"] = ended
    changes["unprimaried_classifications"] = unprimaried
    # Duplicate candidates naming this very pair: closed as merged, not moved.
    pair = DuplicateCandidate.objects.filter(
        Q(child_a=survivor, child_b=merged) | Q(child_a=merged, child_b=survivor)
    )
    changes["closed_candidates"] = {str(c.pk): c.status for c in pair}
    pair.update(status=DuplicateCandidate.Status.MERGED, reviewed_by=actor)
    pair_ids = list(pair.values_list("pk", flat=True))

    for f in _child_fks():
        model = f.model
        qs = model._base_manager.filter(**{f.name: merged})
        if model is DuplicateCandidate:
            qs = qs.exclude(pk__in=pair_ids)
        ids = list(qs.values_list("pk", flat=True))
        if not ids:
            continue
        if model is DuplicateCandidate:
            # A pair that would duplicate an existing survivor pair stays where it is (traceable
            # through merged_into); the rest move.
            keep = []
            for cand in model._base_manager.filter(pk__in=ids):
                other = cand.child_b_id if f.name == "child_a" else cand.child_a_id
                if (
                    other == survivor.pk
                    or model._base_manager.filter(
                        Q(child_a=survivor, child_b_id=other)
                        | Q(child_a_id=other, child_b=survivor)
                    ).exists()
                ):
                    keep.append(cand.pk)
            ids = [i for i in ids if i not in keep]
            if not ids:
                continue
        model._base_manager.filter(pk__in=ids).update(**{f.name: survivor})
        moved[_key(f)] = [str(i) for i in ids]

    # Conditions (a forward M2M): the survivor gains the merged record's conditions.
    added_conditions = set(merged.conditions.values_list("pk", flat=True)) - set(
        survivor.conditions.values_list("pk", flat=True)
    )
    survivor.conditions.add(*added_conditions)  # type: ignore[arg-type]  # pks are accepted
    changes["added_conditions"] = sorted(str(pk) for pk in added_conditions)

    # Fill the survivor's empty fields from the merged record.
    for name in (*FILL_FIELDS, *FILL_IF_UNKNOWN):
        attname = Child._meta.get_field(name).attname  # type: ignore[union-attr]  # concrete fields
        cur, new = getattr(survivor, attname), getattr(merged, attname)
        empty = cur == FILL_IF_UNKNOWN[name] if name in FILL_IF_UNKNOWN else _empty(cur)
        new_empty = new == FILL_IF_UNKNOWN[name] if name in FILL_IF_UNKNOWN else _empty(new)
        if empty and not new_empty:
            changes["fields"][attname] = {"before": _jsonable(cur), "after": _jsonable(new)}
            setattr(survivor, attname, new)
    if "birth_date" in changes["fields"]:
        for name in (
            "estimated_age",
            "age_estimated_on",
            "age_estimate_reason",
            "age_estimate_note",
        ):
            changes["fields"][name] = {"before": _jsonable(getattr(survivor, name)), "after": None}
        survivor.estimated_age, survivor.age_estimated_on = None, None
        survivor.age_estimate_reason, survivor.age_estimate_note = "", ""
    if "current_kelurahan_id" in changes["fields"]:
        changes["fields"]["current_kota_code"] = {
            "before": survivor.current_kota_code,
            "after": merged.current_kota_code,
        }
        survivor.current_kota_code = merged.current_kota_code
    changes["identity_warnings_before"] = survivor.identity_warnings
    by = survivor.birth_date.year if survivor.birth_date else None
    if (
        survivor.birth_date is None
        and survivor.estimated_age is not None
        and survivor.age_estimated_on
    ):
        by = survivor.age_estimated_on.year - survivor.estimated_age
    survivor.identity_warnings = nik_warnings(
        survivor.nik,
        sex=survivor.sex,
        birth_date=survivor.birth_date,
        birth_year=by if survivor.birth_date is None else None,
    )

    # The merged record's name becomes an alias of the survivor (unless it already is one).
    def _plain(name: str) -> str:
        return " ".join(name.lower().split())

    known = {_plain(survivor.full_name)} | {_plain(a.name) for a in survivor.aliases.all()}
    changes["added_alias"] = None
    if _plain(merged.full_name) not in known:
        alias = ChildAlias.objects.create(
            child=survivor, name=merged.full_name, kind=ChildAlias.Kind.PREVIOUS
        )
        changes["added_alias"] = str(alias.pk)
    _apply_keys(survivor)
    _full_clean(survivor)
    survivor.save()

    merged.merged_into = survivor
    merged.save(update_fields=["merged_into", "updated_at"])
    _token_delta(_frequency_tokens(merged), -1)
    _token_change(survivor_tokens, _frequency_tokens(survivor))

    merge = ChildMerge.objects.create(
        survivor=survivor,
        merged=merged,
        merged_snapshot=merged_snapshot,
        survivor_changes=changes,
        moved=moved,
        reason=reason.strip()[:255],
        merged_by=actor,
    )
    audit_log(
        actor=actor,
        action="children.child.merged",
        target=survivor,
        data={
            "merge": str(merge.pk),
            "merged": str(merged.pk),
            "merged_registration_number": merged.registration_number,
            "moved": {k: len(v) for k, v in moved.items()},
            "reason": merge.reason,
            "filled_fields": sorted(changes["fields"]),
            "possibly_twins": twins,
            "twins_confirmed": twins and confirm_twins,
        },
    )
    return merge


@transaction.atomic
def child_merge_undo(*, actor: User, merge: ChildMerge) -> ChildMerge:
    """Move exactly the recorded rows back, restore the survivor's fields, remove the added alias."""
    _check(actor, permissions.can_merge_children(actor))
    merge = ChildMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise ApplicationError(_("This merge was already undone."))
    survivor = Child.objects.select_for_update().get(pk=merge.survivor_id)
    merged = Child.objects.select_for_update().get(pk=merge.merged_id)
    if survivor.merged_into_id:
        raise ApplicationError(
            _("The surviving record was merged again later; undo that merge first.")
        )
    survivor_tokens = _frequency_tokens(survivor)
    fks = {_key(f): f for f in _child_fks()}
    for key, ids in merge.moved.items():
        f = fks.get(key)
        if f is None:
            logger.warning(
                "Merge %s: relation %s no longer exists; rows %s not moved back.",
                merge.pk,
                key,
                ids,
            )
            continue
        f.model._base_manager.filter(pk__in=ids, **{f.name: survivor}).update(**{f.name: merged})
    changes = merge.survivor_changes or {}
    ChildCategory.objects.filter(pk__in=changes.get("ended_classifications", [])).update(
        ended_at=None
    )
    ChildCategory.objects.filter(pk__in=changes.get("unprimaried_classifications", [])).update(
        is_primary=True
    )
    for pk, status in (changes.get("closed_candidates") or {}).items():
        DuplicateCandidate.objects.filter(pk=pk).update(status=status)
    if changes.get("added_conditions"):
        survivor.conditions.remove(*Condition.objects.filter(pk__in=changes["added_conditions"]))
    if changes.get("added_alias"):
        ChildAlias.objects.filter(pk=changes["added_alias"], child=survivor).delete()
    for attname, change in (changes.get("fields") or {}).items():
        field = Child._meta.get_field(
            attname.removesuffix("_id") if attname.endswith("_id") else attname
        )
        value = change["before"]
        if value is not None and isinstance(field, models.DateField):
            value = dt.date.fromisoformat(value)
        setattr(survivor, attname, value)
    if "identity_warnings_before" in changes:
        survivor.identity_warnings = changes["identity_warnings_before"]
    _apply_keys(survivor)
    _full_clean(survivor)
    survivor.save()
    merged.merged_into = None
    merged.save(update_fields=["merged_into", "updated_at"])
    _token_delta(_frequency_tokens(merged), +1)
    _token_change(survivor_tokens, _frequency_tokens(survivor))
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.save(update_fields=["undone_at", "undone_by", "updated_at"])
    audit_log(
        actor=actor,
        action="children.child.merge_undone",
        target=survivor,
        data={"merge": str(merge.pk), "merged": str(merged.pk)},
    )
    return merge


# --- the matcher's index ---------------------------------------------------------------------
def match_index_rebuild(*, batch_size: int = 2000, progress: Any = None) -> dict[str, int]:
    """Recompute every active child's blocking keys and search name, and the NameToken counts,
    from the records themselves. Run after the matcher's key format changes or after rows were
    written without the services (``manage.py rebuild_match_index``). Idempotent."""
    from collections import Counter

    counts: Counter[str] = Counter()
    base = Child.objects.active().order_by("pk")
    total = base.count()
    done = changed = 0
    columns = ["search_name", *matching.BLOCKING_COLUMNS]
    last = None
    while True:
        qs = base if last is None else base.filter(pk__gt=last)
        batch = list(
            qs.select_related("current_kelurahan").prefetch_related("aliases")[:batch_size]
        )
        if not batch:
            break
        dirty = []
        for child in batch:
            before = [getattr(child, c) for c in columns]
            _apply_keys(child)
            if [getattr(child, c) for c in columns] != before:
                dirty.append(child)
            counts.update(_frequency_tokens(child))
        with transaction.atomic():
            Child.objects.bulk_update(dirty, columns, batch_size=500)
        changed += len(dirty)
        done += len(batch)
        last = batch[-1].pk
        if progress:
            progress(done, total)
    with transaction.atomic():
        existing = dict(NameToken.objects.values_list("token", "pk"))
        stale = [pk for t, pk in existing.items() if t not in counts]
        for i in range(0, len(stale), 500):
            NameToken.objects.filter(pk__in=stale[i : i + 500]).delete()
        NameToken.objects.bulk_update(
            [
                NameToken(pk=existing[t], token=t, count=n)
                for t, n in counts.items()
                if t in existing
            ],
            ["count"],
            batch_size=1000,
        )
        NameToken.objects.bulk_create(
            [NameToken(token=t, count=n) for t, n in counts.items() if t not in existing],
            batch_size=1000,
        )
    selectors.DbTokenStats.forget_size()
    result = {"children": done, "keys_changed": changed, "tokens": len(counts)}
    audit_log(actor=None, action="children.match_index.rebuilt", data=result)
    return result


# --- registry-wide duplicate scan -------------------------------------------------------------
@transaction.atomic
def duplicate_scan_start(*, actor: User) -> DuplicateScan:
    _check(actor, permissions.can_merge_children(actor))
    if DuplicateScan.objects.filter(
        status__in=[DuplicateScan.Status.QUEUED, DuplicateScan.Status.RUNNING]
    ).exists():
        raise ApplicationError(_("A duplicate scan is already running. Wait for it to finish."))
    scan = DuplicateScan.objects.create(started_by=actor)
    audit_log(actor=actor, action="children.duplicate_scan.started", target=scan)

    enqueue_on_commit("simpul.children.tasks.run_duplicate_scan", str(scan.pk))
    return scan


def duplicate_scan_run(*, scan: DuplicateScan) -> DuplicateScan:
    """Scan every active child for probable duplicates with :mod:`simpul.matching.scanning`:
    every pair that a duplicate check from either child would fetch, scored once (the same
    ``compare`` as the check, so the same score and reasons). Children are streamed from the
    database in id order; candidate pairs (likely/possible, at most 50 per child) are stored
    as the scan advances, with progress. Reviewed pairs keep their status."""
    from uuid import UUID

    from simpul.children.identity import record_from_values
    from simpul.matching import DuplicateScanner

    if scan.status not in (DuplicateScan.Status.QUEUED, DuplicateScan.Status.RUNNING):
        return scan
    base = Child.objects.active().order_by("pk")
    scan.status = DuplicateScan.Status.RUNNING
    scan.started_at = timezone.now()
    scan.total = base.count()
    scan.processed = 0
    scan.save(update_fields=["status", "started_at", "total", "processed", "updated_at"])
    found = 0
    try:
        # Token frequencies as a check sees them (selectors.DbTokenStats), read once.
        stats = matching.InMemoryTokenStats(
            dict(NameToken.objects.values_list("token", "count")), scan.total
        )
        aliases: dict[Any, list[str]] = {}
        alias_rows = ChildAlias.objects.filter(child__merged_into__isnull=True).order_by(
            "child_id", "created_at"
        )
        for child_id, name in alias_rows.values_list("child_id", "name").iterator(chunk_size=2000):
            aliases.setdefault(child_id, []).append(name)
        fields = (
            "full_name",
            "sex",
            "birth_date",
            "estimated_age",
            "age_estimated_on",
            "nik",
            "mother_name",
            "current_kelurahan",
            "origin_region_code",
        )
        scanner = DuplicateScanner(stats)
        rows = base.values_list(
            "pk", *fields[:7], "current_kelurahan__code", fields[8], *matching.BLOCKING_COLUMNS
        )
        for row in rows.iterator(chunk_size=2000):
            record = record_from_values(
                dict(zip(fields, row[1:10], strict=True)),
                aliases=tuple(aliases.get(row[0], ())),
                record_id=str(row[0]),
            )
            scanner.add(record, dict(zip(matching.BLOCKING_COLUMNS, row[10:], strict=True)))
        del aliases
        scan.total = len(scanner)
        scanner.prepare()
        records = scanner.records
        for start in range(0, len(scanner), SCAN_BATCH):
            by_pair: dict[tuple[str, str], matching.MatchResult] = {}
            per_child: dict[int, list[Any]] = {}
            for hit in scanner.scan(start, start + SCAN_BATCH):
                if hit.result.level != "unlikely":
                    per_child.setdefault(hit.i, []).append(hit)
            for i, hits in per_child.items():
                hits.sort(key=lambda h: (-h.result.score, records[h.j].id))
                for hit in hits[:50]:
                    a, b = sorted((records[i].id, records[hit.j].id))
                    by_pair[(a, b)] = hit.result
            with transaction.atomic():
                existing: dict[tuple[str, str], tuple[Any, str]] = {}
                firsts = sorted({UUID(a) for a, _b in by_pair})
                for k in range(0, len(firsts), 500):
                    for pk, a, b, status in DuplicateCandidate.objects.filter(
                        child_a_id__in=firsts[k : k + 500]
                    ).values_list("pk", "child_a_id", "child_b_id", "status"):
                        if (str(a), str(b)) in by_pair:
                            existing[(str(a), str(b))] = (pk, status)
                new, changed = [], []
                for (a, b), result in by_pair.items():
                    values = {
                        "scan": scan,
                        "score": result.score,
                        "level": result.level,
                        "reasons": selectors.reasons_as_dicts(result),
                    }
                    if (a, b) not in existing:
                        new.append(
                            DuplicateCandidate(child_a_id=UUID(a), child_b_id=UUID(b), **values)
                        )
                    elif existing[(a, b)][1] == DuplicateCandidate.Status.OPEN:
                        changed.append(DuplicateCandidate(pk=existing[(a, b)][0], **values))
                DuplicateCandidate.objects.bulk_create(new, batch_size=500)
                DuplicateCandidate.objects.bulk_update(
                    changed, ["scan", "score", "level", "reasons"], batch_size=500
                )
                found += len(by_pair)
                scan.processed = min(start + SCAN_BATCH, len(scanner))
                scan.pairs_found = found
                scan.save(update_fields=["total", "processed", "pairs_found", "updated_at"])
        scan.status = DuplicateScan.Status.DONE
    except Exception as exc:  # recorded for the page; the worker logs the traceback
        logger.exception("Duplicate scan %s failed", scan.pk)
        scan.status = DuplicateScan.Status.FAILED
        scan.error = str(exc)[:2000]
    scan.finished_at = timezone.now()
    scan.save(update_fields=["status", "finished_at", "error", "updated_at"])
    return scan


SCAN_STUCK_AFTER = dt.timedelta(hours=6)


def duplicate_scans_expire(*, now: dt.datetime | None = None) -> int:
    """Daily housekeeping: a scan without progress for SCAN_STUCK_AFTER (its worker stopped) is
    marked failed, so a new one can be started; the pairs it found stay for review."""
    now = now or timezone.now()
    stuck = list(
        DuplicateScan.objects.filter(
            status__in=[DuplicateScan.Status.QUEUED, DuplicateScan.Status.RUNNING],
            updated_at__lt=now - SCAN_STUCK_AFTER,
        )
    )
    for scan in stuck:
        scan.status = DuplicateScan.Status.FAILED
        scan.finished_at = now
        scan.error = str(
            _("The scan stopped (the background worker was interrupted). Start it again.")
        )
        scan.save(update_fields=["status", "finished_at", "error", "updated_at"])
        audit_log(
            actor=None,
            action="children.duplicate_scan.expired",
            target=scan,
            data={"processed": scan.processed, "total": scan.total},
        )
    return len(stuck)


@transaction.atomic
def duplicate_candidate_dismiss(
    *, actor: User, candidate: DuplicateCandidate
) -> DuplicateCandidate:
    """ "Not the same child": recorded, and the pair is not proposed again."""
    _check(actor, permissions.can_merge_children(actor))
    candidate.status = DuplicateCandidate.Status.NOT_DUPLICATE
    candidate.reviewed_by = actor
    candidate.save(update_fields=["status", "reviewed_by", "updated_at"])
    audit_log(
        actor=actor,
        action="children.duplicate.dismissed",
        target=candidate.child_a,
        data={
            "candidate": str(candidate.pk),
            "child_a": str(candidate.child_a_id),
            "child_b": str(candidate.child_b_id),
        },
    )
    return candidate
