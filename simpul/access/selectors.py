"""Reading the access log: supervisors review who opened which child's record, and why."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from simpul.access.children import children_visible_to
from simpul.accounts import permissions
from simpul.children.models import Child
from simpul.core.models import AccessLog

if TYPE_CHECKING:
    from simpul.accounts.models import User


def access_log_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[AccessLog]:
    """The access-log rows of the children in the supervisor's region scope (a kota supervisor
    sees the reads of the children of that kota; a province supervisor all), newest first."""
    if not permissions.can_supervise_cases(user):
        raise PermissionDenied
    child_ids = [str(pk) for pk in children_visible_to(user).values_list("pk", flat=True)]
    qs = AccessLog.objects.filter(child_id__in=child_ids)
    f = filters or {}
    if f.get("child"):
        number = f["child"].strip()
        pk = Child.objects.filter(registration_number=number).values_list("pk", flat=True).first()
        qs = qs.filter(child_id=str(pk)) if pk else qs.none()
    if f.get("user"):
        qs = qs.filter(user_email__icontains=f["user"])
    if f.get("organization"):
        qs = qs.filter(organization_name__icontains=f["organization"])
    if f.get("action"):
        qs = qs.filter(action=f["action"])
    if f.get("reason"):
        qs = qs.filter(reason__icontains=f["reason"])
    if f.get("date_from"):
        qs = qs.filter(created_at__date__gte=f["date_from"])
    if f.get("date_to"):
        qs = qs.filter(created_at__date__lte=f["date_to"])
    return qs.order_by("-created_at")
