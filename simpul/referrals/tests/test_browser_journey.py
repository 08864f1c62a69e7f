"""Real Chromium at phone width (390 px): the case worker refers a child to an LKSA from the
case, the LKSA's staff claim and accept it in their queue and record the outcome, and the case
worker sees the loop closed. Screenshots go to test-artifacts/ (referrals-*.png)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from simpul.accounts.models import Role
from simpul.cases.tests.conftest import open_case
from simpul.children.models import Consent
from simpul.directory.models import OrganizationType
from simpul.referrals.models import Referral, ReferralStatus
from simpul.testing.auth import login
from simpul.testing.factories import (
    ChildFactory,
    OrganizationFactory,
    ServiceFactory,
    make_user,
    sudin,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 390


def _page(browser, live_server, user):
    client = Client()
    login(client, user)
    context = browser.new_context(
        viewport={"width": WIDTH, "height": 844}, base_url=live_server.url, locale="id-ID"
    )
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


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, (page.url, width)


def test_refer_accept_complete_loop_closed(browser, live_server, artifacts_dir):
    office = sudin("31.75")
    worker = make_user(Role.CASE_WORKER, office)
    supervisor = make_user(Role.SUPERVISOR, office)
    lksa = OrganizationFactory(name="LKSA Pelita Kasih", org_type=OrganizationType.LKSA)
    ServiceFactory(organization=lksa, capacity_total=20, capacity_occupied=12)
    staff = make_user(Role.ORG_STAFF, lksa)
    child = ChildFactory()
    case = open_case(worker, child, supervisor=supervisor)
    consent = Consent.objects.create(
        child=child,
        purpose=Consent.Purpose.SHARING,
        given_by_name="Ibu Sari",
        given_by_relationship="mother",
        method=Consent.Method.WRITTEN,
    )
    consent.organizations.add(lksa)

    # The case worker refers from the case.
    context, page = _page(browser, live_server, worker)
    try:
        page.goto(f"/cases/{case.pk}/")
        page.locator("a.refer-link").click()
        page.select_option("select[name=service_type]", "residential-care")
        page.select_option("select[name=urgency]", "high")
        page.locator("form[method=get] button[type=submit]").click()
        page.wait_for_selector("form.composer")
        page.check(f"input[name=to_organization][value='{lksa.pk}']")
        page.fill("textarea[name=reason]", "Butuh tempat tinggal sementara")
        _no_sideways_scroll(page)
        page.screenshot(path=str(artifacts_dir / "referrals-composer-390.png"), full_page=True)
        page.locator("form.composer button[type=submit]").click()
        page.wait_for_url("**/referrals/*/")
    finally:
        context.close()
    referral = Referral.objects.get()
    assert referral.to_organization == lksa and referral.status == ReferralStatus.REQUESTED

    # The LKSA's staff find it in their queue, claim, accept, start and complete it.
    context, page = _page(browser, live_server, staff)
    try:
        page.goto("/referrals/")
        _no_sideways_scroll(page)
        page.screenshot(path=str(artifacts_dir / "referrals-queue-390.png"), full_page=True)
        page.get_by_role("link", name=case.case_number).click()
        page.wait_for_url(f"**/referrals/{referral.pk}/")
        assert "Butuh tempat tinggal sementara" in page.content()
        assert child.full_name not in page.content()  # the name was not shared
        for action in ("claim", "accept", "start"):
            page.locator(f"form[action$='/act/{action}/'] button[type=submit]").click()
            page.wait_for_load_state()
        form = page.locator("form[action$='/act/complete/']")
        form.locator("select[name=outcome]").select_option("got_help")
        form.locator("textarea[name=note]").fill("Anak tinggal di LKSA, sekolah lagi")
        page.screenshot(
            path=str(artifacts_dir / "referrals-detail-receiver-390.png"), full_page=True
        )
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
    finally:
        context.close()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED

    # The case worker sees the loop closed.
    context, page = _page(browser, live_server, worker)
    try:
        page.goto("/referrals/outgoing/")
        _no_sideways_scroll(page)
        page.get_by_role("link", name=case.case_number).click()
        page.wait_for_url(f"**/referrals/{referral.pk}/")
        body = page.content()
        assert "Anak tinggal di LKSA, sekolah lagi" in body
        _no_sideways_scroll(page)
        page.screenshot(path=str(artifacts_dir / "referrals-closed-sender-390.png"), full_page=True)
    finally:
        context.close()
