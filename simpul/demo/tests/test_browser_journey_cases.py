"""The main journey of issue 3 in real Chromium (Debian's package, driven by Playwright).

The demo case worker registers a child whose name is a spelling variant of a child already in the
registry ("Joko" for "Djoko"), sees the duplicate warning with its reasons, opens the existing
record instead (nothing new is saved), opens a case for it, writes the initial and the full
assessment, builds the plan and submits it. The demo supervisor then signs in with a TOTP code,
approves the full assessment and the plan: the case is "plan approved".

The registration, duplicate warning, case workspace and approval pages pass axe-core (no serious
or critical violations); the registration and workspace pages also on a phone (375 px), without
scrolling sideways. Screenshots of every step are kept in test-artifacts/.
"""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.utils import timezone
from django_otp.oath import TOTP

from simpul.accounts.models import User
from simpul.cases.models import Assessment, Case, CasePlan, CaseStatus
from simpul.children import services as child_services
from simpul.children.models import Category, Child
from simpul.demo.network import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS
from simpul.demo.seed import demo_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
EXISTING = "Djoko Prasetyo Wibowo"
VARIANT = "Joko Prasetyo Wibowo"
BIRTH_DATE = dt.date(2013, 4, 12)


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
    demo_seed(force=True, children=False)  # the network and the demo users; the child is made here


@pytest.fixture
def existing_child(demo):
    """The child already in the registry, registered by the demo case worker."""
    worker = User.objects.get(email=DEMO_USERS["case_worker"])
    child = child_services.child_register(
        actor=worker,
        data={
            "full_name": EXISTING,
            "sex": "M",
            "birth_date": BIRTH_DATE,
            "mother_name": "Sri Wahyuni",
            "current_kelurahan": "31.75.01.1001",
            "current_spot": "Perempatan Pasar Rebo",
        },
        confirm_not_duplicate_of=[],
    )
    child_services.child_classify(
        actor=worker,
        child=child,
        category=Category.objects.get(scheme="pmks", code="AJ"),
        is_primary=True,
    )
    return child


class Shots:
    def __init__(self, artifacts_dir) -> None:
        self.dir = artifacts_dir
        self.n = 0

    def __call__(self, page, name: str) -> None:
        self.n += 1
        page.screenshot(
            path=str(self.dir / f"journey-cases-{self.n:02d}-{name}.png"), full_page=True
        )


