"""The HSDS 3.0 API: every document validates against the vendored official schemas."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from simpul.accounts.models import Role
from simpul.api.tests.conftest import hsds_errors
from simpul.directory.models import OrganizationType, ServiceAtLocation
from simpul.testing.factories import OrganizationFactory, ServiceFactory, make_user, term

pytestmark = pytest.mark.django_db

PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


def _get(api, user, name, *args, **params):  # type: ignore[no-untyped-def]
    api.force_authenticate(user)
    response = api.get(reverse(name, args=args), params)
    assert response.status_code == 200, response.content
    return response.json()


def _assert_valid(schema: str, doc: dict) -> None:
    errors = hsds_errors(schema, doc)
    assert errors == [], "\n".join(errors)


def _assert_page_valid(item_schema: str, page: dict) -> None:
    assert set(page) == PAGE_KEYS
    for item in page["contents"]:
        _assert_valid(item_schema, item)


def test_root_describes_version_profile_and_openapi(api, directory, settings):
    doc = _get(api, directory.harapan_staff, "api:hsds-root")
    assert doc["version"] == "3.0.0"
    assert doc["profile"] == settings.SITE_URL + "/api/v1/hsds/profile"
    assert doc["openapi_url"] == settings.SITE_URL + reverse("api:schema")
    profile = _get(api, directory.harapan_staff, "api:hsds-profile")
    assert profile["extensions"] == {"service": ["capacities"]}


def test_organization_list_validates(api, directory, outsider):
    page = _get(api, outsider, "api:hsds-organization-list")
    _assert_page_valid("organization_list", page)
    names = [o["name"] for o in page["contents"]]
    assert {"LKSA Harapan Bangsa", "Rumah Singgah Pelangi"} <= set(names)
    assert page["total_items"] == len(names) and page["empty"] is False


def test_organization_detail_validates_with_phones_locations_and_identifiers(
    api, directory, outsider
):
    doc = _get(api, outsider, "api:hsds-organization-detail", directory.harapan.pk)
    _assert_valid("organization", doc)
    assert doc["id"] == str(directory.harapan.pk)
    assert {p["number"] for p in doc["phones"]} == {"+62213456789", "+6281234567890"}
    assert {p["type"] for p in doc["phones"]} == {"voice", "cell"}
    identifiers = {i["identifier"] for i in doc["organization_identifiers"]}
    assert identifiers == {"AHU-0012345.AH.01.04", "123/LKS/2024"}
    [location] = doc["locations"]
    [address] = location["addresses"]
    kota = directory.harapan.kelurahan.parent.parent
    assert address["address_1"] == "Jl. Melati No. 5"
    assert address["city"] == kota.name
    assert address["state_province"] == "DKI Jakarta"
    assert address["country"] == "ID" and address["address_type"] == "physical"
    assert address["postal_code"] == "10110"
    assert location["latitude"] == pytest.approx(-6.18)
    assert {s["name"] for s in doc["services"]} == {
        "Pengasuhan anak dalam panti",
        "Konseling psikososial",
    }


def test_organization_without_description_gets_a_generated_one(api, directory, outsider):
    doc = _get(api, outsider, "api:hsds-organization-detail", directory.singgah.pk)
    _assert_valid("organization", doc)
    assert directory.singgah.description == ""
    kota = directory.singgah.kelurahan.parent.parent
    assert kota.name in doc["description"]
    assert "email" not in doc and "website" not in doc  # empty values are left out, not null


def test_service_detail_validates_with_schedules_taxonomy_and_capacity(api, directory, outsider):
    service = directory.residential
    doc = _get(api, outsider, "api:hsds-service-detail", service.pk)
    _assert_valid("service", doc)
    assert doc["organization_id"] == str(directory.harapan.pk)
    assert doc["organization"]["name"] == "LKSA Harapan Bangsa"
    assert doc["minimum_age"] == 6 and doc["maximum_age"] == 17
    assert doc["eligibility_description"].startswith("Anak telantar")
    assert doc["status"] == "active"
    schedules = {s["byday"]: s for s in doc["schedules"]}
    assert set(schedules) == {"MO,TU,WE,TH,FR", "SA"}
    assert schedules["MO,TU,WE,TH,FR"]["freq"] == "WEEKLY"
    assert schedules["MO,TU,WE,TH,FR"]["opens_at"] == "08:00+07:00"
    assert schedules["SA"]["closes_at"] == "12:00+07:00"
    terms = {(a["link_type"], a["taxonomy_term"]["code"]) for a in doc["attributes"]}
    assert terms == {
        ("service_type", "residential-care"),
        ("pmks_category", "AT"),
        ("pmks_category", "AJ"),
    }
    [capacity] = doc["capacities"]
    assert (capacity["maximum"], capacity["available"]) == (30, 18)
    assert doc["assured_date"] == timezone.localtime(service.capacity_updated_at).date().isoformat()
    [link] = doc["service_at_locations"]
    assert link["location"]["addresses"][0]["city"]


def test_service_without_capacity_has_fees_and_no_capacities(api, directory, outsider):
    doc = _get(api, outsider, "api:hsds-service-detail", directory.counselling.pk)
    _assert_valid("service", doc)
    assert doc["status"] == "temporarily closed"
    assert doc["fees_description"] == "Rp50.000 per sesi"
    assert doc["capacities"] == []
    assert "assured_date" not in doc


def test_service_list_validates(api, directory, outsider):
    page = _get(api, outsider, "api:hsds-service-list")
    _assert_page_valid("service_list", page)
    assert page["total_items"] == 3


def test_service_at_location_list_and_detail_validate(api, directory, outsider):
    page = _get(api, outsider, "api:hsds-service-at-location-list")
    _assert_page_valid("service_at_location_list", page)
    assert page["total_items"] == ServiceAtLocation.objects.count() == 3
    link = ServiceAtLocation.objects.get(service=directory.residential)
    doc = _get(api, outsider, "api:hsds-service-at-location-detail", link.pk)
    _assert_valid("service_at_location", doc)
    assert doc["service_id"] == str(directory.residential.pk)
    assert doc["location_id"] == str(link.location_id)
    assert doc["location"]["addresses"][0]["address_1"] == "Jl. Melati No. 5"
    assert {s["byday"] for s in doc["schedules"]} == {"MO,TU,WE,TH,FR", "SA"}


def test_pagination_30_services_10_per_page(api, outsider):
    organization = OrganizationFactory()
    ServiceFactory.create_batch(30, organization=organization)
    first = _get(api, outsider, "api:hsds-service-list", per_page=10)
    assert (first["total_items"], first["total_pages"], first["page_number"]) == (30, 3, 1)
    assert (first["size"], first["first_page"], first["last_page"], first["empty"]) == (
        10,
        True,
        False,
        False,
    )
    last = _get(api, outsider, "api:hsds-service-list", per_page=10, page=3)
    assert (last["page_number"], last["size"], last["first_page"], last["last_page"]) == (
        3,
        10,
        False,
        True,
    )
    seen = {
        s["id"]
        for p in (1, 2, 3)
        for s in _get(api, outsider, "api:hsds-service-list", per_page=10, page=p)["contents"]
    }
    assert len(seen) == 30
    beyond = _get(api, outsider, "api:hsds-service-list", per_page=10, page=4)
    assert beyond["contents"] == [] and beyond["size"] == 0 and beyond["empty"] is False
    _assert_page_valid("service_list", last)


def test_empty_result_is_marked_empty(api, directory, outsider):
    page = _get(api, outsider, "api:hsds-service-list", search="tidak ada layanan seperti ini")
    assert page["empty"] is True and page["total_items"] == 0 and page["contents"] == []


def test_filters_search_organization_taxonomy_term_and_modified_after(api, directory, outsider):
    def ids(name, **params):  # type: ignore[no-untyped-def]
        return {item["id"] for item in _get(api, outsider, name, **params)["contents"]}

    assert ids("api:hsds-service-list", search="konseling") == {str(directory.counselling.pk)}
    assert ids("api:hsds-service-list", organization_id=str(directory.singgah.pk)) == {
        str(directory.shelter.pk)
    }
    street_children = term("pmks-child", "AJ").pk
    assert ids("api:hsds-service-list", taxonomy_term_id=str(street_children)) == {
        str(directory.residential.pk),
        str(directory.shelter.pk),
    }
    assert ids("api:hsds-organization-list", taxonomy_term_id=str(street_children)) == {
        str(directory.harapan.pk),
        str(directory.singgah.pk),
    }
    shelter_type = term("service-type", "temporary-shelter").pk
    assert ids("api:hsds-service-at-location-list", taxonomy_term_id=str(shelter_type)) == {
        str(ServiceAtLocation.objects.get(service=directory.shelter).pk)
    }
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assert ids("api:hsds-service-list", modified_after=future) == set()
    past = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert len(ids("api:hsds-service-list", modified_after=past)) == 3
    unknown_term = "00000000-0000-4000-8000-000000000000"
    assert ids("api:hsds-service-list", taxonomy_term_id=unknown_term) == set()


def test_invalid_parameters_are_rejected(api, directory, outsider):
    api.force_authenticate(outsider)
    for params in (
        {"organization_id": "abc"},
        {"per_page": 0},
        {"page": "x"},
        {"modified_after": "yesterday"},
    ):
        response = api.get(reverse("api:hsds-service-list"), params)
        assert response.status_code == 400, params


def test_hsds_requires_authentication(api, directory):
    link = ServiceAtLocation.objects.first()
    urls = [
        reverse("api:hsds-root"),
        reverse("api:hsds-organization-list"),
        reverse("api:hsds-organization-detail", args=[directory.harapan.pk]),
        reverse("api:hsds-service-list"),
        reverse("api:hsds-service-detail", args=[directory.residential.pk]),
        reverse("api:hsds-service-at-location-list"),
        reverse("api:hsds-service-at-location-detail", args=[link.pk]),
    ]
    for url in urls:
        assert api.get(url).status_code == 401, url


def test_user_without_membership_sees_nothing(api, directory):
    from simpul.testing.factories import UserFactory

    nobody = UserFactory()
    api.force_authenticate(nobody)
    assert api.get(reverse("api:hsds-service-list")).status_code == 403  # deny by default
    response = api.get(reverse("api:hsds-service-detail", args=[directory.residential.pk]))
    assert response.status_code == 404


def test_inactive_organization_is_hidden_from_outsiders(api, directory, outsider):
    inactive = OrganizationFactory(name="LKSA Tutup", is_active=False)
    service = ServiceFactory(organization=inactive)
    api.force_authenticate(outsider)
    assert api.get(reverse("api:hsds-organization-detail", args=[inactive.pk])).status_code == 404
    assert api.get(reverse("api:hsds-service-detail", args=[service.pk])).status_code == 404
    ids = {o["id"] for o in _get(api, outsider, "api:hsds-organization-list")["contents"]}
    assert str(inactive.pk) not in ids
    # Its own admin still sees it.
    own_admin = make_user(Role.ORG_ADMIN, inactive)
    doc = _get(api, own_admin, "api:hsds-organization-detail", inactive.pk)
    _assert_valid("organization", doc)


def test_dinsos_organization_validates(api, outsider):
    dinsos = OrganizationFactory(
        name="Dinas Sosial Provinsi DKI Jakarta", org_type=OrganizationType.DINSOS, kelurahan=None
    )
    doc = _get(api, outsider, "api:hsds-organization-detail", dinsos.pk)
    _assert_valid("organization", doc)
    assert doc["locations"] == []


def test_schema_check_catches_broken_documents():
    """The validation above can fail: missing required fields, null, wrong enum, bad uuid."""
    broken = {"id": "not-a-uuid", "name": "X", "status": "open", "minimum_age": None}
    errors = " | ".join(hsds_errors("service", broken))
    assert "not-a-uuid" in errors and "'open'" in errors and "None" in errors
    assert hsds_errors("organization", {"id": "6f1c2d4e-0b7a-5c3e-9a51-2f8e4c7d9b10", "name": "X"})
