"""What the demo app's audit codes mean (see simpul.core.events and docs/events.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from simpul.core import events

events.register("demo.seeded", _("Demo data seeded"))
