"""Finding 6 (issue 7): two people editing the same child never silently overwrite each other."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from simpul.children.models import Child
from simpul.children.tests.conftest import child_data
from simpul.testing.concurrency import if_match

BASE = "/api/v1/children/"
FORM = {
    "sex": "M",
    "birth_date": "2012-03-14",
    "current_kelurahan": "31.75.01.1001",
    "birth_certificate_status": "has",
    "religion": "islam",
    "school_status": "in_school",
}


def _form_version(page: str) -> str:
    marker = 'name="edit_version" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


@pytest.mark.django_db
def test_two_sessions_editing_the_form_second_is_refused_with_what_changed(worker, register):
    child = register(worker, full_name="Dedi Kurniawan", mother_name="Sumarni")
    other = type(worker).objects.get(pk=worker.pk)
    first, second = Client(), Client()
    first.force_login(worker)
    second.force_login(other)
    url = reverse("children:edit", args=[child.pk])
    v1 = _form_version(first.get(url).content.decode())
    v2 = _form_version(second.get(url).content.decode())
    assert v1 == v2 == "1"
    one = {**FORM, "full_name": "Dedi Kurniawan", "mother_name": "Yati", "edit_version": v1}
    assert first.post(url, one).status_code == 302
    two = {**FORM, "full_name": "Dedi Saputra", "mother_name": "Sumarni", "edit_version": v2}
    with translation.override("en"):
        response = second.post(url, two, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was saved" in page or "Tidak ada yang disimpan" in page
    assert "Yati" in page  # what the other person changed (the mother's name), shown
    assert 'value="Dedi Saputra"' in page  # the user's own input stays in the form
    child.refresh_from_db()
    assert (child.full_name, child.mother_name, child.edit_version) == ("Dedi Kurniawan", "Yati", 2)
    # The form now carries the current version: saving again is a deliberate choice.
    assert _form_version(page) == "2"
    assert second.post(url, {**two, "edit_version": "2"}).status_code == 302
    child.refresh_from_db()
    assert child.full_name == "Dedi Saputra"


@pytest.mark.django_db
def test_form_without_version_is_refused(client, worker, register):
    child = register(worker)
    client.force_login(worker)
    url = reverse("children:edit", args=[child.pk])
    response = client.post(url, {**FORM, "full_name": "Lain", "mother_name": "Sumarni"})
    assert response.status_code == 200
    child.refresh_from_db()
    assert child.full_name == "Dedi Kurniawan"


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_api_etag_and_if_match(worker, register):
    child = register(worker, mother_name="Sumarni")
    url = f"{BASE}{child.pk}/"
    get = _api(worker).get(url)
    tag = get["ETag"]
    assert tag == 'W/"1"'
    # No If-Match: 428, nothing changes.
    response = _api(worker).patch(url, {"mother_name": "X"}, format="json")
    assert response.status_code == 428
    first = _api(worker).patch(
        url, {"mother_name": "Yati"}, format="json", headers={"If-Match": tag}
    )
    assert first.status_code == 200 and first["ETag"] == 'W/"2"'
    second = _api(worker).patch(
        url, {"current_spot": "Pasar Rebo"}, format="json", headers={"If-Match": tag}
    )
    assert second.status_code == 412
    body = second.json()
    assert body["code"] == "stale" and body["current_version"] == 2
    assert {"field": "mother_name", "value": "Yati"}.items() <= body["changes"][0].items()
    assert second["ETag"] == 'W/"2"'
    child.refresh_from_db()
    assert (child.mother_name, child.current_spot) == ("Yati", "")
    # Garbage in If-Match: 412, not a silent save.
    bad = _api(worker).patch(url, {"current_spot": "X"}, format="json", headers={"If-Match": "x"})
    assert bad.status_code == 412
    ok = _api(worker).patch(
        url, {"current_spot": "Pasar Rebo"}, format="json", headers=if_match(child)
    )
    assert ok.status_code == 200
    child.refresh_from_db()
    assert (child.mother_name, child.current_spot) == ("Yati", "Pasar Rebo")


@pytest.mark.django_db
def test_internal_writes_bump_the_version(worker, register):
    child = register(worker)
    assert child.edit_version == 1
    child.current_spot = "Terminal"
    child.save()
    assert child.edit_version == 2
    Child.objects.get(pk=child.pk).save(update_fields=["current_spot"])
    child.refresh_from_db()
    assert child.edit_version == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_patches_lose_nothing_on_postgresql(kel_timur):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions with row locks (PostgreSQL)")
    from simpul.accounts.models import Role
    from simpul.children import services
    from simpul.testing.factories import make_user, sudin

    worker = make_user(Role.CASE_WORKER, sudin("31.75"))
    child = services.child_register(actor=worker, data=child_data(), confirm_not_duplicate_of=[])
    url = f"{BASE}{child.pk}/"
    for round_ in range(3):
        tag = _api(worker).get(url)["ETag"]
        barrier = threading.Barrier(2)
        results: dict[str, int] = {}
        fields = {"mother_name": f"Ibu {round_}", "current_spot": f"Tempat {round_}"}

        def patch(field: str, value: str, tag: str = tag) -> None:
            try:
                barrier.wait()
                results[field] = (
                    _api(worker).patch(
                        url, {field: value}, format="json", headers={"If-Match": tag}
                    )
                ).status_code
            finally:
                connection.close()

        threads = [threading.Thread(target=patch, args=item) for item in fields.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results.values()) in ([200, 412], [200, 200]), results
        child.refresh_from_db()
        for field, code in results.items():
            if code == 200:
                assert getattr(child, field) == fields[field], (field, results)
        assert sorted(results.values()) == [200, 412]  # same version read: exactly one wins
