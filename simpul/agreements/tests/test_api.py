"""The read-only API of agreements and protocol versions: scoping and the permission matrix."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from simpul.agreements.models import AgreementStatus, VersionStatus
from simpul.agreements.tests.conftest import make_agreement, make_version
from simpul.testing.auth import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(dinsos, lksa, yayasan, category_aj):
    mine = make_agreement(
        government_side=dinsos,
        parties=[lksa],
        status=AgreementStatus.ACTIVE,
        end_date=dt.date(2030, 1, 1),
    )
    theirs = make_agreement(government_side=dinsos, parties=[yayasan])
    v1 = make_version(category=category_aj, number=1)
    v2 = make_version(category=category_aj, number=2, status=VersionStatus.DRAFT)
    return {"mine": mine, "theirs": theirs, "v1": v1, "v2": v2}


def _client(user):
    client = APIClient()
    login(client, user)
    return client


def test_agreements_scoped(data, admin, lksa_admin, yayasan_staff):
    body = _client(admin).get("/api/v1/agreements/").json()
    assert {a["number"] for a in body["results"]} == {data["mine"].number, data["theirs"].number}
    body = _client(lksa_admin).get("/api/v1/agreements/").json()
    assert [a["number"] for a in body["results"]] == [data["mine"].number]
    assert body["results"][0]["in_force"] is True
    client = _client(lksa_admin)
    assert client.get(f"/api/v1/agreements/{data['theirs'].pk}/").status_code == 404
    detail = client.get(f"/api/v1/agreements/{data['mine'].pk}/").json()
    assert {c["code"] for c in detail["checklist"]} >= {"roles", "review_date"}
    assert _client(admin).get("/api/v1/agreements/", {"status": "draft"}).json()["count"] == 1
    assert _client(admin).get("/api/v1/agreements/", {"status": "nope"}).status_code == 400


def test_anonymous_refused(data):
    assert APIClient().get("/api/v1/agreements/").status_code in (401, 403)
    assert APIClient().get("/api/v1/protocols/").status_code in (401, 403)


def test_protocol_versions(data, admin, lksa_admin):
    body = _client(lksa_admin).get("/api/v1/protocols/").json()
    assert [v["number"] for v in body["results"]] == [1]  # no drafts for partners
    v = body["results"][0]
    assert v["category"] == "AJ"
    assert v["deadlines"]["high"]["acknowledge"] == 1
    assert {p["org_type"] for p in v["participants"]} == {"lksa", "skpd"}
    assert _client(lksa_admin).get(f"/api/v1/protocols/{data['v2'].pk}/").status_code == 404
    assert _client(admin).get(f"/api/v1/protocols/{data['v2'].pk}/").status_code == 200
    body = _client(admin).get("/api/v1/protocols/", {"in_force_on": "2026-03-01"}).json()
    assert [v["number"] for v in body["results"]] == [1]
