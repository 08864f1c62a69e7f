"""REST API v1: organisations, services, capacity, regions, me, authentication."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from simpul.accounts.models import Membership, Role
from simpul.accounts.services import api_token_create
from simpul.core.models import AuditEvent
from simpul.directory.models import CapacityRecord, Organization, OrganizationType, Service
from simpul.regions.models import Region
from simpul.testing.auth import login_verified
from simpul.testing.concurrency import patch_read
from simpul.testing.factories import OrganizationFactory, ServiceFactory, make_user

pytestmark = pytest.mark.django_db


def _ids(response) -> set[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def _org_url(org: Organization) -> str:
    return reverse("api:organization-detail", args=[org.pk])


def _capacity_url(service: Service) -> str:
    return reverse("api:service-capacity", args=[service.pk])


# --- organisations ----------------------------------------------------------------------------
def test_organization_list_is_paginated_and_uses_uuids(api, directory, outsider):
    api.force_authenticate(outsider)
    data = api.get(reverse("api:organization-list")).json()
    assert {"count", "next", "previous", "results"} <= set(data)
    for item in data["results"]:
        uuid.UUID(item["id"])
    assert str(directory.harapan.pk) in {o["id"] for o in data["results"]}


def test_organization_list_filters(api, directory, outsider):
    api.force_authenticate(outsider)
    url = reverse("api:organization-list")
    harapan, singgah = str(directory.harapan.pk), str(directory.singgah.pk)
    assert _ids(api.get(url, {"type": OrganizationType.RUMAH_SINGGAH})) == {singgah}
    assert _ids(api.get(url, {"kota": "31.75"})) == {singgah}
    assert _ids(api.get(url, {"kecamatan": directory.harapan.kecamatan_code})) == {harapan}
    assert _ids(api.get(url, {"accreditation": "A"})) == {harapan}
    assert _ids(api.get(url, {"category": "AKTK"})) == set()  # its AKTK service is closed
    assert _ids(api.get(url, {"category": "AJ"})) == {harapan, singgah}
    assert _ids(api.get(url, {"service_type": "temporary-shelter"})) == {singgah}
    assert _ids(api.get(url, {"has_free_capacity": "true"})) == {harapan}  # the shelter is full
    assert _ids(api.get(url, {"search": "pelangi"})) == {singgah}
    assert api.get(url, {"type": "no-such-type"}).status_code == 400


def test_organization_detail_shows_public_parts_only(api, directory, outsider):
    api.force_authenticate(outsider)
    data = api.get(_org_url(directory.harapan)).json()
    assert data["free_capacity"] == 18
    assert {s["name"] for s in data["services"]} == {
        "Pengasuhan anak dalam panti",
        "Konseling psikososial",
    }
    assert len(data["locations"]) == 1 and len(data["phones"]) == 2
    assert data["accreditation"]["grade"] == "A"
    text = str(data)
    for private in ("memberships", "staff", "invitations", directory.harapan_admin.email):
        assert private not in text


def test_unauthenticated_requests_are_refused(api, directory):
    for url in (
        reverse("api:organization-list"),
        _org_url(directory.harapan),
        reverse("api:service-list"),
        reverse("api:region-list"),
        reverse("api:me"),
    ):
        response = api.get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token"
    assert (
        patch_read(api, _org_url(directory.harapan), {"name": "X"}, format="json").status_code
        == 401
    )


def test_org_admin_can_patch_own_organization(api, directory):
    api.force_authenticate(directory.harapan_admin)
    response = patch_read(
        api,
        _org_url(directory.harapan),
        {
            "description": "Deskripsi baru",
            "email": "baru@harapan.example.test",
            "phones": ["0813-1111-2222"],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    directory.harapan.refresh_from_db()
    assert directory.harapan.description == "Deskripsi baru"
    assert response.json()["email"] == "baru@harapan.example.test"
    assert [p["number"] for p in response.json()["phones"]] == ["+6281311112222"]
    event = AuditEvent.objects.get(action="directory.organization.updated")
    assert event.actor == directory.harapan_admin and "description" in event.changes


def test_org_admin_cannot_patch_other_organization(api, directory):
    api.force_authenticate(directory.singgah_admin)
    response = patch_read(api, _org_url(directory.harapan), {"name": "Diambil alih"}, format="json")
    assert response.status_code == 403
    directory.harapan.refresh_from_db()
    assert directory.harapan.name == "LKSA Harapan Bangsa"


def test_org_staff_cannot_patch_own_organization(api, directory):
    api.force_authenticate(directory.harapan_staff)
    response = patch_read(api, _org_url(directory.harapan), {"name": "X"}, format="json")
    assert response.status_code == 403


def test_invisible_organization_is_404(api, directory, outsider):
    inactive = OrganizationFactory(name="LKSA Tutup", is_active=False)
    api.force_authenticate(outsider)
    assert api.get(_org_url(inactive)).status_code == 404
    assert patch_read(api, _org_url(inactive), {"name": "X"}, format="json").status_code == 404
    assert api.get(reverse("api:organization-detail", args=[uuid.uuid4()])).status_code == 404


def test_partner_admin_cannot_change_type_or_unknown_fields(api, directory):
    api.force_authenticate(directory.harapan_admin)
    url = _org_url(directory.harapan)
    response = patch_read(api, url, {"org_type": OrganizationType.YAYASAN}, format="json")
    assert response.status_code == 400 and "Dinas Sosial" in response.json()["detail"]
    response = patch_read(api, url, {"kota_code": "31.75"}, format="json")
    assert response.status_code == 400 and "kota_code" in response.json()
    response = patch_read(api, url, {"phones": ["12"]}, format="json")
    assert response.status_code == 400 and "12" in response.json()["detail"]
    directory.harapan.refresh_from_db()
    assert directory.harapan.org_type == OrganizationType.LKSA
    assert directory.harapan.phones.count() == 2


def test_patch_kelurahan_by_code(api, directory):
    api.force_authenticate(directory.harapan_admin)
    kelurahan = Region.objects.filter(level=4, code__startswith="31.74.").order_by("code").first()
    response = patch_read(
        api, _org_url(directory.harapan), {"kelurahan": kelurahan.code}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["kota_code"] == "31.74"
    kecamatan = kelurahan.parent
    response = patch_read(
        api, _org_url(directory.harapan), {"kelurahan": kecamatan.code}, format="json"
    )
    assert response.status_code == 400


# --- services and capacity --------------------------------------------------------------------
def test_service_list_filters_and_detail(api, directory, outsider):
    api.force_authenticate(outsider)
    url = reverse("api:service-list")
    assert _ids(api.get(url, {"organization": str(directory.singgah.pk)})) == {
        str(directory.shelter.pk)
    }
    assert _ids(api.get(url, {"category": "AJ", "has_free_capacity": "true"})) == {
        str(directory.residential.pk)
    }
    assert _ids(api.get(url, {"status": "temporarily closed"})) == {str(directory.counselling.pk)}
    data = api.get(reverse("api:service-detail", args=[directory.residential.pk])).json()
    assert data["capacity"] == {
        "total": 30,
        "occupied": 12,
        "free": 18,
        "updated_at": data["capacity"]["updated_at"],
    }
    assert {c["code"] for c in data["categories_served"]} == {"AT", "AJ"}
    assert len(data["schedules"]) == 6 and len(data["locations"]) == 1


def test_service_patch_by_org_admin_only(api, directory):
    url = reverse("api:service-detail", args=[directory.residential.pk])
    api.force_authenticate(directory.harapan_staff)
    assert patch_read(api, url, {"max_age": 15}, format="json").status_code == 403
    api.force_authenticate(directory.harapan_admin)
    response = patch_read(api, url, {"max_age": 15, "categories_served": ["AT"]}, format="json")
    assert response.status_code == 200, response.content
    directory.residential.refresh_from_db()
    assert directory.residential.max_age == 15
    assert list(directory.residential.categories_served.values_list("code", flat=True)) == ["AT"]
    response = patch_read(api, url, {"min_age": 16}, format="json")  # more than max_age
    assert response.status_code == 400


def test_capacity_post_by_staff_records_history(api, directory):
    service = directory.residential
    api.force_authenticate(directory.harapan_staff)
    response = api.post(
        _capacity_url(service),
        {"total": 30, "occupied": 25, "note": "Penerimaan baru"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["free"] == 5
    service.refresh_from_db()
    assert (service.capacity_total, service.capacity_occupied) == (30, 25)
    history = api.get(_capacity_url(service)).json()
    assert [r["occupied"] for r in history["results"]] == [25, 12]
    assert history["results"][0]["note"] == "Penerimaan baru"
    assert "recorded_by" not in history["results"][0]


def test_capacity_occupied_more_than_total_is_400_and_changes_nothing(api, directory):
    service = directory.residential
    before = CapacityRecord.objects.count()
    api.force_authenticate(directory.harapan_staff)
    response = api.post(_capacity_url(service), {"total": 10, "occupied": 11}, format="json")
    assert response.status_code == 400
    # Bahasa Indonesia by default: "Tempat terisi (11) tidak boleh melebihi jumlah tempat (10)."
    assert "tidak boleh melebihi" in response.json()["detail"]
    service.refresh_from_db()
    assert (service.capacity_total, service.capacity_occupied) == (30, 12)
    assert CapacityRecord.objects.count() == before


def test_capacity_input_is_validated(api, directory):
    api.force_authenticate(directory.harapan_staff)
    url = _capacity_url(directory.residential)
    assert api.post(url, {"total": -1, "occupied": 0}, format="json").status_code == 400
    assert api.post(url, {"total": 5}, format="json").status_code == 400
    assert api.post(url, {"total": 5, "occupied": 1, "x": 1}, format="json").status_code == 400


def test_capacity_post_by_other_organization_is_403(api, directory, outsider):
    api.force_authenticate(directory.singgah_admin)
    response = api.post(
        _capacity_url(directory.residential), {"total": 30, "occupied": 1}, format="json"
    )
    assert response.status_code == 403
    api.force_authenticate(outsider)
    assert api.get(_capacity_url(directory.residential)).status_code == 200  # history is public


# --- regions ----------------------------------------------------------------------------------
def test_region_children_of_3171_are_its_kecamatan(api, outsider):
    api.force_authenticate(outsider)
    response = api.get(reverse("api:region-children", args=["31.71"]), {"page_size": 200})
    assert response.status_code == 200
    results = response.json()["results"]
    expected = set(Region.objects.filter(parent__code="31.71").values_list("code", flat=True))
    assert expected and {r["code"] for r in results} == expected
    assert all(r["level"] == 3 and r["parent_code"] == "31.71" for r in results)
    uuid.UUID(results[0]["id"])


def test_region_detail_and_list_filters(api, outsider):
    api.force_authenticate(outsider)
    data = api.get(reverse("api:region-detail", args=["31.71"])).json()
    assert data["level"] == 2 and data["parent_code"] == "31"
    assert api.get(reverse("api:region-detail", args=["99.99"])).status_code == 404
    assert api.get(reverse("api:region-children", args=["99.99"])).status_code == 404
    kotas = api.get(reverse("api:region-list"), {"level": 2, "parent": "31"}).json()
    expected = Region.objects.filter(level=2, parent__code="31").count()
    assert kotas["count"] == expected > 0
    assert api.get(reverse("api:region-list"), {"level": 9}).status_code == 400


# --- me and authentication --------------------------------------------------------------------
def test_me_shows_user_and_memberships(api, directory):
    sudin = OrganizationFactory(
        name="Suku Dinas Sosial Jakarta Pusat",
        org_type=OrganizationType.SUDINSOS,
        jurisdiction=Region.objects.get(code="31.71"),
    )
    user = make_user(Role.CASE_WORKER, sudin)
    Membership.objects.create(
        user=user, organization=directory.harapan, role=Role.ORG_STAFF, is_primary=False
    )
    api.force_authenticate(user)
    data = api.get(reverse("api:me")).json()
    assert data["id"] == str(user.pk) and data["email"] == user.email
    assert data["full_name"] == user.full_name
    by_org = {m["organization"]["id"]: m for m in data["memberships"]}
    assert by_org[str(sudin.pk)]["role"] == Role.CASE_WORKER
    assert by_org[str(sudin.pk)]["region_scope"] == "31.71"
    assert by_org[str(sudin.pk)]["organization"]["org_type"] == OrganizationType.SUDINSOS
    assert by_org[str(directory.harapan.pk)]["region_scope"] is None


def test_token_authentication_works(api, directory):
    key = api_token_create(user=directory.harapan_staff)
    response = api.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["email"] == directory.harapan_staff.email
    response = api.post(
        _capacity_url(directory.residential),
        {"total": 30, "occupied": 13},
        format="json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 201
    bad = api.get(reverse("api:me"), HTTP_AUTHORIZATION="Token not-a-real-key")
    assert bad.status_code == 401


def test_token_of_user_requiring_two_factor_works(api):
    supervisor = make_user(Role.SUPERVISOR, OrganizationFactory(org_type=OrganizationType.DINSOS))
    assert supervisor.requires_two_factor
    key = api_token_create(user=supervisor)
    response = api.get(reverse("api:organization-list"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


def test_unverified_session_cannot_skip_two_factor_with_a_header(client):
    supervisor = make_user(Role.SUPERVISOR, OrganizationFactory(org_type=OrganizationType.DINSOS))
    client.force_login(supervisor)  # password given, TOTP not yet
    # The API answers 401 (no redirect) until the second factor is given.
    assert client.get(reverse("api:me")).status_code == 401
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION="Bearer anything")
    assert response.status_code == 401
    login_verified(client, supervisor)
    assert client.get(reverse("api:me")).status_code == 200


def test_session_authentication_works_for_browser_users(client, directory):
    client.force_login(directory.harapan_staff)
    response = client.get(reverse("api:service-list"))
    assert response.status_code == 200 and response.json()["count"] == 3


def test_user_without_membership_sees_no_directory(api, directory):
    from simpul.testing.factories import UserFactory

    api.force_authenticate(UserFactory())
    assert api.get(reverse("api:organization-list")).status_code == 403  # deny by default
    assert api.get(_org_url(directory.harapan)).status_code == 404
    assert api.get(reverse("api:me")).json()["memberships"] == []


def test_many_services_are_paginated(api, outsider):
    org = OrganizationFactory()
    ServiceFactory.create_batch(30, organization=org)
    api.force_authenticate(outsider)
    data = api.get(reverse("api:service-list"), {"page_size": 10, "page": 3}).json()
    assert data["count"] == 30 and len(data["results"]) == 10 and data["next"] is None
