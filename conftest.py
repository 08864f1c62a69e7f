"""Project-wide pytest fixtures.

Reference data (regions, taxonomies) is loaded once per test database. Transactional tests
(live server, worker process) flush every table when they end, so they reload it first.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"


def _load_reference_data() -> None:
    from simpul.directory.models import TaxonomyTerm
    from simpul.directory.taxonomy import sync_taxonomies
    from simpul.regions.models import Region
    from simpul.regions.services import regions_load

    if not Region.objects.filter(code="31").exists():
        regions_load(province_codes=["31"])
    if not TaxonomyTerm.objects.exists():
        sync_taxonomies(TaxonomyTerm)
    from simpul.children.classification_data import sync_classification
    from simpul.children.models import Category, CategorySubtype, Condition

    if not Category.objects.exists():
        sync_classification(Category, CategorySubtype, Condition)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        _load_reference_data()


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request):  # type: ignore[no-untyped-def]
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        _load_reference_data()


@pytest.fixture(autouse=True)
def _defaults(settings):  # type: ignore[no-untyped-def]
    # Tests assert on the default language (Bahasa Indonesia) unless they switch.
    settings.LANGUAGE_CODE = "id"


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    # Rate-limit counters (API throttles) live in the cache: each test starts with none, so the
    # suite as a whole is never throttled by what earlier tests did.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# --- real Chromium through Playwright -------------------------------------------------------
CHROMIUM = os.environ.get("SIMPUL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    # Playwright's sync API runs an event loop in this thread; Django would then refuse ORM
    # calls made by the test itself (they are still synchronous and safe here).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
