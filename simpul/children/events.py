"""What the children app's audit codes mean (see simpul.core.events and docs/events.md).

No sentence names a child: a record is named by its number, never by a name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from simpul.children.models import Category, ChildDocument, Consent, LegalBasis
from simpul.core import events


def category_names(ids: set[str]) -> Mapping[str, str]:
    """``"pmks:anak_jalanan"`` → the category's name in the reader's language."""
    wanted = Q(pk__in=[])
    for value in ids:
        scheme, _sep, code = value.partition(":")
        wanted |= Q(scheme=scheme, code=code)
    return {f"{c.scheme}:{c.code}": c.localized_name for c in Category.objects.filter(wanted)}


events.register_lookup("category", resolve=category_names, key="category")


def _purpose(event: events.Event) -> dict[str, Any]:
    return {"purpose": events.label_of(Consent.Purpose, event.data.get("purpose"))}


def _basis(event: events.Event) -> dict[str, Any]:
    return {
        "purpose": events.label_of(Consent.Purpose, event.data.get("purpose")),
        "basis": events.label_of(LegalBasis.Basis, event.data.get("basis")),
    }


def _document(event: events.Event) -> dict[str, Any]:
    return {"kind": events.label_of(ChildDocument.Kind, event.data.get("kind"))}


register = events.register

register("children.child.registered", _("Child registered as %(registration_number)s"))
register("children.child.updated", _("Child's identity edited"))
register("children.child.conditions_updated", _("Observed conditions updated"))
register("children.alias.added", _("Another name added"))
register("children.alias.removed", _("Another name removed"))
register("children.guardian.saved", _("Parent or guardian saved"))
register("children.guardian.removed", _("Parent or guardian removed"))
register("children.consent.recorded", _("Consent recorded (%(purpose)s)"), values=_purpose)
register("children.consent.withdrawn", _("Consent withdrawn"))
register(
    "children.legal_basis.recorded",
    _("Legal basis recorded for %(purpose)s: %(basis)s"),
    values=_basis,
)
register("children.legal_basis.revoked", _("Legal basis revoked"))
register("children.document.uploaded", _("Document uploaded (%(kind)s)"), values=_document)
register("children.document.deleted", _("Document deleted (%(kind)s)"), values=_document)
register("children.child.classified", _("Category recorded: %(category)s"))
register("children.child.unclassified", _("Category removed: %(category)s"))
register("children.child.merged", _("Record %(merged_registration_number)s merged into this one"))
register(
    "children.child.merge_refused",
    _(
        "Merge of record %(merged_registration_number)s into this one refused: they may be "
        "twins and it was not confirmed"
    ),
)
register("children.child.merge_undone", _("Merge undone"))
register("children.match_index.rebuilt", _("Duplicate-search index rebuilt"))
register("children.duplicate_scan.started", _("Duplicate scan started"))
register(
    "children.duplicate_scan.expired",
    _("Duplicate scan stopped unfinished (%(processed)s of %(total)s records)"),
)
register("children.duplicate.dismissed", _("Possible duplicate pair dismissed: different children"))
register("children.import.uploaded", _("Import file uploaded"))
register("children.import.validated", _("Import checked: %(rows)s rows"))
register("children.import.decided", _("Import decisions saved"))
register(
    "children.import.accepted",
    _("Import accepted: %(to_import)s of %(rows)s rows to register"),
)
register("children.import.completed", _("Import completed: %(created)s children registered"))
register("children.import.cancelled", _("Import cancelled"))
register("children.import.expired", _("Import expired unfinished"))
