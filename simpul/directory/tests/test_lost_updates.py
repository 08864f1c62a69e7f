"""Finding 6 (issue 7): concurrent edits of an organisation or a service never overwrite."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from simpul.directory.models import Organization, Service
from simpul.testing.factories import ServiceFactory


def _version(page: str) -> str:
    marker = 'name="edit_version" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def _two(user) -> tuple[Client, Client]:
    first, second = Client(), Client()
    first.force_login(user)
    second.force_login(user)
    return first, second


def _org_form(org: Organization, **overrides: str) -> dict[str, str]:
    data = {
        "name": org.name,
        "org_type": org.org_type,
        "address": org.address,
        "kelurahan": org.kelurahan.code if org.kelurahan else "",
        "phones": "",
        "is_active": "on",
    }
    return {**data, **overrides}


@pytest.mark.django_db
def test_organization_form_two_sessions_second_is_refused(lksa, lksa_admin):
    first, second = _two(lksa_admin)
    url = reverse("directory:edit", args=[lksa.pk])
    v1, v2 = _version(first.get(url).content.decode()), _version(second.get(url).content.decode())
    assert (
        first.post(url, {**_org_form(lksa, address="Jl. Baru 1"), "edit_version": v1}).status_code
        == 302
    )
    response = second.post(url, {**_org_form(lksa, name="LKSA Lain"), "edit_version": v2})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Jl. Baru 1" in page and 'value="LKSA Lain"' in page
    lksa.refresh_from_db()
    assert (lksa.name, lksa.address) == ("LKSA Kasih Bunda", "Jl. Baru 1")


@pytest.mark.django_db
def test_service_form_two_sessions_second_is_refused(lksa, lksa_admin):
    service = ServiceFactory(organization=lksa, name="Pengasuhan")
    first, second = _two(lksa_admin)
    url = reverse("directory:service_edit", args=[service.pk])
    v1, v2 = _version(first.get(url).content.decode()), _version(second.get(url).content.decode())
    base = {"service_type": service.service_type.pk, "status": service.status, "is_free": "on"}
    one = {**base, "name": "Pengasuhan", "opening_hours": "08-16", "edit_version": v1}
    assert first.post(url, one).status_code == 302
    two = {**base, "name": "Pengasuhan Anak", "edit_version": v2}
    response = second.post(url, two)
    assert response.status_code == 200
    assert "08-16" in response.content.decode()
    service.refresh_from_db()
    assert (service.name, service.opening_hours) == ("Pengasuhan", "08-16")


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["organization", "service"])
def test_api_if_match(kind, lksa, lksa_admin):
    service = ServiceFactory(organization=lksa)
    obj = lksa if kind == "organization" else service
    url = reverse(f"api:{kind}-detail", args=[obj.pk])
    a, b = ({"website": "https://a.example.org"}, {"name": "Nama Baru"})
    if kind == "service":
        a, b = ({"opening_hours": "08-16"}, {"name": "Nama Baru"})
    client = _api(lksa_admin)
    tag = client.get(url)["ETag"]
    assert client.patch(url, b, format="json").status_code == 428
    assert client.patch(url, a, format="json", headers={"If-Match": tag}).status_code == 200
    stale = client.patch(url, b, format="json", headers={"If-Match": tag})
    assert stale.status_code == 412
    assert [c["field"] for c in stale.json()["changes"]] == list(a)
    obj.refresh_from_db()
    field, value = next(iter(a.items()))
    assert getattr(obj, field) == value and obj.name != "Nama Baru"


@pytest.mark.django_db(transaction=True)
def test_concurrent_service_patches_lose_nothing_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions with row locks (PostgreSQL)")
    from simpul.accounts.models import Role
    from simpul.testing.factories import OrganizationFactory, make_user

    org = OrganizationFactory()
    admin = make_user(Role.ORG_ADMIN, org)
    service = ServiceFactory(organization=org)
    url = reverse("api:service-detail", args=[service.pk])
    for round_ in range(3):
        tag = _api(admin).get(url)["ETag"]
        barrier = threading.Barrier(2)
        results: dict[str, int] = {}
        changes = {"opening_hours": f"0{round_}-16", "eligibility": f"Syarat {round_}"}

        def patch(field: str, value: str, tag: str = tag) -> None:
            try:
                barrier.wait()
                response = _api(admin).patch(
                    url, {field: value}, format="json", headers={"If-Match": tag}
                )
                results[field] = response.status_code
            finally:
                connection.close()

        threads = [threading.Thread(target=patch, args=item) for item in changes.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results.values()) == [200, 412], results
        service = Service.objects.get(pk=service.pk)
        for field, code in results.items():
            assert (getattr(service, field) == changes[field]) == (code == 200)
