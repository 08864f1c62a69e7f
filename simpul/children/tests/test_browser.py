"""Real Chromium at phone width: the children pages pass axe-core (no serious/critical
violations) and fit a 375px screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from simpul.testing.auth import login_verified
from simpul.testing.browser import serious_violations as _serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_children_pages_are_accessible_on_a_phone(page, supervisor, register):
    a = register(
        supervisor,
        full_name="Muhammad Rizky Pratama",
        mother_name="Siti Aminah",
        nik="3175011403120002",
        guardians=[{"full_name": "Siti Aminah", "relationship": "mother", "phone": "0812"}],
    )
    b = register(supervisor, full_name="M. Rizki Pratama", mother_name="Siti Aminah")
    for path in (
        "/children/",
        "/children/?q=rizki",
        "/children/register/",
        f"/children/{a.pk}/",
        f"/children/{a.pk}/classification/",
        f"/children/{a.pk}/edit/",
        f"/children/{a.pk}/duplicates/",
        f"/children/{a.pk}/consents/add/",
        "/children/duplicates/",
        f"/children/merge/?a={a.pk}&b={b.pk}",
    ):
        page.goto(path)
        assert page.url.endswith(path), page.url
        assert page.locator("h1").count() == 1, path
        assert _serious(page) == [], path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 380, (path, width)


def test_register_shows_the_variant_before_saving(page, supervisor, register):
    """The form in steps: identity, family, then on to the duplicate check (nothing saved),
    the confirmation, and the registration."""
    register(supervisor, full_name="Djoko Soesilo")
    page.goto("/children/register/")
    page.fill("#id_full_name", "Joko Susilo")
    page.check("input[name=sex][value=M]")
    page.fill("#id_birth_date", "2012-03-14")
    page.click("button[value=next]")
    page.fill("#id_mother_name", "Sumarni")
    page.click("button[value=next]")
    page.click("button[value=next]")
    assert _serious(page) == []
    page.click("button[value=check]")
    assert page.locator("text=Djoko Soesilo").count() >= 1
    assert _serious(page) == []
    page.click("button[value=review]")
    assert page.locator("text=Sumarni").count() >= 1  # the summary of what will be saved
    assert _serious(page) == []
    page.click("button[value=confirm]")
    page.wait_for_selector("text=ANK-")
    assert "/register/" not in page.url


def _walk_registration(page, heights: dict[str, int], label: str, artifacts: Path) -> None:
    """Fill each step of the registration as a worker would and record its page height."""
    page.goto("/children/register/")

    def press(selector: str) -> None:
        with page.expect_navigation():
            page.click(selector)

    def measure(step: str) -> None:
        # The content's height (the body), not the window's: a short step is shorter than it.
        heights[f"{label} {step}"] = page.evaluate(
            "Math.ceil(document.body.getBoundingClientRect().height)"
        )
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"] + 5, (label, step, width)
        page.screenshot(path=str(artifacts / f"register-{label}-{step}.png"), full_page=True)

    measure("1-identity")
    page.fill("#id_full_name", "Putri Ayu Lestari")
    page.check("input[name=sex][value=F]")
    page.fill("#id_birth_date", "2013-07-02")
    press("button[value=next]")
    measure("2-family")
    page.fill("#id_mother_name", "Wulandari")
    press("button[value=next]")
    measure("3-location")
    press("button[value=next]")
    measure("4-conditions")
    press("button[value=check]")
    measure("5-check")
    press("button[value=review]")
    measure("6-confirm")


def test_each_registration_step_is_short_on_desktop_and_phone(
    browser, live_server, supervisor, artifacts_dir
):
    """The old one-page form was about 3,800 px tall on a desktop. Each step now fits a desktop
    screen or two; heights and screenshots go to test-artifacts/ (register-*.png)."""
    client = Client()
    login_verified(client, supervisor)
    cookie = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }
    heights: dict[str, int] = {}
    for label, viewport in (
        ("desktop", {"width": 1366, "height": 900}),
        ("phone", {"width": 375, "height": 800}),
    ):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        context.add_cookies([{**cookie, "url": live_server.url}])
        _walk_registration(context.new_page(), heights, label, artifacts_dir)
        context.close()
    (artifacts_dir / "register-step-heights.txt").write_text(
        "\n".join(f"{k}: {v}px" for k, v in heights.items()) + "\n"
    )
    desktop = {k: v for k, v in heights.items() if k.startswith("desktop")}
    assert max(desktop.values()) < 1600, heights
    assert max(heights.values()) < 3800, heights


def test_import_pages_are_accessible_on_a_phone(page, supervisor, register, tmp_path):
    """Upload through the page; the check runs inline (TASKS_IMMEDIATE) and the preview shows
    the possible duplicate with its decision."""
    from simpul.children.tests.test_import import row, xlsx

    register(supervisor, full_name="Djoko Soesilo", mother_name="Soemarni")
    file = tmp_path / "anak.xlsx"
    file.write_bytes(
        xlsx(
            [
                row(nama_lengkap="Joko Susilo", nama_ibu="Sumarni"),
                row(
                    nama_lengkap="Rina",
                    jenis_kelamin="P",
                    tanggal_lahir="",
                    usia_perkiraan=8,
                    alasan_perkiraan="anak",
                ),
            ]
        ).read()
    )
    page.goto("/children/import/")
    assert _serious(page) == []
    page.set_input_files("#id_file", str(file))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_selector("input[name=decision-2]", timeout=10000)
    assert page.locator("text=Djoko Soesilo").count() >= 1
    assert _serious(page) == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, width
    page.check("#d2-import")
    page.click("button[value=accept]")
    page.wait_for_selector("text=ANK-", timeout=10000)
    assert _serious(page) == []
    page.goto("/children/import/")
    assert _serious(page) == []
