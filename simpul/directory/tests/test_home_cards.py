"""The directory's home cards: a partner's home links its own capacity pages (and says which
services wait for an update), never another organisation's; everyone who may use the directory
gets a card of what is in it. Both with a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from simpul.accounts.models import Role
from simpul.directory.models import Service
from simpul.testing.auth import login
from simpul.testing.factories import OrganizationFactory, ServiceFactory, make_user
from simpul.testing.home import assert_constant_queries, build, card_keys

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def _updated(service, days_ago):
    Service.objects.filter(pk=service.pk).update(
        capacity_updated_at=timezone.now() - dt.timedelta(days=days_ago)
    )


def test_a_partners_home_links_the_capacity_page_of_each_of_its_services(
    lksa, lksa_staff, outsider
):
    fresh = ServiceFactory(organization=lksa, name="Pengasuhan", capacity_total=20)
    stale = ServiceFactory(
        organization=lksa, name="Rumah aman", capacity_total=6, capacity_occupied=2
    )
    ServiceFactory(organization=lksa, name="Konseling", capacity_total=None, capacity_occupied=None)
    _updated(fresh, 2)
    _updated(stale, 45)
    theirs = ServiceFactory(name="Layanan lain", capacity_total=10, capacity_occupied=1)
    data = build("directory.capacity", lksa_staff)
    urls = {i.label: i.url for i in data.items}
    assert urls == {
        "Pengasuhan": reverse("directory:service_capacity", args=[fresh.pk]),
        "Rumah aman": reverse("directory:service_capacity", args=[stale.pk]),
    }
    # The stale one waits for an update, first; the fresh one is a link.
    assert data.count == 1 and data.items[0].label == "Rumah aman"
    assert [i.urgency.name for i in data.items] == ["WAITING", "NONE"]
    assert "8 of 20 places free" in data.items[1].detail
    assert data.links[0].url == reverse("directory:detail", args=[lksa.pk])
    # Another partner's services are not on this home, nor this LKSA's on theirs.
    assert theirs.name not in str(data)
    assert "Rumah aman" not in str(build("directory.capacity", outsider))


def test_the_capacity_link_opens_a_page_where_the_partner_updates_it(client, lksa, lksa_admin):
    service = ServiceFactory(organization=lksa, name="Pengasuhan anak", capacity_total=20)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    login(client, lksa_admin)
    home = client.get(reverse("core:home")).content.decode()
    url = reverse("directory:service_capacity", args=[service.pk])
    assert f'href="{url}"' in home
    page = client.get(url)
    assert page.status_code == 200 and 'name="occupied"' in page.content.decode()


def test_a_partner_without_places_is_told_how_to_show_them(lksa, lksa_staff):
    ServiceFactory(organization=lksa, capacity_total=None, capacity_occupied=None)
    data = build("directory.capacity", lksa_staff)
    assert data.items == [] and "number of places" in data.empty_text
    assert data.links  # still its organisation's page


def test_directory_card_counts_what_is_there_and_offers_the_export_to_who_may(lksa):
    ServiceFactory(organization=lksa, capacity_total=10, capacity_occupied=3)
    OrganizationFactory()
    analyst = make_user(Role.ANALYST)
    donor = make_user(Role.DONOR)
    data = build("directory.overview", analyst)
    counts = {link.label: link.count for link in data.links}
    assert counts["All partners"] >= 3 and counts["With free places"] >= 1
    assert "Export (XLSX)" in counts
    assert "Export (XLSX)" not in {link.label for link in build("directory.overview", donor).links}


def test_cards_apply_by_role(lksa_admin, lksa_staff):
    assert "directory.capacity" in card_keys(lksa_admin)
    assert "directory.capacity" in card_keys(lksa_staff)
    assert "directory.capacity" not in card_keys(make_user(Role.ANALYST))
    assert "directory.capacity" not in card_keys(make_user(Role.SKPD_LIAISON))


def test_capacity_card_runs_the_same_queries_for_one_service_and_for_many(lksa, lksa_staff):
    def add(n):
        for i in range(n):
            _updated(ServiceFactory(organization=lksa, name=f"Layanan {i:02d}"), 60)

    add(1)
    assert_constant_queries("directory.capacity", lksa_staff, add)


def test_the_whole_home_page_runs_the_same_queries_as_services_grow(client, lksa, lksa_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ServiceFactory(organization=lksa)
    login(client, lksa_admin)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("core:home"))
    for i in range(10):
        ServiceFactory(organization=lksa, name=f"Layanan {i}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("core:home"))
    assert len(many) <= len(few)
