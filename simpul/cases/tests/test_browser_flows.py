"""Real Chromium at phone width (390 px): the case list shows case, child, status, risk and next
deadline without sideways scrolling, filters folded; the approval queue does not scroll sideways;
the partner picker searches and keeps what was chosen, in the plan-action and consent forms.
Screenshots go to test-artifacts/ (flows-*.png)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

from simpul.cases import services
from simpul.cases.models import PlanAction
from simpul.cases.tests.conftest import INITIAL, open_case
from simpul.children.models import Consent
from simpul.directory.models import OrganizationType, TaxonomyTerm
from simpul.testing.auth import login
from simpul.testing.browser import serious_violations as _serious
from simpul.testing.factories import ChildFactory, OrganizationFactory, ServiceFactory, kelurahan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 390


def _page(browser, live_server, user, width=WIDTH):
    client = Client()
    login(client, user)
    context = browser.new_context(
        viewport={"width": width, "height": 844}, base_url=live_server.url, locale="id-ID"
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


def _inside(page, locator):
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    return box


def _settled(page):
    """No htmx request, swap or settle under way (a click during one would be re-rendered)."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def _network():
    """Twelve partners; two we will look for, in different kecamatan, with places free."""
    street = TaxonomyTerm.objects.filter(taxonomy="pmks-child").order_by("sort_order")[0]
    kel_a = kelurahan()
    kel_b = type(kel_a).objects.filter(level=4).exclude(parent=kel_a.parent).order_by("code")[0]
    kasih = OrganizationFactory(name="LKSA Kasih Bunda", kelurahan=kel_a)
    ServiceFactory(organization=kasih, capacity_total=20, capacity_occupied=12)
    kasih.services.first().categories_served.add(street)
    sayap = OrganizationFactory(
        name="Yayasan Sayap Ibu", org_type=OrganizationType.YAYASAN, kelurahan=kel_b
    )
    ServiceFactory(organization=sayap, capacity_total=6, capacity_occupied=6)
    for i in range(10):
        ServiceFactory(organization=OrganizationFactory(name=f"Rumah Singgah Pelita {i:02d}"))
    return kasih, sayap


