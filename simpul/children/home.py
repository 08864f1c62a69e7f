"""The children app's cards on the home page (see :mod:`simpul.core.home`, ``docs/home.md``).

- supervisors: the possible duplicate pairs to review (both children in their scope), named by
  registration number only;
- those who import children (data operators, case workers, supervisors): their own imports that
  wait for a decision (checked, not yet accepted: cancelled automatically after 7 days) or that
  failed recently.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from simpul.accounts import permissions
from simpul.children import selectors
from simpul.children.models import ChildImport
from simpul.core import home
from simpul.core.home import CardData, HomeItem, HomeLink, Urgency

if TYPE_CHECKING:
    from simpul.accounts.models import User

FAILED_SHOWN_DAYS = 14  # a failed import stays on the home page this long


@home.register
class DuplicatePairsCard(home.HomeCard):
    key = "children.duplicates"
    title = _("Possible duplicates to review")
    order = 45

    def applies_to(self, user: User) -> bool:
        return permissions.can_merge_children(user)

    def build(self, user: User, *, now: dt.datetime) -> CardData:
        pairs = selectors.duplicate_pairs(user=user)
        likely = {"likely": _("Probably the same child"), "possible": _("Possibly the same child")}
        items = [
            HomeItem(
                # Registration numbers only: a pair is reviewed on its own page.
                label=f"{p.child_a.registration_number} ↔ {p.child_b.registration_number}",
                url=reverse("children:duplicate_pair", args=[p.pk]),
                # A pair the matcher reads as possibly twins says so here too, as on the list,
                # the pair page and the merge page (from the stored reasons: no query).
                detail=" · ".join(
                    str(part)
                    for part in (
                        _("Possibly twins") if selectors.possibly_twins(p.reasons or []) else "",
                        likely.get(p.level, p.level),
                    )
                    if part
                ),
                since=p.created_at,
            )
            for p in pairs[: self.limit]
        ]
        return CardData(
            count=pairs.count(),
            items=items,
            see_all_url=reverse("children:duplicates"),
            empty_text=str(_("No pair of records waits for review.")),
        )


@home.register
class ImportsCard(home.HomeCard):
    key = "children.imports"
    title = _("Imports waiting")
    order = 35

    def applies_to(self, user: User) -> bool:
        return permissions.can_import_children(user)

    def build(self, user: User, *, now: dt.datetime) -> CardData:
        from simpul.children.imports import UNDECIDED_KEPT

        S = ChildImport.Status
        recent_failure = Q(
            status=S.FAILED, updated_at__gte=now - dt.timedelta(days=FAILED_SHOWN_DAYS)
        )
        waiting = selectors.child_imports_of(user=user).filter(
            Q(status=S.VALIDATED) | recent_failure
        )
        counts = waiting.aggregate(
            checked=Count("pk", filter=Q(status=S.VALIDATED)),
            failed=Count("pk", filter=Q(status=S.FAILED)),
        )
        items = []
        # A checked file is cancelled UNDECIDED_KEPT after its check: that is its due date.
        # "validated" sorts after "failed": descending puts the checked files (with a due date)
        # first, the oldest first.
        for job in waiting.order_by("-status", "updated_at")[: self.limit]:
            url = reverse("children:import_detail", args=[job.pk])
            if job.status == S.VALIDATED:
                items.append(
                    HomeItem.dated(
                        job.original_name,
                        job.updated_at + UNDECIDED_KEPT,
                        now=now,
                        waiting=True,
                        url=url,
                        detail=str(_("Checked: accept or cancel it")),
                    )
                )
            else:
                items.append(
                    HomeItem(
                        label=job.original_name,
                        url=url,
                        urgency=Urgency.WAITING,
                        detail=str(_("Failed: nothing was saved")),
                        since=job.updated_at,
                    )
                )
        imports = reverse("children:import")
        links = []
        if counts["checked"]:
            links.append(HomeLink(str(_("Checked, waiting for you")), imports, counts["checked"]))
        if counts["failed"]:
            links.append(HomeLink(str(_("Failed")), imports, counts["failed"]))
        return CardData(
            count=counts["checked"] + counts["failed"],
            items=items,
            links=links,
            see_all_url=imports,
            see_all_label=str(_("Your imports")),
            see_all_count=False,  # the import list holds every import, not only those waiting
            empty_text=str(_("No import waits for your decision.")),
        )
