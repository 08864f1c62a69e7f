"""Every role × every children and cases page and API endpoint → allowed, 403 or 404, plus the
rules of restricted cases (names masked for people not assigned, a reason to open, logged).

The expectations are written out by hand (not derived from simpul.access or the permission
functions), so a rule that grants too much or too little fails here. The world: a child in Jakarta
Timur with a case of the Suku Dinas (the case worker assigned; the LKSA "own" assigned for a plan
action), a restricted (AKTK) case assigned the same way, and a case whose plan waits for the
supervisor. "other_partner" is staff of another LKSA; "nobody" has no active membership.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from simpul.access.scope import mask_name
from simpul.accounts.models import Role
from simpul.cases import services as case_services
from simpul.cases.models import Case, CaseAssignment, CasePlan, CaseStatus
from simpul.children import services as child_services
from simpul.children.models import Category
from simpul.core.models import AccessLog
from simpul.directory.models import Organization, OrganizationType
from simpul.regions.models import Region
from simpul.testing.auth import is_allowed_response, login
from simpul.testing.factories import (
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    make_user,
    sudin,
)

ROLES = [
    "system_admin",
    "supervisor",
    "case_worker",
    "data_operator",
    "analyst",
    "org_admin",
    "org_staff",
    "other_partner",
    "skpd_liaison",
    "donor",
    "nobody",
]
A, F, N = "allowed", 403, 404
R = "reason"  # a redirect to the form asking the reason for opening a restricted case
ALLOWED_CODES = {200, 201, 302}
GOV = ("supervisor", "case_worker", "data_operator")  # Dinas Sosial / Suku Dinas roles with cases
PARTNERS = ("org_admin", "org_staff")  # the LKSA assigned to the cases


def expect(default, **overrides):
    table = {role: default for role in ROLES}
    table.update(overrides)
    return table


def gov(value=A, **overrides):
    """Government roles get ``value``, everyone else 404, then the overrides."""
    return expect(N, **{**{r: value for r in GOV}, **overrides})


# fmt: off
MATRIX = {
    # --- children pages --------------------------------------------------------------------------
    "child search":          expect(F, **{r: A for r in (*GOV, *PARTNERS, "other_partner", "skpd_liaison")}),
    "child register":        expect(F, **{r: A for r in GOV}),
    "child profile":         gov(A, org_admin=A, org_staff=A),
    "child edit":            gov(A, org_admin=F, org_staff=F),
    "child duplicates of":   gov(A, org_admin=F, org_staff=F),
    "child classification":  gov(A, org_admin=A, org_staff=A),
    "child consent add":     gov(A, org_admin=F, org_staff=F),
    "document download":     gov(A),  # partners: documents are not theirs to see → 404
    "merge":                 expect(F, supervisor=A),
    "duplicate scan page":   expect(F, supervisor=A),
    # --- case pages ------------------------------------------------------------------------------
    "case list":             expect(F, **{r: A for r in (*GOV, *PARTNERS, "other_partner", "skpd_liaison")}),
    "caseload (mine)":       expect(F, **{r: A for r in (*GOV, *PARTNERS, "other_partner", "skpd_liaison")}),
    "approval queue":        expect(F, supervisor=A),
    "overdue list":          expect(F, supervisor=A),
    "tab summary":           gov(A, org_admin=A, org_staff=A),
    "tab assessments":       gov(A, org_admin=F, org_staff=F),
    "tab plan":              gov(A, org_admin=A, org_staff=A),
    "tab services":          gov(A, org_admin=A, org_staff=A),
    "tab notes":             gov(A, org_admin=F, org_staff=F),
    "tab placements":        gov(A, org_admin=A, org_staff=A),
    "tab documents":         gov(A, org_admin=F, org_staff=F),
    "tab timeline":          gov(A, org_admin=F, org_staff=F),
    "transition POST":       gov(A, data_operator=F, org_admin=F, org_staff=F),
    "assessment form":       gov(A, data_operator=F, org_admin=F, org_staff=F),
    "plan approve POST":     gov(F, supervisor=A),  # the partners are not on that case
    "restricted summary":    gov(R, case_worker=A, org_admin=R, org_staff=R),
    "restricted profile":    gov(A, org_admin=A, org_staff=A),  # the page asks the reason (200)
    # --- REST API --------------------------------------------------------------------------------
    "api children":          expect(F, **{r: A for r in (*GOV, *PARTNERS, "other_partner", "skpd_liaison")}),
    "api child":             gov(A, org_admin=A, org_staff=A),
    "api child duplicates":  gov(A, org_admin=F, org_staff=F),
    "api register child":    expect(F, **{r: A for r in GOV}),
    "api restricted child":  gov(F, case_worker=A, org_admin=F, org_staff=F),  # no reason given
    "api cases":             expect(F, **{r: A for r in (*GOV, *PARTNERS, "other_partner", "skpd_liaison")}),
    "api case":              gov(A, org_admin=A, org_staff=A),
    "api case assessments":  gov(A, org_admin=F, org_staff=F),
    "api case plans":        gov(A, org_admin=F, org_staff=F),
    "api case plan-actions": gov(A, org_admin=A, org_staff=A),
    "api case services":     gov(A, org_admin=A, org_staff=A),
    "api transition":        gov(A, data_operator=F),  # the partners are not on that case
    "api restricted case":   gov(F, case_worker=A, org_admin=F, org_staff=F),  # no reason given
}
# fmt: on

INITIAL = {
    "safety_concerns": "Tidur di jalan",
    "immediate_danger": "no",
    "immediate_needs": "Makanan",
    "family_contact": "unknown",
    "family_contact_notes": "",
    "health": "Sehat",
    "recommendation": "full_assessment",
    "recommendation_notes": "",
    "risk_level_proposed": "medium",
}
FULL = {
    "safety_rating": "some",
    "safety": "Aman",
    "health_rating": "good",
    "health": "",
    "education_rating": "serious",
    "education": "Putus sekolah",
    "family_rating": "some",
    "family": "Ibu di Bekasi",
    "psychosocial_rating": "good",
    "psychosocial": "",
    "identity_rating": "serious",
    "identity_documents": "Tidak ada akta",
    "strengths": "Semangat",
    "needs": "Akta",
    "child_views": "Ingin sekolah",
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _register(worker, name: str, kel: str = "31.75.01.1001", **extra):
    data = {
        "full_name": name,
        "sex": "F",
        "birth_date": dt.date(2014, 5, 2),
        "current_kelurahan": kel,
        "mother_name": "Sumiati",
        **extra,
    }
    return child_services.child_register(actor=worker, data=data, confirm_not_duplicate_of=[])


def _open(worker, child, **kwargs):
    return case_services.case_open(
        actor=worker,
        child=child,
        intake_channel="outreach",
        intake_details="Penjangkauan",
        reported_at=timezone.now() - dt.timedelta(hours=2),
        outreach_method="persuasive",
        risk_level="medium",
        **kwargs,
    )


@pytest.fixture
def world(db):
    province = Region.objects.get(code="31")
    dinsos = OrganizationFactory(
        name="Dinas Sosial", org_type=OrganizationType.DINSOS, jurisdiction=province
    )
    sudin_timur = sudin("31.75")
    own = OrganizationFactory(name="LKSA Mitra", org_type=OrganizationType.LKSA)
    other = OrganizationFactory(name="LKSA Lain", org_type=OrganizationType.LKSA)
    ppapp = OrganizationFactory(name="Dinas PPAPP", org_type=OrganizationType.SKPD)
    business = OrganizationFactory(name="PT Peduli", org_type=OrganizationType.BUSINESS)
    home = {
        "system_admin": (dinsos, Role.SYSTEM_ADMIN),
        "supervisor": (dinsos, Role.SUPERVISOR),
        "data_operator": (dinsos, Role.DATA_OPERATOR),
        "analyst": (dinsos, Role.ANALYST),
        "case_worker": (sudin_timur, Role.CASE_WORKER),
        "org_admin": (own, Role.ORG_ADMIN),
        "org_staff": (own, Role.ORG_STAFF),
        "other_partner": (other, Role.ORG_STAFF),
        "skpd_liaison": (ppapp, Role.SKPD_LIAISON),
        "donor": (business, Role.DONOR),
    }
    users = {key: make_user(role, organization=org) for key, (org, role) in home.items()}
    users["nobody"] = UserFactory()
    MembershipFactory(user=users["nobody"], organization=own, role=Role.ORG_STAFF, is_active=False)
    worker, supervisor = users["case_worker"], users["supervisor"]

    child = _register(worker, "Sari Wulandari")
    case = _open(worker, child)
    case_services.case_transition(actor=worker, case=case, to_status=CaseStatus.REGISTERED)
    CaseAssignment.objects.create(case=case, organization=own, kind=CaseAssignment.Kind.PLAN_ACTION)
    document = child_services.document_upload(
        actor=worker,
        child=child,
        kind="akta",
        file=SimpleUploadedFile("akta.png", PNG, content_type="image/png"),
    )

    secret = _register(worker, "Melati Kusumawardani", kel="31.75.02.1001")
    child_services.child_classify(
        actor=worker,
        child=secret,
        category=Category.objects.get(scheme="pmks", code="AKTK"),
        is_primary=True,
    )
    restricted = _open(worker, secret)
    CaseAssignment.objects.create(
        case=restricted, organization=own, kind=CaseAssignment.Kind.PLAN_ACTION
    )

    # A case whose plan waits for the supervisor's approval (the partners are not on it).
    waiting_child = _register(worker, "Bagus Prakoso", kel="31.75.03.1001", sex="M")
    waiting = _open(worker, waiting_child)
    for status in (CaseStatus.REGISTERED, CaseStatus.INITIAL_ASSESSMENT):
        case_services.case_transition(actor=worker, case=waiting, to_status=status)
    initial = case_services.assessment_save(
        actor=worker, case=waiting, kind="initial", data=INITIAL
    )
    case_services.assessment_submit(actor=worker, assessment=initial)
    case_services.case_transition(actor=worker, case=waiting, to_status=CaseStatus.FULL_ASSESSMENT)
    full = case_services.assessment_save(actor=worker, case=waiting, kind="full", data=FULL)
    case_services.assessment_submit(actor=worker, assessment=full)
    case_services.assessment_approve(actor=supervisor, assessment=full)
    plan = case_services.plan_create(actor=worker, case=waiting, summary="Kembali sekolah")
    goal = case_services.plan_goal_add(actor=worker, plan=plan, description="Anak bersekolah")
    case_services.plan_action_add(
        actor=worker,
        goal=goal,
        description="Daftar sekolah",
        responsible_organization=sudin_timur,
        due_date=timezone.localdate() + dt.timedelta(days=30),
    )
    case_services.plan_submit(actor=worker, plan=plan)

    # For the API transition (the page transition moves ``case``).
    api_case = _open(worker, _register(worker, "Dimas Anggara", kel="31.75.04.1001", sex="M"))
    case_services.case_transition(actor=worker, case=api_case, to_status=CaseStatus.REGISTERED)
    return {
        "users": users,
        "child": child,
        "case": case,
        "document": document,
        "secret": secret,
        "restricted": restricted,
        "waiting": waiting,
        "plan": plan,
        "api_case": api_case,
        "own": own,
        "other": other,
        "sudin": sudin_timur,
    }


def _request(client, name: str, w: dict):
    child, case, secret, restricted = w["child"], w["case"], w["secret"], w["restricted"]
    get, post = client.get, client.post
    tab = lambda view: get(reverse(f"cases:{view}", args=[case.pk]))  # noqa: E731
    api_json = lambda url, data: post(url, json.dumps(data), content_type="application/json")  # noqa: E731
    calls = {
        "child search": lambda: get(reverse("children:search"), {"q": "Sari"}),
        "child register": lambda: get(reverse("children:register")),
        "child profile": lambda: get(reverse("children:detail", args=[child.pk])),
        "child edit": lambda: get(reverse("children:edit", args=[child.pk])),
        "child duplicates of": lambda: get(reverse("children:duplicates_of", args=[child.pk])),
        "child classification": lambda: get(reverse("children:classification", args=[child.pk])),
        "child consent add": lambda: get(reverse("children:consent_add", args=[child.pk])),
        "document download": lambda: get(
            reverse("children:document_download", args=[w["document"].pk])
        ),
        "merge": lambda: get(
            reverse("children:merge"), {"a": child.pk, "b": w["waiting"].child_id}
        ),
        "duplicate scan page": lambda: get(reverse("children:duplicates")),
        "case list": lambda: get(reverse("cases:list")),
        "caseload (mine)": lambda: get(reverse("cases:list"), {"scope": "mine"}),
        "approval queue": lambda: get(reverse("cases:queue"), {"section": "plans"}),
        "overdue list": lambda: get(reverse("cases:overdue")),
        "tab summary": lambda: tab("detail"),
        "tab assessments": lambda: tab("assessments"),
        "tab plan": lambda: tab("plan"),
        "tab services": lambda: tab("services"),
        "tab notes": lambda: tab("notes"),
        "tab placements": lambda: tab("placements"),
        "tab documents": lambda: tab("documents"),
        "tab timeline": lambda: tab("timeline"),
        "transition POST": lambda: post(
            reverse("cases:transition", args=[case.pk]), {"to_status": "initial_assessment"}
        ),
        "assessment form": lambda: get(reverse("cases:assessment_new", args=[case.pk, "initial"])),
        "plan approve POST": lambda: post(
            reverse("cases:plan_decide", args=[w["waiting"].pk, w["plan"].pk]),
            {"decision": "approve", "note": "Setuju"},
        ),
        "restricted summary": lambda: get(reverse("cases:detail", args=[restricted.pk])),
        "restricted profile": lambda: get(reverse("children:detail", args=[secret.pk])),
        "api children": lambda: get(reverse("api:child-list")),
        "api child": lambda: get(reverse("api:child-detail", args=[child.pk])),
        "api child duplicates": lambda: get(reverse("api:child-duplicates", args=[child.pk])),
        "api register child": lambda: api_json(
            reverse("api:child-list"),
            {
                "full_name": "Rangga Prasetya",
                "sex": "M",
                "birth_date": "2013-02-03",
                "current_kelurahan": "31.75.05.1001",
            },
        ),
        "api restricted child": lambda: get(reverse("api:child-detail", args=[secret.pk])),
        "api cases": lambda: get(reverse("api:case-list")),
        "api case": lambda: get(reverse("api:case-detail", args=[case.pk])),
        "api case assessments": lambda: get(reverse("api:case-assessments", args=[case.pk])),
        "api case plans": lambda: get(reverse("api:case-plans", args=[case.pk])),
        "api case plan-actions": lambda: get(reverse("api:case-plan-actions", args=[case.pk])),
        "api case services": lambda: get(reverse("api:case-services", args=[case.pk])),
        "api transition": lambda: api_json(
            reverse("api:case-transitions", args=[w["api_case"].pk]),
            {"to_status": "initial_assessment"},
        ),
        "api restricted case": lambda: get(reverse("api:case-detail", args=[restricted.pk])),
    }
    return calls[name]()


def _matches(response, expected) -> bool:
    if expected == A:
        return is_allowed_response(response) and "open-restricted" not in response.get(
            "Location", ""
        )
    if expected == R:
        return response.status_code == 302 and "open-restricted" in response["Location"]
    return response.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_children_and_cases(client, world, role):
    login(client, world["users"][role])
    wrong = {}
    for name, table in MATRIX.items():
        response = _request(client, name, world)
        if not _matches(response, table[role]):
            wrong[name] = (table[role], response.status_code, response.get("Location", ""))
    assert wrong == {}, f"{role}: {wrong}"


@pytest.mark.django_db
def test_the_actions_allowed_in_the_matrix_really_happen(client, world):
    login(client, world["users"]["case_worker"])
    client.post(
        reverse("cases:transition", args=[world["case"].pk]), {"to_status": "initial_assessment"}
    )
    assert Case.objects.get(pk=world["case"].pk).status == CaseStatus.INITIAL_ASSESSMENT
    client.post(
        reverse("cases:plan_decide", args=[world["waiting"].pk, world["plan"].pk]),
        {"decision": "approve", "note": ""},
    )
    assert (
        CasePlan.objects.get(pk=world["plan"].pk).status == CasePlan.Status.SUBMITTED
    )  # not theirs to approve
    login(client, world["users"]["supervisor"])
    client.post(
        reverse("cases:plan_decide", args=[world["waiting"].pk, world["plan"].pk]),
        {"decision": "approve", "note": ""},
    )
    assert CasePlan.objects.get(pk=world["plan"].pk).status == CasePlan.Status.APPROVED
    assert Case.objects.get(pk=world["waiting"].pk).status == CaseStatus.PLAN_APPROVED


# --- restricted cases: names masked, a reason to open, logged ----------------------------------
FULL_NAME = "Melati Kusumawardani"
MASKED = mask_name(FULL_NAME)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["supervisor", "data_operator", "org_staff"])
def test_restricted_names_are_masked_in_lists_and_search_for_people_not_assigned(
    client, world, role
):
    login(client, world["users"][role])
    pages = [
        client.get(reverse("cases:list")),
        client.get(reverse("children:search"), {"q": "Melati"}),
        client.get(reverse("api:child-list"), {"q": "Melati"}),
        client.get(reverse("api:case-list")),
    ]
    for response in pages:
        body = response.content.decode()
        assert response.status_code == 200
        assert FULL_NAME not in body and "Kusumawardani" not in body, response.request["PATH_INFO"]
    assert MASKED in pages[0].content.decode()
    assert MASKED in pages[1].content.decode()
    assert MASKED in json.dumps(pages[2].json(), ensure_ascii=False)


@pytest.mark.django_db
def test_the_assigned_case_worker_sees_the_restricted_name(client, world):
    login(client, world["users"]["case_worker"])
    assert FULL_NAME in client.get(reverse("cases:list")).content.decode()
    assert FULL_NAME in client.get(reverse("children:search"), {"q": "Melati"}).content.decode()
    assert (
        FULL_NAME
        in client.get(reverse("cases:detail", args=[world["restricted"].pk])).content.decode()
    )
    assert not AccessLog.objects.filter(action=AccessLog.Action.OPEN_RESTRICTED).exists()


@pytest.mark.django_db
def test_opening_a_restricted_case_needs_a_reason_and_is_logged(client, world):
    supervisor, case = world["users"]["supervisor"], world["restricted"]
    login(client, supervisor)
    url = reverse("cases:restricted_open", args=[case.pk])
    response = client.post(url, {"reason": "cek"})  # too short
    assert response.status_code == 200
    assert not AccessLog.objects.filter(action=AccessLog.Action.OPEN_RESTRICTED).exists()
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 302  # still asked
    reason = "Tinjauan kasus kekerasan untuk rapat koordinasi"
    response = client.post(url, {"reason": reason, "next": reverse("cases:detail", args=[case.pk])})
    assert response.status_code == 302
    row = AccessLog.objects.get(action=AccessLog.Action.OPEN_RESTRICTED)
    assert (row.user, row.reason, row.target_id, row.child_id) == (
        supervisor,
        reason,
        str(case.pk),
        str(case.child_id),
    )
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    assert AccessLog.objects.filter(
        action=AccessLog.Action.VIEW, user=supervisor, target_id=str(case.pk)
    ).exists()


@pytest.mark.django_db
def test_opening_a_restricted_child_record_needs_a_reason_and_is_logged(client, world):
    staff, secret = world["users"]["org_staff"], world["secret"]
    login(client, staff)
    url = reverse("children:detail", args=[secret.pk])
    page = client.get(url)
    assert page.status_code == 200 and FULL_NAME not in page.content.decode()
    assert not AccessLog.objects.filter(action=AccessLog.Action.OPEN_RESTRICTED).exists()
    client.post(url, {"reason": "Pendampingan harian anak di LKSA"})
    row = AccessLog.objects.get(action=AccessLog.Action.OPEN_RESTRICTED)
    assert (row.user, row.child_id, row.reason) == (
        staff,
        str(secret.pk),
        "Pendampingan harian anak di LKSA",
    )


@pytest.mark.django_db
def test_the_api_opens_a_restricted_case_with_a_reason_and_logs_it(client, world):
    login(client, world["users"]["data_operator"])
    url = reverse("api:case-detail", args=[world["restricted"].pk])
    assert client.get(url).status_code == 403
    response = client.get(url, {"reason": "Verifikasi data untuk laporan triwulan"})
    assert response.status_code == 200
    assert (
        AccessLog.objects.filter(
            action=AccessLog.Action.OPEN_RESTRICTED, reason__startswith="Verifikasi"
        ).count()
        == 1
    )


@pytest.mark.django_db
def test_a_partner_loses_sight_of_the_child_when_its_assignment_ends(client, world):
    login(client, world["users"]["org_staff"])
    assert client.get(reverse("children:detail", args=[world["child"].pk])).status_code == 200
    CaseAssignment.objects.filter(case=world["case"], organization=world["own"]).update(
        ended_at=timezone.now()
    )
    assert client.get(reverse("children:detail", args=[world["child"].pk])).status_code == 404
    assert client.get(reverse("cases:detail", args=[world["case"].pk])).status_code == 404
    assert not Organization.objects.filter(
        pk=world["other"].pk, case_assignments__isnull=False
    ).exists()
