"""Editing a child's identity, observed conditions and other names."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction

from simpul.children.identity import IDENTITY_FIELDS, clean_identity
from simpul.children.models import (
    Child,
    ChildAlias,
    Condition,
)
from simpul.children.services._common import (
    _active_child,
    _apply_keys,
    _audit_values,
    _frequency_tokens,
    _full_clean,
    _refresh_keys,
    _require_edit,
    _set_conditions,
    _token_change,
)
from simpul.children.services.registration import _refuse_taken_nik
from simpul.core.audit import audit_log, diff, snapshot
from simpul.core.concurrency import version_claim
from simpul.core.locks import advisory_xact_lock

if TYPE_CHECKING:
    from simpul.accounts.models import User

logger = logging.getLogger(__name__)


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
