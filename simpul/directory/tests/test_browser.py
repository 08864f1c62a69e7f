"""Real Chromium at phone width: the directory pages pass axe-core (no serious/critical
violations) and the htmx chained select and filters work."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from simpul.testing.browser import serious_violations as _serious
from simpul.testing.factories import ServiceFactory, term

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _session_cookie(user) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }


@pytest.fixture
def page(browser, live_server, lksa_admin):
    context = browser.new_context(viewport={"width": 375, "height": 800}, base_url=live_server.url)
    cookie = _session_cookie(lksa_admin)
    context.add_cookies([{**cookie, "url": live_server.url}])
    page = context.new_page()
    yield page
    context.close()


def test_directory_pages_are_accessible_on_a_phone(page, lksa):
    service = ServiceFactory(organization=lksa, name="Pengasuhan anak")
    service.categories_served.add(term("pmks-child", "AT"))
    for path in (
        "/directory/",
        f"/directory/{lksa.pk}/",
        f"/directory/{lksa.pk}/edit/",
        f"/directory/services/{service.pk}/capacity/",
        f"/directory/{lksa.pk}/services/new/",
    ):
        page.goto(path)
        assert page.url.endswith(path), page.url  # signed in, not redirected to the login page
        assert page.locator("h1").count() == 1, path
        assert _serious(page) == [], path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 380, (path, width)


def test_chained_select_loads_kecamatan_then_kelurahan(page, lksa):
    from simpul.regions.models import Region

    page.goto(f"/directory/{lksa.pk}/edit/")
    kota = (
        Region.objects.filter(level=2)
        .exclude(code=lksa.kelurahan.code[:5])
        .order_by("code")
        .first()
    )
    kecamatan = Region.objects.filter(parent=kota).order_by("name").first()
    kelurahan = Region.objects.filter(parent=kecamatan).order_by("name").first()
    page.select_option("#id_kelurahan_kota", kota.code)
    page.wait_for_selector(
        f'#id_kelurahan_kecamatan option[value="{kecamatan.code}"]', state="attached"
    )
    page.select_option("#id_kelurahan_kecamatan", kecamatan.code)
    page.wait_for_selector(f'#id_kelurahan option[value="{kelurahan.code}"]', state="attached")
    page.select_option("#id_kelurahan", kelurahan.code)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/directory/{lksa.pk}/")
    lksa.refresh_from_db()
    assert lksa.kelurahan == kelurahan


def test_filters_update_results_without_reload(page):
    from simpul.testing.factories import OrganizationFactory

    OrganizationFactory(name="Panti Satu", org_type="panti")
    OrganizationFactory(name="LKSA Dua")
    page.goto("/directory/")
    page.evaluate("window.__marker = 1")
    with page.expect_response(lambda r: "org_type=panti" in r.url):
        page.select_option("#id_org_type", "panti")
    page.wait_for_function("!document.querySelector('#results').textContent.includes('LKSA Dua')")
    assert page.evaluate("window.__marker") == 1  # same document: no full reload
    assert "Panti Satu" in page.locator("#results").inner_text()
    assert "org_type=panti" in page.url
