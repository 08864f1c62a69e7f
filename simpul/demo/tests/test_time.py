"""The demo's clock: seeding for a fixed day is reproducible, seeding for a later day moves the
whole story to that day, and the clock keeps casework in office hours and before the day."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.db import transaction

from simpul.cases.models import Case, CaseDeadline, RiskRating
from simpul.children.models import Child
from simpul.core.models import AuditEvent
from simpul.demo.clock import DemoClock, Timeline, is_working_day
from simpul.demo.seed import demo_seed
from simpul.directory.models import CapacityRecord

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 1)
# A small demo: enough children for the near-duplicate pairs and every status in one kota.
SMALL = {"31.75": 26, "31.71": 14}


def rows(qs: Any) -> list[tuple[Any, ...]]:
    return sorted(qs, key=repr)  # None sorts with the rest


def fingerprint() -> dict[str, Any]:
    """The demo as a reader sees it, without the random ids (UUIDs differ on every run)."""
    return {
        "children": rows(
            Child.objects.values_list(
                "registration_number",
                "full_name",
                "birth_date",
                "estimated_age",
                "nik",
                "mother_name",
                "created_at",
            )
        ),
        "cases": rows(
            Case.objects.values_list(
                "case_number",
                "child__registration_number",
                "status",
                "risk_level",
                "reported_at",
                "closed_at",
                "case_worker__email",
                "created_at",
                "updated_at",
            )
        ),
        "deadlines": rows(
            CaseDeadline.objects.values_list("case__case_number", "milestone", "due_at", "met_at")
        ),
        "risk": rows(
            RiskRating.objects.values_list("case__case_number", "level", "reason", "created_at")
        ),
        "events": rows(
            AuditEvent.objects.values_list(
                "created_at", "action", "actor_email", "target_type__model"
            )
        ),
        "capacity": rows(
            CapacityRecord.objects.values_list(
                "service__organization__name", "service__name", "recorded_at", "total", "occupied"
            )
        ),
    }


def seeded(today: dt.date) -> dict[str, Any]:
    with transaction.atomic():
        demo_seed(force=True, today=today, counts=SMALL)
        out = fingerprint()
        transaction.set_rollback(True)
    return out


def test_the_same_day_gives_the_same_demo():
    first, second = seeded(DAY), seeded(DAY)
    assert len(first["cases"]) == sum(SMALL.values()) + 10
    for key in first:
        assert first[key] == second[key], key


def test_a_later_day_moves_the_whole_story_to_it():
    later = DAY + dt.timedelta(days=31)
    demo = seeded(later)
    anchor = DemoClock(later).anchor
    reported = [row[4] for row in demo["cases"]]
    assert max(reported) < anchor and max(reported) > anchor - dt.timedelta(days=10)
    assert min(reported) > anchor - dt.timedelta(days=366)
    assert max(row[0] for row in demo["events"]) < anchor
    assert any(row[2] is not None and row[2] >= anchor for row in demo["deadlines"])


def test_office_hours_move_forward_or_back_but_never_past_the_limit():
    clock = DemoClock(DAY)
    rng = random.Random(1)
    saturday = clock.at(dt.date(2026, 11, 28), dt.time(11, 0))
    monday = clock.office(saturday, rng)
    assert monday.date() == dt.date(2026, 11, 30) and dt.time(8) <= monday.time() < dt.time(16, 30)
    evening = clock.at(dt.date(2026, 11, 30), dt.time(21, 0))
    back = clock.office(evening, rng, limit=clock.anchor)
    assert back.date() == dt.date(2026, 11, 30) and back < evening
    assert clock.office(evening, rng, limit=clock.anchor, floor=evening) == evening
    inside = clock.at(dt.date(2026, 11, 27), dt.time(10, 0))
    assert clock.office(inside, rng) == inside
    assert not is_working_day(dt.date(2026, 12, 25))  # Christmas (lokal-id holidays)
    assert is_working_day(dt.date(2025, 12, 1))  # no holiday table for 2025: weekdays count


def test_the_timeline_runs_every_step_in_time_order_at_its_moment():
    from django.utils import timezone

    clock = DemoClock(DAY)
    timeline = Timeline(clock)
    seen: list[tuple[str, dt.datetime]] = []
    a, b = clock.days_ago(3), clock.days_ago(2)

    def story():  # type: ignore[no-untyped-def]
        yield a
        seen.append(("story 1", timezone.now()))
        yield b + dt.timedelta(hours=1)
        seen.append(("story 2", timezone.now()))

    timeline.story(story())
    timeline.at(b, lambda: seen.append(("step", timezone.now())))
    timeline.run()
    assert seen == [("story 1", a), ("step", b), ("story 2", b + dt.timedelta(hours=1))]
    with pytest.raises(ValueError, match="after the demo's day began"):
        timeline.at(clock.anchor, lambda: None)
