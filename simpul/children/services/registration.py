"""Registering a child: the duplicate check before saving, one record per person (NIK, parallel registrations)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul import matching
from simpul.access.children import children_visible_to
from simpul.accounts import permissions
from simpul.children import selectors
from simpul.children.identity import clean_identity
from simpul.children.models import (
    Child,
    ChildAlias,
    Guardian,
)
from simpul.children.services._common import (
    GUARDIAN_FIELDS,
    DuplicateSuspected,
    _alias_items,
    _apply_keys,
    _audit_values,
    _check,
    _frequency_tokens,
    _full_clean,
    _next_registration_number,
    _set_conditions,
    _token_delta,
)
from simpul.core.audit import audit_log, diff
from simpul.core.exceptions import ApplicationError
from simpul.core.locks import advisory_xact_lock

if TYPE_CHECKING:
    from simpul.accounts.models import User

logger = logging.getLogger(__name__)


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
