"""Writing the audit trail. Services call :func:`audit_log` inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from simpul.core import request_context
from simpul.core.models import AccessLog, AuditEvent

if TYPE_CHECKING:
    from simpul.accounts.models import User
    from simpul.directory.models import Organization

# Keys whose values never reach the trail (pretix-style masking of secrets).
SENSITIVE_KEYS = {"password", "token", "secret", "key", "otp", "nik", "no_kk"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


MASK = "•••"

# Keys whose values identify a child or its family: on a personal record (see
# :func:`is_personal_model`) the trail keeps that the field changed, never its value — the system
# admin who browses the trail may not see any child (finding 2). Settings may add keys.
PERSONAL_KEYS = frozenset(
    {
        "full_name",
        "name",
        "names",
        "alias",
        "aliases",
        "mother_name",
        "father_name",
        "guardian_name",
        "given_by_name",
        "original_name",
        "birth_date",
        "birth_place",
        "birth_certificate_number",
        "current_address",
        "address",
        "current_spot",
        "phone",
        "school_name",
        "religion",
        "disability_types",
        "functional_needs",
        "notes",
        "registration_note",
        "age_estimate_note",
    }
)


def personal_keys() -> frozenset[str]:
    return PERSONAL_KEYS | frozenset(getattr(settings, "SIMPUL_AUDIT_PERSONAL_KEYS", ()))


def _empty(value: Any) -> bool:
    return value in (None, "") or value == [] or value == {}


def _mask(key: str, value: Any) -> Any:
    if any(part in key.lower() for part in SENSITIVE_KEYS) and not _empty(value):
        return MASK
    return value


def mask_personal(value: Any, *, keys: frozenset[str] | None = None) -> Any:
    """``value`` (a ``data`` dict, a ``changes`` dict, or anything nested in them) with the
    value of every personal key replaced by the mask; a change ``{"before", "after"}`` under a
    personal key keeps its shape, so the trail still says what changed."""
    keys = personal_keys() if keys is None else keys
    if isinstance(value, list):
        return [mask_personal(v, keys=keys) for v in value]
    if not isinstance(value, dict):
        return value
    masked: dict[str, Any] = {}
    for key, item in value.items():
        if str(key).lower() not in keys:
            masked[key] = mask_personal(item, keys=keys)
        elif isinstance(item, dict) and set(item) <= {"before", "after"}:
            masked[key] = {k: v if _empty(v) else MASK for k, v in item.items()}
        else:
            masked[key] = item if _empty(item) else MASK
    return masked


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Current values of ``fields`` (FKs as ids), to diff against later."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            values[name] = (
                sorted(str(pk) for pk in getattr(instance, name).values_list("pk", flat=True))
                if instance.pk
                else []
            )
        elif field.is_relation:
            values[name] = getattr(instance, f"{name}_id")
        else:
            values[name] = getattr(instance, name)
    return {k: _jsonable(v) for k, v in values.items()}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        key: {"before": _mask(key, before.get(key)), "after": _mask(key, after.get(key))}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def acting_organization(actor: User | None) -> Organization | None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    membership = actor.primary_membership()
    return membership.organization if membership else None


def _with_version(data: dict[str, Any] | None, target: models.Model | None) -> dict[str, Any]:
    """The version a versioned record reached with this event (simpul.core.concurrency reads it
    to tell an editor what changed since the version they read)."""
    version = getattr(target, "edit_version", None)
    if isinstance(version, int):
        return {**(data or {}), "edit_version": version}
    return data or {}


def audit_target_repr(target: models.Model) -> str:
    """How the trail names a record: a personal record (a child, its family, consents,
    documents, cases) by its number, never by a name (``audit_label()`` on the model)."""
    label = getattr(target, "audit_label", None)
    if callable(label):
        return str(label())[:255]
    if target._meta.app_label == "children":
        # A child's own records (aliases, …) without a label: never their str(), which may name
        # the child. Case records keep theirs for the case timeline; the audit page masks them.
        return f"{target._meta.model_name} {str(target.pk)[:8]}"
    return str(target)[:255]


def personal_apps() -> tuple[str, ...]:
    """Apps whose records are about a child: their audit values are personal data."""
    return tuple(getattr(settings, "SIMPUL_PERSONAL_APPS", ("children", "cases")))


def is_personal_model(model: type[models.Model] | None) -> bool:
    return model is not None and model._meta.app_label in personal_apps()


def audit_log(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, dict[str, Any]] | None = None,
    data: dict[str, Any] | None = None,
    organization: Organization | None = None,
) -> AuditEvent:
    org = organization or acting_organization(actor)
    values = {k: _mask(k, v) for k, v in _jsonable(_with_version(data, target)).items()}
    changes = _jsonable(changes or {})
    # target.__class__, not type(target): a request's user is a SimpleLazyObject.
    if target is not None and is_personal_model(target.__class__):
        values, changes = mask_personal(values), mask_personal(changes)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        actor_email=getattr(actor, "email", "") or "",
        organization=org,
        organization_name=org.name if org else "",
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=audit_target_repr(target) if target is not None else "",
        changes=changes,
        data=values,
        ip_address=request_context.current().ip_address,
    )


def access_log_write(
    *,
    user: User | None,
    action: str,
    child_id: Any = "",
    target: models.Model | None = None,
    target_type: ContentType | None = None,
    target_id: Any = "",
    target_repr: str = "",
    reason: str = "",
) -> AccessLog:
    """Append one access-log row: who read which child's record, through what, and why. The one
    writer of the access log (the profile, cases, restricted openings, the audit trail's history
    of a child). ``target`` is the record read; or give ``target_type`` and ``target_id``."""
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    org = acting_organization(user)
    if target is not None:
        target_type = ContentType.objects.get_for_model(target)
        target_id = target.pk
    return AccessLog.objects.create(
        user=user if signed_in else None,
        user_email=getattr(user, "email", "") or "",
        organization_name=org.name if org else "",
        action=action,
        child_id=str(child_id) if child_id else "",
        target_type=target_type,
        target_id=str(target_id) if target_id else "",
        target_repr=(target_repr or "")[:255],
        reason=(reason or "")[:255],
        ip_address=request_context.current().ip_address,
    )
