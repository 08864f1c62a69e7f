"""The directory's cards on the home page (see :mod:`simpul.core.home`, ``docs/home.md``).

- organisation admins and staff: their organisation's capacity — each service with places,
  its free places and when it was last updated, linked to its capacity page (before, a partner
  found it only through Direktori → own organisation → each service); a service not updated
  for ``CAPACITY_STALE_DAYS`` waits for an update;
- everyone who may use the directory: what is in it, with links (the partners, those with free
  places, the export for those who may export).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from simpul.accounts import permissions
from simpul.accounts.models import Membership, Role
from simpul.core import home
from simpul.core.home import CardData, HomeItem, HomeLink, Urgency
from simpul.directory import selectors
from simpul.directory.models import Organization, ServiceStatus

if TYPE_CHECKING:
    from simpul.accounts.models import User

CAPACITY_STALE_DAYS = 30  # free places older than this are not to be trusted for a referral
CAPACITY_ROLES = (Role.ORG_ADMIN, Role.ORG_STAFF)  # they update capacity (permissions)


def _own_organization_ids(user: User) -> object:
    return Membership.objects.filter(
        user=user, is_active=True, role__in=CAPACITY_ROLES, organization__is_active=True
    ).values("organization_id")


@home.register
class CapacityCard(home.HomeCard):
    key = "directory.capacity"
    title = _("Your organisation's capacity")
    order = 35

    def applies_to(self, user: User) -> bool:
        return user.has_role(*CAPACITY_ROLES)

    def build(self, user: User, *, now: dt.datetime) -> CardData:
        own = _own_organization_ids(user)
        services = (
            selectors.service_list(user=user, filters={"status": ServiceStatus.ACTIVE})
            .filter(organization_id__in=own, capacity_total__isnull=False)
            .prefetch_related(None)  # the categories are not shown here
        )
        stale_before = now - dt.timedelta(days=CAPACITY_STALE_DAYS)
        stale = Q(capacity_updated_at__isnull=True) | Q(capacity_updated_at__lt=stale_before)
        counts = services.aggregate(n=Count("pk"), stale=Count("pk", filter=stale))
        organizations = list(
            Organization.objects.filter(pk__in=own).order_by("name").values("pk", "name")[:3]
        )
        several = len(organizations) > 1
        items = []
        for s in services.order_by(F("capacity_updated_at").asc(nulls_first=True), "name")[
            : self.limit
        ]:
            is_stale = s.capacity_updated_at is None or s.capacity_updated_at < stale_before
            updated = (
                _("updated %(ago)s ago") % {"ago": timesince(s.capacity_updated_at, now)}
                if s.capacity_updated_at
                else _("never updated")
            )
            free = s.capacity_free or 0
            places = ngettext(
                "%(free)d of %(total)d place free",
                "%(free)d of %(total)d places free",
                s.capacity_total or 0,
            ) % {"free": free, "total": s.capacity_total or 0}
            items.append(
                HomeItem(
                    label=f"{s.organization.name} · {s.name}" if several else s.name,
                    url=reverse("directory:service_capacity", args=[s.pk]),
                    urgency=Urgency.WAITING if is_stale else Urgency.NONE,
                    detail=f"{places} · {updated}",
                )
            )
        links = [
            HomeLink(
                str(_("Page of %(name)s") % {"name": o["name"]})
                if several
                else str(_("Your organisation's page")),
                reverse("directory:detail", args=[o["pk"]]),
            )
            for o in organizations
        ]
        note = (
            ngettext(
                "%(n)d service not updated for %(days)d days or more: update its free places.",
                "%(n)d services not updated for %(days)d days or more: update their free places.",
                counts["stale"],
            )
            % {"n": counts["stale"], "days": CAPACITY_STALE_DAYS}
            if counts["stale"]
            else ""
        )
        return CardData(
            count=counts["stale"],
            items=items,
            links=links,
            note=note,
            urgency=Urgency.WAITING if counts["stale"] else Urgency.NONE,
            empty_text=str(
                _(
                    "No service of your organisation has places. Give a service its number of "
                    "places to show free capacity to the partners."
                )
            ),
        )


@home.register
class DirectoryCard(home.HomeCard):
    key = "directory.overview"
    title = _("Directory")
    order = 95

    def applies_to(self, user: User) -> bool:
        return permissions.can_view_directory(user)

    def build(self, user: User, *, now: dt.datetime) -> CardData:
        total = sum(selectors.organization_counts_by_type(user=user).values())
        free = selectors.organization_list(user=user, filters={"has_free_capacity": True}).count()
        url = reverse("directory:list")
        links = [
            HomeLink(str(_("All partners")), url, total),
            HomeLink(str(_("With free places")), f"{url}?has_free_capacity=on", free),
        ]
        if permissions.can_export_directory(user):
            links.append(HomeLink(str(_("Export (XLSX)")), reverse("directory:export")))
        return CardData(
            links=links,
            note=str(_("Partners, their services and free capacity.")),
            urgency=Urgency.NONE,
            empty_text="",
        )