def _sign_in(page, role: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", DEMO_USERS[role])
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    if role == "supervisor":
        page.wait_for_url("**/accounts/two-factor/**")
        page.fill("input[name=token]", _totp_code())
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


def _check_page(page, label: str, *, phone: bool = False) -> None:
    assert page.locator("h1").count() == 1, label
    assert _axe_serious(page) == [], label
    if phone:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 5, (label, width)


def _move(page, case: Case, status: str) -> None:
    """Press "Move to …" for ``status`` on the case summary."""
    page.goto(f"/cases/{case.pk}/")
    page.locator(f"form:has(input[name=to_status][value={status}]) button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    case.refresh_from_db()
    assert case.status == status, (status, case.status)


def test_register_a_variant_open_the_existing_record_and_get_the_plan_approved(
    browser, live_server, existing_child, artifacts_dir
):
    shot = Shots(artifacts_dir)
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    page = context.new_page()
    try:
        # --- the case worker ---------------------------------------------------------------------
        _sign_in(page, "case_worker")
        page.goto("/children/register/")
        _check_page(page, "registration page")
        # The form in steps: identity, family, then on to the duplicate check.
        page.fill("input[name=full_name]", VARIANT)
        page.check("input[name=sex][value=M]")
        page.fill("input[name=birth_date]", BIRTH_DATE.isoformat())
        shot(page, "register-form")
        page.click("button[value=next]")
        page.fill("input[name=mother_name]", "Sri Wahyuni")
        page.click("button[value=next]")
        page.click("button[value=next]")
        page.click("button[value=check]")
        page.wait_for_selector("#check-heading")

        warning = page.locator("section[aria-labelledby=check-heading]")
        assert EXISTING in warning.inner_text()
        reasons = warning.locator("ol.result-list li ul li").all_inner_texts()
        assert len(reasons) >= 3 and sum(r.startswith("✓") for r in reasons) >= 3, reasons
        _check_page(page, "duplicate warning")
        shot(page, "duplicate-warning")
        assert Child.objects.count() == 1  # nothing saved by the check

        warning.locator(f"a.button[href*='{existing_child.pk}']").click()
        page.wait_for_url(f"**/children/{existing_child.pk}/**")
        assert EXISTING in page.locator("h1").inner_text()
        shot(page, "existing-record")
        assert Child.objects.count() == 1  # the existing record was opened instead

        page.locator(f"a[href='/cases/open/{existing_child.pk}/']").click()
        page.wait_for_url("**/cases/open/**")
        page.select_option("select[name=intake_channel]", "outreach")
        page.fill("textarea[name=intake_details]", "Ditemui lagi saat penjangkauan di Pasar Rebo.")
        page.select_option("select[name=outreach_method]", "persuasive")
        shot(page, "open-case")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/cases/*/")
        case = Case.objects.get(child=existing_child)
        if case.status == CaseStatus.REPORTED:  # reported before the record existed: confirm first
            _move(page, case, CaseStatus.REGISTERED)
        _move(page, case, CaseStatus.INITIAL_ASSESSMENT)
        _check_page(page, "case workspace")
        shot(page, "workspace")

        page.goto(f"/cases/{case.pk}/assessments/new/initial/")
        page.fill("textarea[name=safety_concerns]", "Tidur di emperan pasar; rawan kekerasan.")
        page.select_option("select[name=risk_level_proposed]", "medium")
        page.select_option("select[name=recommendation]", "full_assessment")
        shot(page, "initial-assessment")
        page.locator("button[name=submit]").click()
        page.wait_for_url(f"**/cases/{case.pk}/assessments/")
        assert (
            case.assessments.get(kind=Assessment.Kind.INITIAL).status == Assessment.Status.SUBMITTED
        )

        _move(page, case, CaseStatus.FULL_ASSESSMENT)
        page.goto(f"/cases/{case.pk}/assessments/new/full/")
        for name, text in {
            "safety": "Aman selama di rumah singgah.",
            "family": "Ibu tinggal di Bekasi, mau dihubungi.",
            "strengths": "Rajin dan mau belajar.",
            "needs": "Akta kelahiran, kembali sekolah.",
            "child_views": "Ingin sekolah lagi dan tinggal dengan ibu.",
        }.items():
            page.fill(f"textarea[name={name}]", text)
        shot(page, "full-assessment")
        page.locator("button[name=submit]").click()
        page.wait_for_url(f"**/cases/{case.pk}/assessments/")
        full = case.assessments.get(kind=Assessment.Kind.FULL)
        assert full.status == Assessment.Status.SUBMITTED
        _check_page(page, "assessments tab")
        shot(page, "assessments")

        page.goto(f"/cases/{case.pk}/plan/")
        page.locator(f"form[action='/cases/{case.pk}/plan/new/'] button").click()
        page.wait_for_load_state("networkidle")
        page.fill("textarea[name=description]", "Anak kembali bersekolah dan diasuh ibunya.")
        page.locator("form[action$='/goals/'] button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        page.locator("a[href*='/actions/']").first.click()
        page.wait_for_url("**/actions/")
        page.fill("textarea[name=description]", "Mendaftarkan anak ke kelas paket A.")
        page.fill(
            "input[name=due_date]", (timezone.localdate() + dt.timedelta(days=30)).isoformat()
        )
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"**/cases/{case.pk}/plan/")
        page.locator("form[action$='/submit/'] button").click()
        page.wait_for_load_state("networkidle")
        plan = case.plans.get()
        assert plan.status == CasePlan.Status.SUBMITTED
        assert plan.goals.get().actions.count() == 1
        shot(page, "plan-submitted")
        page.locator(
            "header form[action*='logout'] button, form[action*='logout'] button"
        ).first.click()
        page.wait_for_load_state("networkidle")

        # --- the supervisor ----------------------------------------------------------------------
        _sign_in(page, "supervisor")
        page.goto("/cases/queue/?section=assessments")
        assert existing_child.full_name in page.locator("main").inner_text()
        _check_page(page, "approval queue")
        shot(page, "queue")
        page.goto(f"/cases/{case.pk}/assessments/{full.pk}/")
        _check_page(page, "assessment approval")
        page.check("input[name=decision][value=approve]")
        page.locator("form[action$='/decide/'] button[type=submit]").click()
        page.wait_for_url(f"**/cases/{case.pk}/assessments/")
        full.refresh_from_db()
        assert full.status == Assessment.Status.APPROVED

        page.goto(f"/cases/{case.pk}/plan/")
        _check_page(page, "plan approval")
        shot(page, "plan-approval")
        page.check("input[name=decision][value=approve]")
        page.locator("form[action$='/decide/'] button[type=submit]").click()
        page.wait_for_url(f"**/cases/{case.pk}/plan/")
        plan.refresh_from_db()
        case.refresh_from_db()
        assert plan.status == CasePlan.Status.APPROVED
        assert case.status == CaseStatus.PLAN_APPROVED
        page.goto(f"/cases/{case.pk}/")
        _check_page(page, "workspace after approval")
        shot(page, "plan-approved")
    finally:
        context.close()

    # --- the registration and workspace pages on a phone ------------------------------------------
    phone = browser.new_context(viewport=PHONE, base_url=live_server.url)
    page = phone.new_page()
    try:
        _sign_in(page, "case_worker")
        page.goto("/children/register/")
        _check_page(page, "registration page (phone)", phone=True)
        shot(page, "phone-register")
        page.fill("input[name=full_name]", VARIANT)
        page.check("input[name=sex][value=M]")
        page.fill("input[name=birth_date]", BIRTH_DATE.isoformat())
        for _step in range(3):  # identity → family → location and school → disability
            page.click("button[value=next]")
        page.click("button[value=check]")
        page.wait_for_selector("#check-heading")
        _check_page(page, "duplicate warning (phone)", phone=True)
        shot(page, "phone-duplicate-warning")
        for tab in ("", "assessments/", "plan/"):
            page.goto(f"/cases/{case.pk}/{tab}")
            _check_page(page, f"workspace {tab or 'summary'} (phone)", phone=True)
        shot(page, "phone-workspace-plan")
    finally:
        phone.close()
