"""Real Chromium at phone width: the merge page of a pair that may be twins warns, asks for the
confirmation, passes axe-core and fits a 375px screen; without the box ticked nothing merges."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

from simpul.children.models import Child
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


def test_merging_possible_twins_on_a_phone_needs_the_box_ticked(page, supervisor, register):
    same = {"mother_name": "Siti Rahayu", "birth_date": dt.date(2016, 2, 10), "sex": "M"}
    a = register(supervisor, full_name="Hasan Saputra", **same)
    b = register(supervisor, full_name="Husein Saputra", **same)
    page.goto(f"/children/merge/?a={a.pk}&b={b.pk}")
    assert page.locator(".badge.danger").first.is_visible()
    box = page.locator("input[name=confirm_twins]")
    assert box.is_visible()
    assert _serious(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 380

    page.check(f"input[name=survivor][value='{a.pk}']")
    page.fill("textarea[name=reason]", "Sama anak")
    with page.expect_navigation():  # the refusal is a new page: wait for it, not the old one
        page.click("form.narrow button[type=submit]")
    assert page.locator("input[name=confirm_twins]").is_visible()  # refused: the form again
    assert Child.objects.get(pk=b.pk).merged_into_id is None
    assert _serious(page) == []

    page.check("input[name=confirm_twins]")
    page.click("form.narrow button[type=submit]")
    page.wait_for_url(f"**/children/{a.pk}/")
    assert Child.objects.get(pk=b.pk).merged_into_id == a.pk
