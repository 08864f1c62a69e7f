"""Real Chromium at phone width: the children pages pass axe-core (no serious/critical
violations) and fit a 375px screen."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from simpul.testing.auth import login_verified

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser, live_server, supervisor):
    client = Client()
    login_verified(client, supervisor)
    context = browser.new_context(viewport={"width": 375, "height": 800}, base_url=live_server.url)
    cookie = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }
    context.add_cookies([{**cookie, "url": live_server.url}])
    page = context.new_page()
    yield page
    context.close()


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


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
    register(supervisor, full_name="Djoko Soesilo")
    page.goto("/children/register/")
    page.fill("#id_full_name", "Joko Susilo")
    page.check("input[name=sex][value=M]")
    page.fill("#id_birth_date", "2012-03-14")
    page.fill("#id_mother_name", "Sumarni")
    page.click("button[value=check]")
    assert page.locator("text=Djoko Soesilo").count() >= 1
    assert _serious(page) == []


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
