"""DRF permission classes: thin wrappers over the rules in simpul.core.permissions."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from simpul.core import permissions


class CanListDirectory(BasePermission):
    """Deny by default: a signed-in user with no active membership may not list directory data
    (403, like the directory page). Single objects answer 404 through the selectors instead."""

    message = "Akun Anda belum menjadi anggota organisasi mana pun. / Your account is not a member of any organisation."

    def has_permission(self, request: Request, view: Any) -> bool:
        if getattr(view, "action", None) not in (None, "list"):
            return True
        return permissions.can_view_directory(request.user)  # type: ignore[arg-type]
