"""The referrals app's cards on the home page (see simpul.core.home, docs/home.md).

- staff of an organisation: open referrals waiting in its queue, with their due dates;
- government case workers: overdue referrals made from their caseload;
- supervisors: overdue referrals on the cases of their region (escalations).

Labels are case numbers (never a child's name); each card runs a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from simpul.access.scope import is_government_case_worker, partner_organization_ids
from simpul.accounts import permissions
from simpul.core import home
from simpul.core.home import CardData, HomeItem
from simpul.referrals import screens


def _items(rows: Any, *, now: dt.datetime, waiting: bool, side: str) -> list[HomeItem]:
    return [
        HomeItem.dated(
            r.case.case_number,
            r.due_of(r.current_step()) if r.current_step() else None,
            now=now,
            waiting=waiting,
            url=reverse("referrals:detail", args=[r.pk]),
            detail=" · ".join(
                str(x)
                for x in (
                    r.service_type or r.get_kind_display(),
                    r.from_organization.name if side == "in" else r.to_organization.name,
                    r.get_status_display(),
                )
            ),
        )
        for r in rows
    ]


@home.register
class IncomingReferralsCard(home.HomeCard):
    key = "referrals.incoming"
    title = _("Referrals to answer")
    order = 25

    def applies_to(self, user: Any) -> bool:
        # The staff of partner organisations (SKPD offices too): referrals come to their queue.
        return bool(partner_organization_ids(user))

    def build(self, user: Any, *, now: dt.datetime) -> CardData:
        waiting = screens.intake_queue(user=user)
        return CardData(
            count=waiting.count(),
            items=_items(waiting[: self.limit], now=now, waiting=True, side="in"),
            see_all_url=reverse("referrals:queue"),
            empty_text=str(_("No referral waits for your organisation.")),
        )


@home.register
class OverdueOutgoingCard(home.HomeCard):
    key = "referrals.overdue_outgoing"
    title = _("Overdue referrals of my cases")
    order = 30

    def applies_to(self, user: Any) -> bool:
        return permissions.can_use_referrals(user) and is_government_case_worker(user)

    def build(self, user: Any, *, now: dt.datetime) -> CardData:
        overdue = (
            screens.outgoing(user=user)
            .filter(Q(case__case_worker=user) | Q(case__team=user))
            .filter(screens.overdue_q(now))
            .distinct()
            .order_by("acknowledge_due", "created_at")
        )
        return CardData(
            count=overdue.count(),
            items=_items(overdue[: self.limit], now=now, waiting=False, side="out"),
            see_all_url=reverse("referrals:outgoing"),
            see_all_count=False,
            empty_text=str(_("No referral of your cases is overdue.")),
        )


@home.register
class EscalationsCard(home.HomeCard):
    key = "referrals.escalations"
    title = _("Escalated referrals")
    order = 20

    def applies_to(self, user: Any) -> bool:
        return permissions.can_supervise_cases(user)

    def build(self, user: Any, *, now: dt.datetime) -> CardData:
        overdue = screens.escalations(user=user, now=now)
        return CardData(
            count=overdue.count(),
            items=_items(overdue[: self.limit], now=now, waiting=True, side="out"),
            see_all_url=reverse("referrals:escalations"),
            empty_text=str(_("No referral in your region is overdue.")),
        )
