"""What the notifications app's audit codes mean (see simpul.core.events and docs/events.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from simpul.core import events

PREFERENCES_CHANGED = "notifications.preferences.changed"

events.register(PREFERENCES_CHANGED, _("Notification preferences changed"))
