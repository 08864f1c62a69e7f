from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from simpul.accounts import permissions
from simpul.core import events
from simpul.core.audit import access_log_write, is_personal_model
from simpul.core.models import AccessLog, AuditEvent

if TYPE_CHECKING:
    from simpul.accounts.models import User


def audit_event_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[AuditEvent]:
    if not permissions.can_view_audit(user):
        raise PermissionDenied
    qs = AuditEvent.objects.select_related("actor", "organization", "target_type")
    f = filters or {}
    if f.get("action"):
        qs = qs.filter(action__startswith=f["action"])
    if f.get("actor"):
        qs = qs.filter(actor_email__icontains=f["actor"])
    if f.get("organization"):
        qs = qs.filter(organization_name__icontains=f["organization"])
    if f.get("target"):
        # A record number or id, matched exactly: never a search over names. Rows written before
        # personal records were named by number hold "<name> (<number>)"; the number still finds them.
        value = f["target"].strip()
        qs = qs.filter(
            Q(target_id=value) | Q(target_repr=value) | Q(target_repr__endswith=f"({value})")
        )
    if f.get("date_from"):
        qs = qs.filter(created_at__date__gte=f["date_from"])
    if f.get("date_to"):
        qs = qs.filter(created_at__date__lte=f["date_to"])
    return qs.order_by("-created_at")


def audit_history_read(*, user: User, events: list[AuditEvent]) -> None:
    """Reading the history of a child (the trail filtered to one record) is access to that
    child: one access-log row per child shown, like opening its profile. Browsing the whole
    trail is not (every value of a child there is masked). The only write in selectors."""
    children = {
        (e.target_id, e.target_repr)
        for e in events
        if e.target_type is not None
        and (e.target_type.app_label, e.target_type.model) == ("children", "child")
    }
    for child_id, label in sorted(children):
        access_log_write(
            user=user,
            action=AccessLog.Action.VIEW,
            child_id=child_id,
            target_type=next(e.target_type for e in events if e.target_id == child_id),
            target_id=child_id,
            target_repr=label,
            reason="audit trail",
        )


MASK = "•••"
_LABEL_WITH_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9./-]+ · ")
_NUMBER_IN_PARENS = re.compile(r"\(([A-Z0-9][A-Z0-9./-]+)\)$")


@dataclass(frozen=True)
class AuditRow:
    """An audit event as the audit page shows it: personal records by number, their values
    masked (the system admin who browses the trail may not see any child)."""

    event: AuditEvent
    target: str
    changes: dict[str, dict[str, Any]]
    personal: bool
    sentence: str = ""  # what happened, in the reader's language (simpul.core.events)


def audit_rows(page: list[AuditEvent]) -> list[AuditRow]:
    """The rows of one page of the trail, each with its sentence (names looked up per page)."""
    sentences = events.describe_audit_events(page)
    return [
        dataclasses.replace(audit_row(e), sentence=sentence)
        for e, sentence in zip(page, sentences, strict=True)
    ]


def audit_row(event: AuditEvent) -> AuditRow:
    model = event.target_type.model_class() if event.target_type is not None else None
    personal = is_personal_model(model)
    if not personal:
        return AuditRow(
            event=event, target=event.target_repr, changes=event.changes, personal=False
        )
    target = event.target_repr
    if model is not None and model._meta.label_lower == "children.child":
        match = _NUMBER_IN_PARENS.search(target)
        target = match.group(1) if match else target
        if " " in target:  # an old row naming the child some other way
            target = f"{model._meta.model_name} {event.target_id[:8]}"
    elif model is not None and model._meta.label_lower != "cases.case":
        if not _LABEL_WITH_NUMBER.match(target):  # an old row naming a person
            target = f"{model._meta.model_name} {event.target_id[:8]}"
    changes = {
        key: {
            "before": MASK if change.get("before") not in (None, "", []) else change.get("before"),
            "after": MASK if change.get("after") not in (None, "", []) else change.get("after"),
        }
        for key, change in (event.changes or {}).items()
    }
    return AuditRow(event=event, target=target, changes=changes, personal=True)