def test_case_list_and_partner_picker_on_a_phone(
    browser, live_server, worker, supervisor, artifacts_dir
):
    for risk in ("high", "medium", "low", "none", "high", "medium"):
        open_case(worker, ChildFactory(), supervisor=supervisor, risk_level=risk)
    case = open_case(worker, ChildFactory(), supervisor=supervisor)
    kasih, sayap = _network()
    from simpul.children.services import consent_record

    consent_record(
        actor=worker,
        child=case.child,
        purpose=Consent.Purpose.SHARING,
        organizations=[kasih, sayap],
        given_by_name="Ibu Sari",
        given_by_relationship="mother",
        method=Consent.Method.WRITTEN,
    )
    plan = services.plan_create(actor=worker, case=case)
    goal = services.plan_goal_add(actor=worker, plan=plan, description="Kembali sekolah")
    services.assessment_submit(
        actor=worker,
        assessment=services.assessment_save(actor=worker, case=case, kind="initial", data=INITIAL),
    )

    context, page = _page(browser, live_server, worker)
    try:
        # --- the case list: five facts per case on the first screen, filters folded ---------
        page.goto("/cases/")
        _no_sideways_scroll(page)
        assert page.locator("details.filter-fold").evaluate("d => d.open") is False
        first = page.locator("table.case-table tbody tr").first
        for i in range(5):  # case, child, status, risk, next deadline: all on screen
            _inside(page, first.locator("td").nth(i))
        risk = _inside(page, first.locator("td").nth(3))
        due = _inside(page, first.locator("td").nth(4))
        assert due["y"] + due["height"] < 844, due  # the first case is whole on the first screen
        assert risk["y"] < due["y"]
        assert first.locator("td").nth(4).inner_text().strip() != ""
        assert _serious(page) == []
        page.screenshot(path=str(artifacts_dir / "flows-case-list-390.png"), full_page=True)
        page.locator("details.filter-fold > summary").click()
        assert page.locator("details.filter-fold form").is_visible()
        page.screenshot(path=str(artifacts_dir / "flows-case-list-filters-390.png"))

        # --- the plan action's partner picker ------------------------------------------------
        page.goto(f"/cases/{case.pk}/plan/goals/{goal.pk}/actions/")
        _no_sideways_scroll(page)
        assert page.locator("[data-picker-fallback]").is_hidden()
        results = page.locator("#id_responsible_organization_results")
        search = page.locator("#id_responsible_organization_q")
        assert search.is_visible()
        search.fill("kasih")
        page.wait_for_function(
            "() => !document.querySelector('#id_responsible_organization_results')"
            ".innerText.includes('Pelita')"
        )
        _settled(page)
        assert "LKSA Kasih Bunda" in results.inner_text()
        assert "8 tempat kosong" in results.inner_text() or "8 free places" in results.inner_text()
        # Enter searches; it does not submit the form.
        with page.expect_response(lambda r: "/directory/picker/" in r.url):
            search.press("Enter")
        _settled(page)
        assert page.url.endswith("/actions/")
        page.check(f"#id_responsible_organization_{kasih.pk}")
        # Another search keeps the chosen partner on top, checked.
        search.fill("")
        more = page.locator("#id_responsible_organization details.picker-more")
        assert more.evaluate("d => d.open") is False  # the search first; the filters one tap away
        more.locator("summary").click()
        page.select_option("#id_responsible_organization_type", "yayasan")
        page.wait_for_function(
            "() => document.querySelector('#id_responsible_organization_results')"
            ".innerText.includes('Sayap')"
        )
        _settled(page)
        assert page.locator(f"#id_responsible_organization_{kasih.pk}").is_checked()
        _no_sideways_scroll(page)
        assert _serious(page) == []
        page.screenshot(
            path=str(artifacts_dir / "flows-picker-plan-action-390.png"), full_page=True
        )
        page.fill("#id_description", "Bimbingan belajar")
        page.fill("#id_due_date", (dt.date.today() + dt.timedelta(days=14)).isoformat())
        page.locator("form.narrow button[type=submit]").first.click()
        page.wait_for_url(f"**/cases/{case.pk}/plan/")
        action = PlanAction.objects.get(goal=goal)
        assert action.responsible_organization == kasih

        # --- the consent form: several partners ticked across searches ------------------------
        page.goto(f"/children/{case.child_id}/consents/add/")
        _no_sideways_scroll(page)
        page.select_option("#id_purpose", Consent.Purpose.SHARING)
        search = page.locator("#id_organizations_q")
        search.fill("kasih")
        page.wait_for_function(
            "() => !document.querySelector('#id_organizations_results').innerText.includes('Pelita')"
        )
        _settled(page)
        page.check(f"#id_organizations_{kasih.pk}")
        search.fill("sayap")
        page.wait_for_function(
            "() => document.querySelector('#id_organizations_results').innerText.includes('Sayap')"
            " && !document.querySelector('#id_organizations_results').innerText.includes('Pelita')"
        )
        _settled(page)
        page.check(f"#id_organizations_{sayap.pk}")
        assert page.locator(f"#id_organizations_{kasih.pk}").is_checked()
        page.screenshot(path=str(artifacts_dir / "flows-picker-consent-390.png"), full_page=True)
        page.fill("#id_given_by_name", "Bapak Joko")
        page.select_option("#id_given_by_relationship", "father")
        page.select_option("#id_method", Consent.Method.VERBAL_WITNESSED)
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url(f"**/children/{case.child_id}/")
        latest = Consent.objects.filter(child=case.child).order_by("-created_at").first()
        assert set(latest.organizations.all()) == {kasih, sayap}
    finally:
        context.close()

    # --- the approval queue at phone width -----------------------------------------------------
    context, page = _page(browser, live_server, supervisor)
    try:
        page.goto("/cases/queue/")
        _no_sideways_scroll(page)
        row = page.locator("table.queue-table tbody tr").first
        for i in range(5):
            _inside(page, row.locator("td").nth(i))
        assert _serious(page) == []
        page.screenshot(path=str(artifacts_dir / "flows-queue-390.png"), full_page=True)
    finally:
        context.close()

    # --- on a wide screen: the table with its header, the filters open beside it ---------------
    context, page = _page(browser, live_server, supervisor, width=1280)
    try:
        page.goto("/cases/")
        assert page.locator("details.filter-fold").evaluate("d => d.open") is True
        assert page.locator("table.case-table thead").is_visible()
        page.screenshot(path=str(artifacts_dir / "flows-case-list-1280.png"))
    finally:
        context.close()
