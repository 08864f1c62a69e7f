"""Referrals API: scoped list, create, detail (shared fields only), status change; a partner
of another organisation gets 404."""

from __future__ import annotations

import pytest

from simpul.referrals.models import ReferralStatus
from simpul.testing.auth import login

pytestmark = pytest.mark.django_db


def test_list_detail_scoped(client, referral, worker, lksa_staff, yayasan_staff, other_supervisor):
    login(client, worker)
    assert [r["id"] for r in client.get("/api/v1/referrals/").json()["results"]] == [
        str(referral.pk)
    ]
    client.logout()
    login(client, lksa_staff)
    data = client.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert [s["field"] for s in data["shared"]] == ["age", "category", "needs_summary"]
    assert client.get("/api/v1/referrals/?box=incoming").json()["count"] == 1
    client.logout()
    for outsider in (yayasan_staff, other_supervisor):
        login(client, outsider)
        assert client.get("/api/v1/referrals/").json()["results"] == []
        assert client.get(f"/api/v1/referrals/{referral.pk}/").status_code == 404
        response = client.post(
            f"/api/v1/referrals/{referral.pk}/status/",
            {"status": "accepted"},
            content_type="application/json",
        )
        assert response.status_code == 404
        client.logout()


def test_create_and_status(client, case, worker, lksa, lksa_staff, sharing_allowed):
    login(client, worker)
    response = client.post(
        "/api/v1/referrals/",
        {"case": str(case.pk), "to_organization": str(lksa.pk), "urgency": "high"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    client.logout()
    login(client, lksa_staff)
    url = f"/api/v1/referrals/{pk}/status/"
    bad = client.post(url, {"status": "completed"}, content_type="application/json")
    assert bad.status_code == 400
    no_reason = client.post(url, {"status": "rejected"}, content_type="application/json")
    assert no_reason.status_code == 400
    ok = client.post(url, {"status": "accepted"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == ReferralStatus.ACCEPTED
    assert "in_progress" in ok.json()["next_statuses"]


def test_create_refused_without_consent(client, case, worker, lksa):
    login(client, worker)
    response = client.post(
        "/api/v1/referrals/",
        {"case": str(case.pk), "to_organization": str(lksa.pk)},
        content_type="application/json",
    )
    assert response.status_code == 400
