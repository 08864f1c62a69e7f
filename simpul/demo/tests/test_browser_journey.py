"""The main journey of the foundation in real Chromium (Debian's package, driven by Playwright):
the supervisor signs in with a TOTP code, finds an LKSA in Jakarta Timur with free places and
opens its profile. The sign-in, directory and profile pages pass axe-core (no serious or
critical violations) on a desktop and on a phone. Screenshots are kept in test-artifacts/."""

from __future__ import annotations

import base64

import pytest
from django_otp.oath import TOTP

from simpul.demo.network import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS
from simpul.demo.seed import demo_seed
from simpul.directory.models import Organization, OrganizationType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}


def _axe_serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v.get("impact") in ("serious", "critical")
    ]


def _totp_code() -> str:
    return f"{TOTP(base64.b32decode(DEMO_TOTP_SECRET)).token():06d}"


@pytest.fixture
def demo(settings):
    settings.DEMO = True
    demo_seed(force=True, children=False)  # this journey needs the network and users only


def _sign_in_as_supervisor(page, artifacts_dir, label: str) -> None:
    page.goto("/accounts/login/")
    assert _axe_serious(page) == [], "sign-in page"
    page.screenshot(path=str(artifacts_dir / f"journey-{label}-1-sign-in.png"), full_page=True)
    page.fill("input[name=username]", DEMO_USERS["supervisor"])
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/two-factor/**")
    assert _axe_serious(page) == [], "two-factor page"
    page.fill("input[name=token]", _totp_code())
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


@pytest.mark.parametrize("label", list(VIEWPORTS))
def test_supervisor_finds_an_lksa_in_jakarta_timur_with_free_places(
    browser, live_server, demo, artifacts_dir, label
):
    context = browser.new_context(viewport=VIEWPORTS[label], base_url=live_server.url)
    page = context.new_page()
    try:
        _sign_in_as_supervisor(page, artifacts_dir, label)

        page.goto("/directory/")
        page.select_option("#id_org_type", OrganizationType.LKSA)
        page.select_option("#id_kota", "31.75")
        page.check("#id_has_free_capacity")
        page.locator("form.filters button[type=submit]").click()
        page.wait_for_url("**has_free_capacity=on**")
        page.wait_for_load_state("networkidle")
        assert _axe_serious(page) == [], "directory page"
        page.screenshot(
            path=str(artifacts_dir / f"journey-{label}-2-directory.png"), full_page=True
        )

        results = page.locator("#results .result-title a")
        assert results.count() > 0
        names = results.all_inner_texts()
        expected = set(
            Organization.objects.filter(
                org_type=OrganizationType.LKSA, kota_code="31.75"
            ).values_list("name", flat=True)
        )
        assert set(names) <= expected  # every result is an LKSA in Jakarta Timur

        first = names[0]
        results.first.click()
        page.wait_for_selector("h1")
        assert page.locator("h1").inner_text() == first
        org = Organization.objects.get(name=first)
        assert org.kota_code == "31.75"
        assert any(s.capacity_free for s in org.services.all() if s.capacity_free)
        assert "Jakarta Timur" in page.locator("main").inner_text()
        assert _axe_serious(page) == [], "profile page"
        page.screenshot(path=str(artifacts_dir / f"journey-{label}-3-profile.png"), full_page=True)
        if label == "phone":
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= VIEWPORTS["phone"]["width"] + 5, width
    finally:
        context.close()
