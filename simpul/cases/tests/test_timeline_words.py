"""The case timeline and the system texts speak the reader's language (issue 8): rows read like
"Rencana versi 1 diajukan oleh <nama petugas>" — no UUIDs, no model names, no raw codes — and the
texts the system stores (the first risk rating's reason, a transition's reason, a task's title)
are codes translated when shown."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from simpul.cases import selectors, services
from simpul.cases.models import Case, CaseTask, CaseTransition, RiskRating
from simpul.cases.tests.conftest import approve_plan
from simpul.core import events
from simpul.testing.auth import login

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CODE = re.compile(r"\b(?:cases|children|accounts|directory|access|core)\.[a-z_]+\.[a-z_]+\b")


@pytest.fixture
def planned(case, worker, supervisor, partner_org, sharing_allowed):
    plan = services.plan_create(actor=worker, case=case)
    goal = services.plan_goal_add(actor=worker, plan=plan, description="Kembali sekolah")
    services.plan_action_add(
        actor=worker,
        goal=goal,
        description="Bimbingan belajar",
        responsible_organization=partner_org,
        due_date=dt.date(2030, 1, 1),
    )
    approve_plan(plan, worker, supervisor)
    return Case.objects.get(pk=case.pk)


def _timeline(client, case, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    body = client.get(reverse("cases:timeline", args=[case.pk])).content.decode()
    return body[body.index('<ol class="timeline">') : body.index("</ol>", body.index("timeline"))]


def _expected(code: str, actor: str, language: str, **data) -> str:
    with translation.override(language):
        return events.by(events.describe(events.Event(code, data)), actor)


@pytest.mark.parametrize("language", ["id", "en"])
def test_timeline_rows_are_sentences_with_the_officers_name(
    client, planned, worker, supervisor, partner_org, language
):
    login(client, worker)
    timeline = _timeline(client, planned, language)
    assert UUID.search(timeline) is None
    assert CODE.search(timeline) is None
    assert "Plan v1" not in timeline and "plan_action" not in timeline
    submitted = _expected("cases.plan.submitted", worker.full_name, language, version=1)
    approved = _expected("cases.plan.approved", supervisor.full_name, language, version=1)
    assert escape(submitted) in timeline and escape(approved) in timeline
    assert "1" in submitted and worker.full_name in submitted
    # The partner's assignment names the organisation, not its id.
    with translation.override(language):
        assigned = events.describe(
            events.Event(
                "cases.assignment.started",
                {"organization_id": str(partner_org.pk), "kind": "plan_action"},
            )
        )
    assert partner_org.name in assigned and escape(assigned) in timeline


def test_timeline_entries_carry_sentences_and_notes(case, worker):
    services.case_set_risk(actor=worker, case=case, level="high", reason="Anak tidur di jalan")
    case, access = selectors.case_get(user=worker, pk=case.pk)
    entries = selectors.case_timeline(case=case, access=access)
    first = entries[0]
    assert first.label == f"Status set to Reported by {worker.full_name}"
    risk = next(e for e in entries if e.action == "cases.case.risk_changed")
    assert risk.label == f"Risk level changed from Medium to High by {worker.full_name}"
    assert risk.note == "Anak tidur di jalan"  # what the worker wrote, as written


def test_first_risk_reason_is_a_code_shown_in_the_readers_language(client, case, worker):
    rating = RiskRating.objects.get(case=case)
    assert rating.reason == "cases.risk.case_opened"
    login(client, worker)
    url = reverse("cases:detail", args=[case.pk])
    for language in ("id", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        body = client.get(url).content.decode()
        with translation.override(language):
            assert translation.gettext("Risk when the case was opened") in body
    assert "Risiko saat kasus dibuka" not in body  # the English page
    assert "cases.risk.case_opened" not in body


def test_plan_approval_and_closure_reasons_are_codes(planned):
    approval = CaseTransition.objects.get(case=planned, to_status="plan_approved")
    assert approval.reason == "cases.transition.plan_approved?v=1"
    with translation.override("en"):
        assert events.display_text(approval.reason) == "Plan version 1 approved"
    with translation.override("id"):
        assert events.display_text(approval.reason) == translation.gettext(
            "Plan version %(v)s approved"
        ) % {"v": 1}
    with translation.override("en"):
        assert (
            events.display_text("cases.transition.closure?reason=goals_met")
            == "Closure reason: Plan goals met and the child is safe"
        )


def test_task_titles_are_codes_translated_when_shown(case, worker, partner_org):
    task = CaseTask.objects.create(
        case=case,
        kind=CaseTask.Kind.PLACEMENT_REVIEW,
        due_on=dt.date(2030, 1, 1),
        title=events.stored("cases.task.placement_review", org=partner_org.name),
    )
    with translation.override("en"):
        assert task.display_title == f"Review the placement at {partner_org.name}"
        assert str(task) == task.display_title
        due = selectors.case_due(case=case)
        assert task.display_title in [item.label for item in due["due"] + due["overdue"]]
