"""OpenAPI schema and the docs page (assets served locally, never from a CDN)."""

from __future__ import annotations

import re

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/organizations/",
    "/api/v1/organizations/{id}/",
    "/api/v1/services/",
    "/api/v1/services/{id}/",
    "/api/v1/services/{id}/capacity/",
    "/api/v1/regions/",
    "/api/v1/regions/{code}/",
    "/api/v1/regions/{code}/children/",
    "/api/v1/me/",
    "/api/v1/hsds/",
    "/api/v1/hsds/organizations",
    "/api/v1/hsds/organizations/{id}",
    "/api/v1/hsds/services",
    "/api/v1/hsds/services/{id}",
    "/api/v1/hsds/service_at_locations",
    "/api/v1/hsds/service_at_locations/{id}",
]


def test_schema_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    assert set(PATHS) <= set(schema["paths"])
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_schema_endpoint_lists_the_paths(api, outsider):
    assert api.get(reverse("api:schema")).status_code == 401
    api.force_authenticate(outsider)
    response = api.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    assert set(PATHS) <= set(response.json()["paths"])


def test_docs_page_uses_only_local_assets(client, outsider):
    assert client.get(reverse("api:docs")).status_code in (401, 403)
    client.force_login(outsider)
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert any("swagger-ui" in url for url in urls), urls
    remote = [u for u in urls if re.match(r"^(https?:)?//", u)]
    assert remote == [], remote
    assert not re.search(r"""import\s*\(?\s*["']https?://""", html)
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html
    for url in urls:
        if url.startswith("/static/"):
            assert client.get(url).status_code == 200, url
