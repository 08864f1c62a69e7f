"""The notifications app's card on the home page (see simpul.core.home, docs/home.md): the
signed-in person's unread notifications (their own only, nothing about anyone else)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from simpul.core import home
from simpul.core.home import CardData, HomeItem
from simpul.notifications import selectors

if TYPE_CHECKING:
    from simpul.accounts.models import User


@home.register
class NotificationsCard(home.HomeCard):
    key = "notifications.unread"
    title = _("Notifications")
    order = 90

    def applies_to(self, user: User) -> bool:
        # Members of an organisation (one without membership is told to ask for an invitation).
        return bool(user.is_authenticated and user.roles())

    def build(self, user: User, *, now: dt.datetime) -> CardData:
        unread = selectors.inbox(user=user).filter(read_at__isnull=True)
        inbox_url = reverse("notifications:inbox")
        return CardData(
            count=unread.count(),
            items=[
                HomeItem(
                    label=n.subject,
                    url=n.url or inbox_url,
                    detail=n.body[:120],
                    since=n.created_at,
                )
                for n in unread.only("subject", "url", "body", "created_at")[: self.limit]
            ],
            see_all_url=inbox_url,
            empty_text=str(_("No unread notifications.")),
        )
