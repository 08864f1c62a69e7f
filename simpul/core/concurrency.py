"""Optimistic concurrency: no edit silently overwrites a newer one (issue 7, finding 6).

Every record people edit (child, case, plan, assessment, organisation, service) carries an
``edit_version`` that every save increases. An edit form carries the version it was read at (a
hidden field); the API sends it as an ETag and requires it back in ``If-Match``. The service passes
it to :func:`version_claim`, which bumps the version with ONE conditional UPDATE
(``... SET edit_version = edit_version + 1 WHERE id = %s AND edit_version = %s``). When another
save came first, 0 rows match and :class:`ConcurrentUpdate` is raised with the fields the other
person changed (from the audit trail, which records the version each event produced); the
transaction rolls back and nothing is overwritten. On PostgreSQL the UPDATE holds the row lock
until commit, so of two concurrent saves of the same version exactly one wins.

Writes that do not come from something a user read (workflow transitions, imports, seeding) just
save: :meth:`VersionedModel.save` bumps the version too, so any open edit form becomes stale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import F
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from simpul.core.exceptions import ApplicationError

# The header-less form of an ETag: W/"<version>" (weak: it names a version, not the bytes).
ETAG_FORMAT = 'W/"{}"'


class VersionedModel(models.Model):
    """Abstract: an ``edit_version`` increased by every save (see the module docstring)."""

    edit_version = models.PositiveIntegerField(
        gettext_lazy("edit version"), default=1, editable=False
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding or getattr(self, "_version_claimed", False):
            self._version_claimed = False
            super().save(*args, **kwargs)
            return
        # An internal write: bump in the database (F() so concurrent bumps add up).
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "edit_version"}
        self.edit_version = F("edit_version") + 1  # type: ignore[assignment]
        super().save(*args, **kwargs)
        self.edit_version = (
            type(self)._default_manager.filter(pk=self.pk).values_list("edit_version", flat=True)[0]
        )


class ConcurrentUpdate(ApplicationError):
    """Someone else saved the record after it was read. ``extra`` holds ``current_version`` and
    ``changed_fields`` (model field names changed since the version that was read)."""

    def __init__(self, *, current_version: int, changed_fields: list[str]) -> None:
        super().__init__(
            _(
                "Someone else saved this record after you opened it. Nothing was saved: their "
                "changes are shown below. Check them, then save your changes again."
            ),
            extra={"current_version": current_version, "changed_fields": changed_fields},
        )
        self.current_version = current_version
        self.changed_fields = changed_fields


def parse_version(value: Any) -> int | None:
    """A version from a form field, an ETag or an If-Match header (W/"3", "3", 3); else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    text = str(value).strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"').strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


def etag(instance: VersionedModel) -> str:
    return ETAG_FORMAT.format(instance.edit_version)


def changed_since(instance: models.Model, version: int) -> list[str]:
    """Field names changed by saves after ``version`` (from the audit trail), oldest first."""
    from django.contrib.contenttypes.models import ContentType

    from simpul.core.models import AuditEvent

    events = AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(instance), target_id=str(instance.pk)
    ).order_by("-created_at")[:200]
    names: list[str] = []
    for event in reversed(list(events)):
        produced = parse_version((event.data or {}).get("edit_version"))
        if produced is None or produced <= version:
            continue
        for name in event.changes or {}:
            if name not in names:
                names.append(name)
    return names


def version_claim(instance: VersionedModel, *, expected_version: Any) -> int:
    """Atomically move ``instance`` from ``expected_version`` to the next version, or raise.

    Call it inside the service's transaction BEFORE changing anything; then reload what the edit
    is based on (``instance`` is refreshed here) and save. Raises :class:`ConcurrentUpdate` when
    the record was saved by someone else since ``expected_version`` (nothing has been changed).
    """
    expected = parse_version(expected_version)
    model = type(instance)
    manager = model._default_manager
    if expected is None:
        raise ApplicationError(_("The version of the record you edited is missing."))
    updated = manager.filter(pk=instance.pk, edit_version=expected).update(
        edit_version=F("edit_version") + 1
    )
    if updated == 0:
        current = manager.filter(pk=instance.pk).values_list("edit_version", flat=True).first()
        raise ConcurrentUpdate(
            current_version=current or 0, changed_fields=changed_since(instance, expected)
        )
    instance.refresh_from_db()
    instance._version_claimed = True
    return instance.edit_version


def value_display(instance: models.Model, name: str) -> str:
    """A field's current value as a person reads it (choice labels, names of related records)."""
    try:
        field = instance._meta.get_field(name)
    except Exception:
        # An answer of a structured form (an assessment's ``data``).
        answers = getattr(instance, "data", None)
        value = answers.get(name) if isinstance(answers, dict) else None
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return "—" if value in (None, "") else str(value)
    if field.many_to_many:
        return ", ".join(str(o) for o in getattr(instance, name).all())
    if getattr(field, "choices", None):
        return str(getattr(instance, f"get_{name}_display")())
    value = getattr(instance, name, None)
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.date | dt.datetime):
        return str(formats.date_format(value, "SHORT_DATE_FORMAT"))
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def field_label(instance: models.Model, name: str) -> str:
    try:
        field = instance._meta.get_field(name)
    except Exception:
        return name.replace("_", " ")
    label = getattr(field, "verbose_name", None)
    return str(label) if label else name.replace("_", " ")


def conflict_changes(
    instance: models.Model, names: Iterable[str], *, visible: Iterable[str] | None = None
) -> list[dict[str, str]]:
    """[{field, label, value}] of changed fields the reader may see (``visible``: the fields on
    their form or in their API representation); others are left out (their name too)."""
    allowed = None if visible is None else set(visible)
    return [
        {"field": n, "label": field_label(instance, n), "value": value_display(instance, n)}
        for n in names
        if allowed is None or n in allowed
    ]


# --- edit forms -------------------------------------------------------------------------------
VERSION_FIELD = "edit_version"


def version_field_add(form: Any, instance: VersionedModel) -> None:
    """Give an edit form the hidden version it was read at (required when submitted)."""
    from django import forms

    form.fields[VERSION_FIELD] = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        initial=instance.edit_version,
        error_messages={
            "required": _("The version of the record you edited is missing: reload the page."),
            "invalid": _("The version of the record you edited is missing: reload the page."),
        },
    )


def form_version(form: Any) -> int:
    """The version the form was read at, taken OUT of ``cleaned_data`` (so a form's
    ``service_data()`` called afterwards does not pass it on as a field)."""
    return int(form.cleaned_data.pop(VERSION_FIELD))


def conflict_to_form(form: Any, exc: ConcurrentUpdate, instance: models.Model) -> None:
    """Show the conflict on the form: the message and what the other person changed (only the
    fields on this form, which the user sees anyway). The user's input stays; the hidden version
    becomes the current one, so saving again (after checking) is a deliberate choice."""
    instance.refresh_from_db()
    form.add_error(None, exc.message)
    for change in conflict_changes(instance, exc.changed_fields, visible=form.fields):
        label = form.fields[change["field"]].label or change["label"]
        form.add_error(None, f"{label}: {change['value']}")
    data = form.data.copy()
    data[VERSION_FIELD] = str(exc.current_version)
    form.data = data
