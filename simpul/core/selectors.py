from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from simpul.core import permissions
from simpul.core.models import AuditEvent

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
        qs = qs.filter(target_repr__icontains=f["target"])
    if f.get("date_from"):
        qs = qs.filter(created_at__date__gte=f["date_from"])
    if f.get("date_to"):
        qs = qs.filter(created_at__date__lte=f["date_to"])
    return qs.order_by("-created_at")
