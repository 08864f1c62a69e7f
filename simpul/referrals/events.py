"""What the referrals app's audit codes mean (see simpul.core.events and docs/events.md).
Sentences read well with "… by <officer>" appended; none names the child."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from simpul.core import events
from simpul.referrals.models import ReferralStatus


def _status(event: events.Event) -> dict[str, Any]:
    return {
        "before": events.label_of(ReferralStatus, event.before("status")),
        "after": events.label_of(ReferralStatus, event.after("status")),
    }


def _note(event: events.Event) -> str:
    parts = [events.default_note(event)]
    if event.data.get("external_actor"):
        parts.append(
            str(_("Through the link sent to %(address)s"))
            % {"address": event.data["external_actor"]}
        )
    return " · ".join(p for p in parts if p)


register = events.register

register("referrals.referral.created", _("Referral to %(organization)s made"))
for code in (
    "submit",
    "receive",
    "accept",
    "reject",
    "start",
    "hold",
    "resume",
    "complete",
    "fail",
    "cancel",
    "enter_in_error",
):
    register(
        f"referrals.referral.{code}",
        _("Referral to %(organization)s: %(before)s → %(after)s"),
        values=_status,
        note=_note,
    )
register("referrals.referral.claimed", _("Referral to %(organization)s claimed"))
register("referrals.referral.reassigned", _("Referral to %(organization)s reassigned"))
register(
    "referrals.referral.link_sent",
    _("Referral link for %(organization)s sent by e-mail"),
    note=_note,
)
register(
    "referrals.referral.link_opened",
    _("Referral link for %(organization)s opened"),
    note=_note,
)
