"""The notifications the agreements app sends."""

from django.utils.translation import gettext_lazy as _

from simpul.notifications.kinds import notification_kind

notification_kind("agreements.expiring", _("Agreements about to expire"))
