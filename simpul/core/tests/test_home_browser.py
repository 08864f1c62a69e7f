"""The home page in real Chromium on a phone (390 px wide): the cards stack in one column, most
urgent first, nothing scrolls sideways, and the page passes axe-core (no serious or critical
violation). Screenshots are kept in test-artifacts/ (home-phone-*.png, home-desktop-*.png)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from simpul.accounts.models import Role
from simpul.cases.models import (
    Assessment,
    CaseAssignment,
    CaseDeadline,
    CasePlan,
    CaseTask,
    PlanAction,
    PlanGoal,
)
from simpul.directory.models import OrganizationType
from simpul.testing.auth import login
from simpul.testing.factories import (
    CaseFactory,
    ChildFactory,
    OrganizationFactory,
    ServiceFactory,
    make_user,
    sudin,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _open(browser, live_server, user, viewport):
    client = Client()
    login(client, user)
    context = browser.new_context(viewport=viewport, base_url=live_server.url)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "id", "url": live_server.url},
        ]
    )
    return context, context.new_page()


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    return [
        f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in Axe().run(page).response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


@pytest.fixture
def work():
    """A Jakarta Timur supervisor and case worker with real work waiting, and an LKSA with a
    plan action and a service whose places were last counted long ago."""
    timur = sudin("31.75")
    supervisor = make_user(Role.SUPERVISOR, timur, full_name="Sri Wahyuningsih")
    worker = make_user(Role.CASE_WORKER, timur, full_name="Agus Salim")
    lksa = OrganizationFactory(org_type=OrganizationType.LKSA, name="LKSA Kasih Bunda")
    staff = make_user(Role.ORG_STAFF, lksa, full_name="Maria Ulfa")
    now = timezone.now()
    names = ["Ayu Lestari Ningsih", "Bima Pratama", "Citra Maharani", "Dimas Wicaksono"]
    for i, name in enumerate(names):
        case = CaseFactory(
            child=ChildFactory(full_name=name),
            case_worker=worker,
            is_sensitive=i == 0,
            reported_at=now - dt.timedelta(days=i + 1),
        )
        CaseDeadline.objects.create(
            case=case, milestone="initial_assessment", due_at=now + dt.timedelta(days=2 * i - 3)
        )
        Assessment.objects.create(
            case=case, kind="full", form_version="1", status="submitted", submitted_at=now
        )
        plan = CasePlan.objects.create(case=case, status="approved")
        goal = PlanGoal.objects.create(plan=plan, description="Kembali ke keluarga")
        PlanAction.objects.create(
            goal=goal,
            description="Pengasuhan sementara dan pendampingan harian di LKSA selama asesmen keluarga",
            responsible_organization=lksa,
            due_date=timezone.localdate() + dt.timedelta(days=i * 3 - 1),
        )
        CaseAssignment.objects.create(case=case, organization=lksa, kind="plan_action")
    CaseTask.objects.create(
        case=case,
        kind="transition_review",
        title="Transisi",
        due_on=timezone.localdate() + dt.timedelta(days=40),
    )
    service = ServiceFactory(organization=lksa, name="Pengasuhan anak dalam lembaga")
    ServiceFactory._meta.model.objects.filter(pk=service.pk).update(
        capacity_updated_at=now - dt.timedelta(days=50)
    )
    return {"supervisor": supervisor, "case_worker": worker, "org_staff": staff}


@pytest.mark.parametrize("role", ["supervisor", "case_worker", "org_staff"])
def test_the_home_page_stacks_its_cards_on_a_phone(browser, live_server, work, artifacts_dir, role):
    context, page = _open(browser, live_server, work[role], PHONE)
    try:
        page.goto("/")
        assert page.locator("h1").count() == 1
        cards = page.locator(".home-card")
        assert cards.count() >= 3
        boxes = [cards.nth(i).bounding_box() for i in range(cards.count())]
        # One column: every card starts at the same left edge and takes the width.
        assert len({round(b["x"]) for b in boxes}) == 1, boxes
        assert all(b["width"] >= PHONE["width"] - 60 for b in boxes), boxes
        assert all(boxes[i]["y"] < boxes[i + 1]["y"] for i in range(len(boxes) - 1))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], width
        # Most urgent first: the first card has something overdue.
        assert cards.first.get_attribute("data-urgency") == "overdue"
        assert _serious(page) == []
        page.screenshot(path=str(artifacts_dir / f"home-phone-{role}.png"), full_page=True)
        # The restricted child's name is masked for the supervisor, not for her case worker.
        body = page.content()
        if role == "supervisor":
            assert "Ayu Lestari" not in body and "A••• L••• N•••" in body
        if role == "case_worker":
            assert "Ayu Lestari Ningsih" in body
        if role == "org_staff":
            assert "Ayu Lestari" not in body
            capacity = page.locator('[data-card="directory.capacity"] a[href*="/capacity/"]')
            assert capacity.count() == 1
            capacity.click()
            page.wait_for_url("**/capacity/")
            assert page.locator('input[name="occupied"]').count() == 1
    finally:
        context.close()


def test_the_home_page_on_a_desktop_uses_columns(browser, live_server, work, artifacts_dir):
    context, page = _open(browser, live_server, work["supervisor"], DESKTOP)
    try:
        page.goto("/")
        boxes = [c.bounding_box() for c in page.locator(".home-card").all()]
        assert len({round(b["x"]) for b in boxes}) > 1  # side by side
        assert _serious(page) == []
        page.screenshot(path=str(artifacts_dir / "home-desktop-supervisor.png"), full_page=True)
    finally:
        context.close()
