"""Shared by the children services: field lists, permission and validation helpers, the matcher's keys and name-token counts."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _

from simpul import matching
from simpul.access.children import child_access
from simpul.children import selectors
from simpul.children.identity import IDENTITY_FIELDS
from simpul.children.models import (
    Child,
    ChildAlias,
    Condition,
    NameToken,
)
from simpul.core.audit import snapshot
from simpul.core.exceptions import ApplicationError

if TYPE_CHECKING:
    from simpul.accounts.models import User

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


def _require_full(actor: User | None, child: Child) -> None:
    if actor is None:
        return
    access = child_access(actor, child)
    if not access.visible:
        from django.http import Http404

        raise Http404
    if not access.full:
        raise PermissionDenied
