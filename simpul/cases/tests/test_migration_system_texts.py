"""The data migrations that turn system texts already stored in a language (cases 0005,
directory 0004) into codes; what a person wrote stays as written."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import translation

from simpul.cases.models import CaseTask, CaseTransition, RiskRating
from simpul.core import events
from simpul.directory.models import CapacityRecord
from simpul.testing.factories import ServiceFactory

cases_0005 = importlib.import_module("simpul.cases.migrations.0005_system_texts_as_codes")
directory_0004 = importlib.import_module("simpul.directory.migrations.0004_capacity_notes_as_codes")


def _id(msgid: str, **params: object) -> str:
    with translation.override("id"):
        text = translation.gettext(msgid)
    assert text != msgid, f"{msgid!r} has no Bahasa Indonesia translation to migrate from"
    return text % params if params else text


@pytest.mark.django_db
def test_stored_texts_in_either_language_become_codes(case, partner_org):
    RiskRating.objects.filter(case=case).update(reason=_id("Risk when the case was opened"))
    english = RiskRating.objects.create(
        case=case, level="high", reason="Proposed by the initial assessment"
    )
    written = RiskRating.objects.create(case=case, level="low", reason="Anak sudah aman")
    closed = CaseTransition.objects.create(
        case=case,
        from_status="closure_pending",
        to_status="closed",
        reason=_id("Plan goals met and the child is safe"),
    )
    approved = CaseTransition.objects.create(
        case=case,
        from_status="full_assessment",
        to_status="plan_approved",
        reason=_id("Plan version %(v)s approved", v=3),
    )
    task = CaseTask.objects.create(
        case=case,
        kind=CaseTask.Kind.PLACEMENT_REVIEW,
        due_on=dt.date(2030, 1, 1),
        title=_id("Review the placement at %(org)s", org=partner_org.name),
    )
    own_task = CaseTask.objects.create(
        case=case, kind=CaseTask.Kind.OTHER, due_on=dt.date(2030, 1, 1), title="Telepon ibu"
    )

    cases_0005.forwards(apps, None)

    assert RiskRating.objects.get(case=case, level="medium").reason == "cases.risk.case_opened"
    english.refresh_from_db()
    assert english.reason == "cases.risk.initial_assessment"
    written.refresh_from_db()
    assert written.reason == "Anak sudah aman"
    closed.refresh_from_db()
    assert closed.reason == "cases.transition.closure?reason=goals_met"
    approved.refresh_from_db()
    assert approved.reason == "cases.transition.plan_approved?v=3"
    task.refresh_from_db()
    own_task.refresh_from_db()
    assert own_task.title == "Telepon ibu"
    with translation.override("en"):
        assert task.display_title == f"Review the placement at {partner_org.name}"
        assert events.display_text(approved.reason) == "Plan version 3 approved"


@pytest.mark.django_db
def test_capacity_notes_become_codes(partner_org):
    service = ServiceFactory(organization=partner_org)
    initial = CapacityRecord.objects.create(
        service=service, total=10, occupied=2, note=_id("Initial capacity")
    )
    ended = CapacityRecord.objects.create(
        service=service,
        total=10,
        occupied=1,
        note=f"{_id('Placement ended')} KAS-2026-000042",
    )
    written = CapacityRecord.objects.create(service=service, total=12, occupied=1, note="Renovasi")

    directory_0004.forwards(apps, None)

    for record in (initial, ended, written):
        record.refresh_from_db()
    assert initial.note == "directory.capacity.initial"
    assert ended.note == "cases.capacity.placement_ended?case=KAS-2026-000042"
    assert written.note == "Renovasi"
    with translation.override("en"):
        assert events.display_text(ended.note) == "Placement ended (case KAS-2026-000042)"
        assert events.display_text(initial.note) == "Initial capacity"
