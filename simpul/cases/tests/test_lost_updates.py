"""Finding 6 (issue 7): concurrent edits of a case, its plan or an assessment draft never
silently overwrite each other."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from simpul.cases import services
from simpul.cases.models import Assessment, CasePlan
from simpul.cases.tests.conftest import FULL

pytestmark = pytest.mark.django_db


def _version(page: str) -> str:
    marker = 'name="edit_version" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def _two(a, b) -> tuple[Client, Client]:
    first, second = Client(), Client()
    first.force_login(a)
    second.force_login(b)
    return first, second


def test_plan_form_two_sessions_second_is_refused(case, worker, colleague):
    case.team.add(colleague)
    plan = services.plan_create(actor=worker, case=case, summary="Awal")
    first, second = _two(worker, colleague)
    url = reverse("cases:plan_edit", args=[case.pk, plan.pk])
    v1, v2 = _version(first.get(url).content.decode()), _version(second.get(url).content.decode())
    assert first.post(url, {"summary": "Rencana Budi", "edit_version": v1}).status_code == 302
    response = second.post(url, {"summary": "Rencana Sari", "edit_version": v2})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Rencana Budi" in page and "Rencana Sari" in page  # theirs shown, mine kept
    plan.refresh_from_db()
    assert plan.summary == "Rencana Budi"


def test_assessment_draft_two_sessions_second_is_refused(case, worker, colleague):
    case.team.add(colleague)
    draft = services.assessment_save(actor=worker, case=case, kind="full", data=FULL)
    first, second = _two(worker, colleague)
    url = reverse("cases:assessment_edit", args=[case.pk, draft.pk, "full"])
    v1, v2 = _version(first.get(url).content.decode()), _version(second.get(url).content.decode())
    one = {**FULL, "strengths": "Rajin", "edit_version": v1}
    assert first.post(url, one).status_code == 302
    two = {**FULL, "needs": "Sekolah saja", "edit_version": v2}
    response = second.post(url, two)
    assert response.status_code == 200
    assert "Rajin" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.data["strengths"], draft.data["needs"]) == ("Rajin", FULL["needs"])
    assert Assessment.objects.filter(case=case, kind="full").count() == 1


def test_case_team_form_two_sessions_second_is_refused(
    case, worker, colleague, supervisor, supervisor2
):
    case.team.add(colleague)
    first, second = _two(worker, type(worker).objects.get(pk=worker.pk))
    url = reverse("cases:team", args=[case.pk])
    v1, v2 = _version(first.get(url).content.decode()), _version(second.get(url).content.decode())
    one = {"case_worker": str(worker.pk), "supervisor": str(supervisor2.pk), "edit_version": v1}
    assert first.post(url, one).status_code == 302
    two = {"case_worker": str(worker.pk), "supervisor": str(supervisor.pk), "edit_version": v2}
    response = second.post(url, two)
    assert response.status_code == 200
    assert str(supervisor2) in response.content.decode()
    case.refresh_from_db()
    assert case.supervisor == supervisor2


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_assessment_api_needs_if_match_for_a_draft(case, worker):
    url = f"/api/v1/cases/{case.pk}/assessments/"
    client = _api(worker)
    created = client.post(url, {"kind": "full", "data": FULL}, format="json")
    assert created.status_code == 201, created.json()
    tag = created["ETag"]
    payload = {"kind": "full", "data": {**FULL, "strengths": "Rajin"}}
    assert client.post(url, payload, format="json").status_code == 428
    assert client.post(url, payload, format="json", headers={"If-Match": tag}).status_code == 201
    stale = {"kind": "full", "data": {**FULL, "needs": "Lain"}}
    response = client.post(url, stale, format="json", headers={"If-Match": tag})
    assert response.status_code == 412
    assert [c["field"] for c in response.json()["changes"]] == ["strengths"]
    draft = Assessment.objects.get(case=case, kind="full")
    assert (draft.data["strengths"], draft.data["needs"]) == ("Rajin", FULL["needs"])


def test_internal_writes_make_an_open_form_stale(case, worker):
    plan = services.plan_create(actor=worker, case=case, summary="Awal")
    version = plan.edit_version
    services.plan_goal_add(actor=worker, plan=plan, description="Sekolah")
    CasePlan.objects.get(pk=plan.pk).save()
    plan.refresh_from_db()
    assert plan.edit_version > version
    before = case.edit_version
    services.case_set_risk(actor=worker, case=case, level="high", reason="Ancaman baru")
    case.refresh_from_db()
    assert case.edit_version > before


@pytest.mark.django_db(transaction=True)
def test_concurrent_plan_saves_lose_nothing_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions with row locks (PostgreSQL)")
    from simpul.accounts.models import Role
    from simpul.cases.tests.conftest import open_case
    from simpul.core.concurrency import ConcurrentUpdate
    from simpul.testing.factories import ChildFactory, make_user, sudin

    org = sudin("31.75")
    worker = make_user(Role.CASE_WORKER, org)
    supervisor = make_user(Role.SUPERVISOR, org)
    case = open_case(worker, ChildFactory(), supervisor=supervisor)
    plan = services.plan_create(actor=worker, case=case, summary="Awal")
    for round_ in range(3):
        plan.refresh_from_db()
        version = plan.edit_version
        barrier = threading.Barrier(2)
        outcomes: dict[str, str] = {}

        def save(summary: str, version: int = version) -> None:
            try:
                mine = CasePlan.objects.get(pk=plan.pk)
                barrier.wait()
                try:
                    services.plan_update(
                        actor=worker, plan=mine, summary=summary, expected_version=version
                    )
                    outcomes[summary] = "saved"
                except ConcurrentUpdate:
                    outcomes[summary] = "refused"
            finally:
                connection.close()

        names = [f"A{round_}", f"B{round_}"]
        threads = [threading.Thread(target=save, args=(n,)) for n in names]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes.values()) == ["refused", "saved"], outcomes
        plan.refresh_from_db()
        assert outcomes[plan.summary] == "saved"
