"""What the agreements app's audit codes mean (see simpul.core.events and docs/events.md)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from simpul.core import events


def _end_date(event: events.Event) -> dict[str, Any]:
    return {"end_date": events.date_of(event.data.get("end_date"))}


def _terminated_on(event: events.Event) -> dict[str, Any]:
    return {"terminated_on": events.date_of(event.data.get("terminated_on"))}


def _valid_from(event: events.Event) -> dict[str, Any]:
    return {"valid_from": events.date_of(event.data.get("valid_from"))}


register = events.register

register("agreements.agreement.created", _("Agreement drafted"))
register("agreements.agreement.updated", _("Agreement draft edited"))
register("agreements.agreement.amended", _("Agreement amended (amendment %(amendment)s)"))
register("agreements.agreement.activated", _("Agreement activated"))
register(
    "agreements.agreement.terminated",
    _("Agreement terminated from %(terminated_on)s"),
    values=_terminated_on,
)
register(
    "agreements.agreement.expired", _("Agreement expired (ended %(end_date)s)"), values=_end_date
)
register(
    "agreements.agreement.reminder_sent",
    _("Expiry reminder sent %(days_before)s days before the end"),
)
register("agreements.agreement.document_uploaded", _("Signed agreement document uploaded"))
register("agreements.agreement.document_downloaded", _("Signed agreement document downloaded"))
register("agreements.protocol.created", _("Collaboration protocol created"))
register("agreements.version.drafted", _("Protocol version %(version)s drafted"))
register("agreements.version.updated", _("Protocol draft edited"))
register("agreements.version.participant_added", _("Protocol participant added: %(participant)s"))
register(
    "agreements.version.participant_changed", _("Protocol participant changed: %(participant)s")
)
register(
    "agreements.version.participant_removed", _("Protocol participant removed: %(participant)s")
)
register("agreements.version.discarded", _("Protocol draft version %(number)s discarded"))
register(
    "agreements.version.approved",
    _("Protocol version approved, in force from %(valid_from)s"),
    values=_valid_from,
)
