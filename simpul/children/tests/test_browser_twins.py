"""Real Chromium at phone width: the merge page of a pair that may be twins warns, asks for the
confirmation, passes axe-core and fits a 375px screen; without the box ticked nothing merges."""

from __future__ import annotations

import datetime as dt

import pytest

from simpul.children.models import Child
from simpul.testing.browser import serious_violations as _serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
