"""Merging two records of one child, and undoing a merge."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.accounts import permissions
from simpul.children import selectors
from simpul.children.identity import nik_warnings
from simpul.children.models import (
    Child,
    ChildAlias,
    ChildCategory,
    ChildMerge,
    Condition,
    DuplicateCandidate,
)
from simpul.children.services._common import (
    _apply_keys,
    _check,
    _frequency_tokens,
    _full_clean,
    _require_full,
    _token_change,
    _token_delta,
)
from simpul.core.audit import audit_log
from simpul.core.exceptions import ApplicationError

if TYPE_CHECKING:
    from simpul.accounts.models import User

logger = logging.getLogger(__name__)


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


POSSIBLY_TWINS = "possibly_twins"


def child_merge(
    *, actor: User, survivor: Child, merged: Child, reason: str, confirm_twins: bool = False
) -> ChildMerge:
    """Merge ``merged`` into ``survivor``. Every row pointing at ``merged`` is re-pointed and
    recorded in ``ChildMerge.moved``; nothing is deleted; ``child_merge_undo`` reverses it.

    Two records the matcher reads as possibly twins (the same mother and date of birth,
    clearly different given names) are merged only with ``confirm_twins=True``: the
    supervisor has checked that they are one child. Without it nothing changes, and the
    refusal is audited (``children.child.merge_refused``): the event is written once the
    merge's own transaction has rolled back, so it stays (a caller that wraps this in a
    transaction of its own and rolls that back drops it with the rest)."""
    try:
        return _child_merge(
            actor=actor,
            survivor=survivor,
            merged=merged,
            reason=reason,
            confirm_twins=confirm_twins,
        )
    except ApplicationError as exc:
        if exc.extra.get("code") == POSSIBLY_TWINS:
            audit_log(
                actor=actor,
                action="children.child.merge_refused",
                target=survivor,
                data={
                    "merged": str(merged.pk),
                    "merged_registration_number": merged.registration_number,
                    "reason": reason.strip()[:255],
                    "possibly_twins": True,
                    "twins_confirmed": False,
                },
            )
        raise


@transaction.atomic
def _child_merge(
    *, actor: User, survivor: Child, merged: Child, reason: str, confirm_twins: bool
) -> ChildMerge:
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
                "code": POSSIBLY_TWINS,
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
