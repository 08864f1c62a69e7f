from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from simpul.directory.models import OrganizationType
from simpul.regions.models import Region
from simpul.testing.auth import login
from simpul.testing.factories import OrganizationFactory, ServiceFactory, term

pytestmark = pytest.mark.django_db

URL = reverse("directory:list")


def names(response) -> set[str]:
    return {org.name for org in response.context["page"]}


def two_kelurahan_in_different_kota() -> tuple[Region, Region]:
    first = Region.objects.filter(level=4).order_by("code").first()
    other = (
        Region.objects.filter(level=4)
        .exclude(code__startswith=first.code[:5])
        .order_by("code")
        .first()
    )
    return first, other


@pytest.fixture
def viewer(client, outsider):
    login(client, outsider)
    return outsider


def test_filter_by_type(client, viewer):
    OrganizationFactory(name="Panti A", org_type=OrganizationType.PANTI)
    OrganizationFactory(name="LKSA B", org_type=OrganizationType.LKSA)
    response = client.get(URL, {"org_type": "panti"})
    assert names(response) == {"Panti A"}


def test_filter_by_category_served(client, viewer):
    abh = ServiceFactory(organization=OrganizationFactory(name="Org ABH"))
    abh.categories_served.add(term("pmks-child", "ABH"))
    aj = ServiceFactory(organization=OrganizationFactory(name="Org AJ"))
    aj.categories_served.add(term("pmks-child", "AJ"))
    assert names(client.get(URL, {"category": "ABH"})) == {"Org ABH"}


def test_filter_by_service_type(client, viewer):
    ServiceFactory(
        organization=OrganizationFactory(name="Org Legal"),
        service_type=term("service-type", "legal-aid"),
    )
    ServiceFactory(organization=OrganizationFactory(name="Org Care"))
    assert names(client.get(URL, {"service_type": "legal-aid"})) == {"Org Legal"}


def test_filter_by_kota_and_kecamatan(client, viewer):
    first, other = two_kelurahan_in_different_kota()
    OrganizationFactory(name="Here", kelurahan=first)
    OrganizationFactory(name="There", kelurahan=other)
    assert "Here" in names(client.get(URL, {"kota": first.code[:5]}))
    assert "There" not in names(client.get(URL, {"kota": first.code[:5]}))
    assert names(client.get(URL, {"kecamatan": other.code[:8]})) >= {"There"}
    assert "Here" not in names(client.get(URL, {"kecamatan": other.code[:8]}))


def test_filter_free_capacity(client, viewer):
    ServiceFactory(
        organization=OrganizationFactory(name="Full"), capacity_total=10, capacity_occupied=10
    )
    ServiceFactory(
        organization=OrganizationFactory(name="Room"), capacity_total=10, capacity_occupied=4
    )
    ServiceFactory(
        organization=OrganizationFactory(name="Closed"),
        capacity_total=10,
        capacity_occupied=1,
        status="inactive",
    )
    response = client.get(URL, {"has_free_capacity": "on"})
    assert names(response) == {"Room"}
    assert response.context["page"][0].free_capacity == 6


def test_filter_accreditation_grade_and_current(client, viewer):
    today = timezone.localdate()
    OrganizationFactory(
        name="A current",
        accreditation_grade="A",
        accreditation_valid_until=today + dt.timedelta(days=400),
    )
    OrganizationFactory(
        name="A expired",
        accreditation_grade="A",
        accreditation_valid_until=today - dt.timedelta(days=1),
    )
    OrganizationFactory(
        name="B current",
        accreditation_grade="B",
        accreditation_valid_until=today + dt.timedelta(days=400),
    )
    assert names(client.get(URL, {"accreditation": "A"})) == {"A current", "A expired"}
    response = client.get(URL, {"accreditation": "A", "accreditation_current": "on"})
    assert names(response) == {"A current"}


def test_expired_accreditation_shows_warning_badge(client, viewer):
    OrganizationFactory(
        name="Old",
        accreditation_grade="C",
        accreditation_valid_until=timezone.localdate() - dt.timedelta(days=3),
    )
    content = client.get(URL, {"q": "Old"}).content.decode()
    assert 'class="badge danger"' in content


def test_search_matches_service_names(client, viewer):
    ServiceFactory(
        organization=OrganizationFactory(name="Yayasan Melati"), name="Konseling keluarga"
    )
    OrganizationFactory(name="Yayasan Mawar")
    assert names(client.get(URL, {"q": "konseling"})) == {"Yayasan Melati"}


def test_paginated_by_25(client, viewer):
    OrganizationFactory.create_batch(30)
    first = client.get(URL)
    total = first.context["page"].paginator.count
    assert total >= 30
    assert len(first.context["page"]) == 25
    last = client.get(URL, {"page": first.context["page"].paginator.num_pages})
    assert len(last.context["page"]) == total - 25 * (last.context["page"].number - 1)


def test_htmx_request_renders_only_results(client, viewer):
    OrganizationFactory(name="Panti A", org_type=OrganizationType.PANTI)
    response = client.get(
        URL, {"org_type": "panti"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    content = response.content.decode()
    assert 'id="results"' in content
    assert "<html" not in content and "Panti A" in content


def test_user_without_membership_cannot_see_directory(client):
    from simpul.testing.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403


def test_export_xlsx_contains_filtered_rows(client, viewer):
    from io import BytesIO

    from openpyxl import load_workbook

    ServiceFactory(
        organization=OrganizationFactory(name="Panti Export", org_type="panti"), name="Svc X"
    )
    OrganizationFactory(name="LKSA Not exported")
    response = client.get(reverse("directory:export"), {"org_type": "panti"})
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    orgs = list(workbook["organisations"].iter_rows(values_only=True))
    services = list(workbook["services"].iter_rows(values_only=True))
    assert orgs[0][1] == "name"
    assert [r[1] for r in orgs[1:]] == ["Panti Export"]
    assert [(r[2], r[3]) for r in services[1:]] == [("Panti Export", "Svc X")]


def test_export_denied_for_donor(client):
    from simpul.accounts.models import Role
    from simpul.testing.factories import make_user

    client.force_login(make_user(Role.DONOR))
    assert client.get(reverse("directory:export")).status_code == 403
