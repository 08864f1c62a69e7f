"""The API refuses what it does not take: unknown query parameters, empty or malformed page
numbers, wrongly typed JSON fields, non-JSON bodies; and a URL under /api/ that matches nothing
answers JSON."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from simpul.accounts.models import Role
from simpul.testing.factories import ChildFactory, make_user, sudin

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    client = APIClient()
    client.force_authenticate(make_user(Role.CASE_WORKER, sudin("31.75")))
    return client


def test_unknown_query_parameter_is_400_naming_it(api):
    response = api.get("/api/v1/cases/", {"stauts": "registered"})
    assert response.status_code == 400 and "stauts" in response.json()
    assert api.get("/api/v1/cases/", {"status": "registered"}).status_code == 200
    assert api.get("/api/v1/regions/", {"level": "2", "format": "json"}).status_code == 200


def test_unauthenticated_is_401_before_parameters_are_checked():
    assert APIClient().get("/api/v1/cases/", {"stauts": "x"}).status_code == 401


@pytest.mark.parametrize(
    "params",
    [{"page": ""}, {"page": "abc"}, {"page_size": "0"}, {"page_size": "201"}, {"page_size": "x"}],
)
def test_bad_paging_is_400(api, params):
    response = api.get("/api/v1/regions/", params)
    assert response.status_code == 400, response.content


def test_empty_id_parameter_is_400_and_a_page_past_the_end_404(api):
    assert api.get("/api/v1/hsds/organizations", {"taxonomy_term_id": ""}).status_code == 400
    assert api.get("/api/v1/regions/", {"page": "999"}).status_code == 404


def test_json_types_and_json_only(api):
    child = ChildFactory()
    body = {
        "child": str(child.pk),
        "intake_channel": "walk_in",
        "intake_details": 12,
        "reported_at": "2026-12-01T08:00:00+07:00",
    }
    response = api.post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400 and "intake_details" in response.json()
    response = api.post("/api/v1/cases/", {**body, "intake_details": "Datang"}, format="multipart")
    assert response.status_code == 415


def test_api_404_without_a_route_is_json(api):
    response = api.get("/api/v1/cases/not-a-uuid/")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    page = APIClient().get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
