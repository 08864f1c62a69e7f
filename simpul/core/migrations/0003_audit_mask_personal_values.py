"""Rewrite audit rows written before personal records were named by number (finding 2): a
child's records are named by the registration number, and the values of a child's or its
family's identity fields are masked in ``changes`` and ``data``. The key set is frozen here (the
code's set in simpul.core.audit may grow; this migration keeps doing what it did)."""

from __future__ import annotations

import re
from typing import Any

from django.db import migrations

MASK = "•••"
PERSONAL_APPS = ("children", "cases")
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
NUMBER_IN_PARENS = re.compile(r"\(([A-Z0-9][A-Z0-9./-]+)\)$")
LABEL_WITH_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9./-]+ · ")


def _empty(value: Any) -> bool:
    return value in (None, "") or value == [] or value == {}


def _mask(value: Any) -> Any:
    if isinstance(value, list):
        return [_mask(v) for v in value]
    if not isinstance(value, dict):
        return value
    masked: dict[str, Any] = {}
    for key, item in value.items():
        if str(key).lower() not in PERSONAL_KEYS:
            masked[key] = _mask(item)
        elif isinstance(item, dict) and set(item) <= {"before", "after"}:
            masked[key] = {k: v if _empty(v) else MASK for k, v in item.items()}
        else:
            masked[key] = item if _empty(item) else MASK
    return masked


def mask_personal_audit_values(apps: Any, schema_editor: Any) -> None:
    AuditEvent = apps.get_model("core", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    try:
        Child = apps.get_model("children", "Child")
    except LookupError:
        Child = None
    types = {ct.pk: ct for ct in ContentType.objects.filter(app_label__in=PERSONAL_APPS)}
    if not types:
        return
    manager = AuditEvent._base_manager  # the app's manager refuses updates, by design
    rows = manager.filter(target_type_id__in=list(types)).values_list(
        "pk", "target_type_id", "target_id", "target_repr", "changes", "data"
    )
    updates: list[tuple[Any, str, Any, Any]] = []
    for pk, type_id, target_id, target_repr, changes, data in rows.iterator():
        ct = types[type_id]
        label = target_repr
        if ct.app_label == "children" and ct.model == "child":
            number = None
            if Child is not None:
                number = (
                    Child._base_manager.filter(pk=target_id)
                    .values_list("registration_number", flat=True)
                    .first()
                )
            match = NUMBER_IN_PARENS.search(target_repr or "")
            label = number or (match.group(1) if match else f"child {target_id[:8]}")
        elif ct.app_label == "children" and not LABEL_WITH_NUMBER.match(target_repr or ""):
            label = f"{ct.model} {target_id[:8]}"
        new_changes, new_data = _mask(changes or {}), _mask(data or {})
        if (label, new_changes, new_data) != (target_repr, changes, data):
            updates.append((pk, label[:255], new_changes, new_data))
    # Written after reading: SQLite does not like a table changing under an open cursor.
    for pk, label, new_changes, new_data in updates:
        manager.filter(pk=pk).update(target_repr=label, changes=new_changes, data=new_data)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_accesslog"),
        ("children", "0006_children_edit_version"),
    ]

    operations = [
        migrations.RunPython(mask_personal_audit_values, migrations.RunPython.noop, elidable=True),
    ]
