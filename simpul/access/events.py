"""What the access app's audit codes mean (see simpul.core.events and docs/events.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from simpul.core import events

events.register("access.access_log.viewed", _("Access log viewed"))
events.register("access.access_log.exported", _("Access log exported (%(rows)s rows)"))
