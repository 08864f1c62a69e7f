"""Notification kinds sent by the referrals app (simpul.notifications.kinds)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from simpul.notifications.kinds import notification_kind

notification_kind("referrals.new", _("New referrals to my organisation"))
notification_kind("referrals.status", _("Status changes of referrals"))
notification_kind("referrals.deadline", _("Referral deadline reminders and escalations"))
