"""The unread count in the navigation (its own context processor: accounts, which holds the
navigation's, sits below notifications in the import layers and may not read them)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from simpul.notifications.selectors import unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"notifications_unread": 0}
    return {"notifications_unread": unread_count(user=user)}
