from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from simpul.cases.models import CaseAssignment
from simpul.children.models import Child
from simpul.core.models import AccessLog
from simpul.testing.concurrency import if_match
from simpul.testing.factories import CaseFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/children/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_create_runs_duplicate_check_and_returns_409_until_confirmed(worker, register):
    existing = register(worker, full_name="Djoko Soesilo")
    payload = {
        "full_name": "Joko Susilo",
        "sex": "M",
        "birth_date": "2012-03-14",
        "mother_name": "Sumarni",
        "current_kelurahan": "31.75.01.1001",
        "aliases": [{"name": "Jojo"}],
    }
    count = Child.objects.count()
    response = api(worker).post(BASE, payload, format="json")
    assert response.status_code == 409 and Child.objects.count() == count
    assert response.json()["candidates"][0]["child_id"] == str(existing.pk)
    response = api(worker).post(BASE, {**payload, "confirm_not_duplicate": True}, format="json")
    assert response.status_code == 409 and Child.objects.count() == count
    response = api(worker).post(
        BASE,
        {**payload, "confirm_not_duplicate": True, "confirm_not_duplicate_of": [str(existing.pk)]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["view"] == "full" and body["aliases"] == ["Jojo"]
    bad = api(worker).post(
        BASE, {**payload, "full_name": "Orang Lain Sekali", "nik": "123"}, format="json"
    )
    assert bad.status_code == 400 and "nik" in bad.json()["fields"]


def test_list_and_retrieve_are_scoped_masked_and_logged(worker, worker_pusat, supervisor, register):
    child = register(worker, full_name="Dedi Kurniawan", nik="3175011403120002")
    CaseFactory(child=child, is_sensitive=True)
    assert api(worker_pusat).get(f"{BASE}{child.pk}/").status_code == 404
    assert api(worker_pusat).get(BASE).json()["count"] == 0
    rows = api(supervisor).get(BASE, {"q": "Dedi"}).json()["results"]
    assert rows[0]["name"] == "D••• K•••" and rows[0]["restricted"]
    assert api(supervisor).get(f"{BASE}{child.pk}/").status_code == 403
    opened = api(supervisor).get(f"{BASE}{child.pk}/", {"reason": "Temu bahas"})
    assert opened.status_code == 200 and opened.json()["nik_masked"] == "3175••••••••0002"
    assert "3175011403120002" not in opened.content.decode()
    assert AccessLog.objects.filter(
        child_id=str(child.pk), action="open_restricted", reason="Temu bahas"
    ).exists()
    mine = api(worker).get(f"{BASE}{child.pk}/")
    assert mine.json()["name"] == "Dedi Kurniawan"
    assert AccessLog.objects.filter(child_id=str(child.pk), action="view").count() == 2


def test_partner_gets_limited_view(worker, partner, partner_org, register):
    child = register(worker, nik="3175011403120002")
    case = CaseFactory(child=child)
    assert api(partner).get(f"{BASE}{child.pk}/").status_code == 404
    CaseAssignment.objects.create(case=case, organization=partner_org, kind="lead")
    body = api(partner).get(f"{BASE}{child.pk}/").json()
    assert body["view"] == "partner" and "nik_masked" not in body and "mother_name" not in body
    assert api(partner).get(f"{BASE}{child.pk}/duplicates/").status_code == 403


def test_duplicates_endpoint(worker, register):
    a = register(worker, full_name="Muhammad Rizky Pratama", mother_name="Siti Aminah")
    b = register(worker, full_name="M. Rizki Pratama", mother_name="Siti Aminah")
    rows = api(worker).get(f"{BASE}{a.pk}/duplicates/").json()["results"]
    assert rows[0]["child_id"] == str(b.pk) and rows[0]["reasons"]


def test_schema_lists_children_endpoints(worker):
    schema = api(worker).get("/api/v1/schema/", {"format": "json"}).json()
    assert {
        "/api/v1/children/",
        "/api/v1/children/{id}/",
        "/api/v1/children/{id}/duplicates/",
    } <= set(schema["paths"])


def test_patch_changes_only_the_fields_sent_with_the_same_checks(
    worker, worker_pusat, partner, partner_org, register
):
    child = register(worker, full_name="Dedi Kurniawan", mother_name="Sumarni")
    response = api(worker).patch(
        f"{BASE}{child.pk}/",
        {"mother_name": "Yati", "current_spot": "Pasar Rebo"},
        format="json",
        headers=if_match(child),
    )
    assert response.status_code == 200, response.json()
    child.refresh_from_db()
    assert (child.mother_name, child.current_spot, child.full_name) == (
        "Yati",
        "Pasar Rebo",
        "Dedi Kurniawan",
    )
    assert child.bk_mother_yob.startswith("iati|")
    # A NIK that disagrees with the record is stored with a warning, never "fixed".
    response = api(worker).patch(
        f"{BASE}{child.pk}/", {"nik": "3175014501100001"}, format="json", headers=if_match(child)
    )
    assert response.status_code == 200
    child.refresh_from_db()
    assert {w["code"] for w in child.identity_warnings} >= {"nik_birth_date_mismatch"}
    assert str(child.birth_date) == "2012-03-14"
    # Bad input: a clear message per field, nothing changes.
    response = api(worker).patch(
        f"{BASE}{child.pk}/",
        {"nik": "12", "mother_name": "Lain"},
        format="json",
        headers=if_match(child),
    )
    assert response.status_code == 400 and "nik" in response.json()["fields"]
    child.refresh_from_db()
    assert child.mother_name == "Yati"
    # Out of scope: 404; a partner with the limited view: 403.
    assert (
        api(worker_pusat)
        .patch(f"{BASE}{child.pk}/", {"mother_name": "X"}, format="json", headers=if_match(child))
        .status_code
        == 404
    )
    CaseAssignment.objects.create(
        case=CaseFactory(child=child), organization=partner_org, kind="lead"
    )
    assert (
        api(partner)
        .patch(f"{BASE}{child.pk}/", {"mother_name": "X"}, format="json", headers=if_match(child))
        .status_code
        == 403
    )
