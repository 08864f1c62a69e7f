"""Real Chromium at phone width: the case pages pass axe-core (no serious/critical violations)
and do not scroll sideways."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from simpul.cases import services
from simpul.cases.tests.conftest import INITIAL, open_case
from simpul.testing.auth import login
from simpul.testing.browser import serious_violations as _serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(browser, live_server, user):
    client = Client()
    login(client, user)
    context = browser.new_context(viewport={"width": 375, "height": 800}, base_url=live_server.url)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context, context.new_page()


def _check(page, path):
    page.goto(path)
    assert page.url.endswith(path), page.url
    assert page.locator("h1").count() == 1, path
    assert _serious(page) == [], path
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, (path, width)


def test_case_pages_are_accessible_on_a_phone(browser, live_server, worker, supervisor, child):
    case = open_case(
        worker,
        child,
        supervisor=supervisor,
        outreach_method="coercive",
        coercive_justification="Di jalan tol",
    )
    services.case_note_add(actor=worker, case=case, text="Kontak pertama di lokasi")
    a = services.assessment_save(actor=worker, case=case, kind="initial", data=INITIAL)
    services.assessment_submit(actor=worker, assessment=a)
    services.plan_goal_add(
        actor=worker,
        plan=services.plan_create(actor=worker, case=case),
        description="Kembali sekolah",
    )
    context, page = _page(browser, live_server, worker)
    try:
        for path in (
            "/cases/",
            f"/cases/{case.pk}/",
            f"/cases/{case.pk}/assessments/",
            f"/cases/{case.pk}/assessments/{a.pk}/",
            f"/cases/{case.pk}/assessments/new/full/",
            f"/cases/{case.pk}/plan/",
            f"/cases/{case.pk}/services/",
            f"/cases/{case.pk}/notes/",
            f"/cases/{case.pk}/placements/",
            f"/cases/{case.pk}/placements/new/",
            f"/cases/{case.pk}/documents/",
            f"/cases/{case.pk}/timeline/",
            f"/cases/{case.pk}/risk/",
            f"/cases/{case.pk}/transfer/",
            f"/cases/open/{child.pk}/",
        ):
            _check(page, path)
    finally:
        context.close()
    draft = services.sla_policy_draft_create(actor=supervisor)
    context, page = _page(browser, live_server, supervisor)
    try:
        for path in (
            "/cases/queue/?section=coercive",
            "/cases/overdue/",
            "/cases/sla/",
            f"/cases/sla/{draft.pk}/",
        ):
            _check(page, path)
    finally:
        context.close()
