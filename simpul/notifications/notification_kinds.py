"""The notifications app's own kinds (other apps declare theirs in their notification_kinds.py)."""

from django.utils.translation import gettext_lazy as _

from simpul.notifications.kinds import notification_kind

GENERAL = notification_kind("notifications.general", _("General announcements"))
