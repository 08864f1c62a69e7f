"""The demo's entry points: :func:`demo_seed` and :func:`demo_reset` (``manage.py seed_demo``).

The demo lives in time: it is seeded for a day (``today``, default the current date), and every
event of it happened at its own moment before that day (:mod:`simpul.demo.clock`). The same day
gives the same demo on every machine. See ``docs/demo.md``.
"""

from __future__ import annotations

import datetime as dt
import time
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _

from simpul.accounts.models import User
from simpul.cases.models import Case
from simpul.cases.services.transitions import transition_reviews_open
from simpul.children.models import Child
from simpul.core.exceptions import ApplicationError
from simpul.demo.cases import plan_story, tell
from simpul.demo.children import (
    KOTA_COUNTS,
    NEAR_DUPLICATES,
    DemoChild,
    DemoChildrenSummary,
    demo_children_reset,
    demo_children_seeded,
    duplicate_scan,
    import_waiting,
    plan_children,
    plan_identity,
    plan_variants,
)
from simpul.demo.clock import DAY, DemoClock, Timeline
from simpul.demo.network import (
    DemoSummary,
    demo_is_seeded,
    demo_seeded_for,
    demo_summary,
    network_seed,
)
from simpul.demo.world import DemoWorld
from simpul.directory.models import Organization

# The transition-review job (children turning 18) runs every night, as cron would; this many
# nights of it are replayed before the demo's day.
TRANSITION_NIGHTS = 100


def _ensure_allowed(force: bool) -> None:
    if not settings.DEMO and not force:
        raise ApplicationError(
            _(
                "The demo data can only be loaded when the demo is switched on "
                "(SIMPUL_DEMO=true). Demo users must never exist outside the demo."
            )
        )


@transaction.atomic
def demo_reset(*, force: bool = False) -> None:
    """Delete the demo users and every organisation (with its services), the children and the
    cases. Demo databases only."""
    _ensure_allowed(force)
    try:
        demo_children_reset()  # cases and children first: they point at users and organisations
        User.objects.filter(is_demo=True).delete()
        # Parents are protected: delete the units before the organisations they belong to.
        Organization.objects.filter(parent__isnull=False).delete()
        Organization.objects.all().delete()
    except (ProtectedError, RestrictedError) as exc:
        raise ApplicationError(
            _(
                "The demo data is used by other records (for example cases or referrals) and "
                "cannot be removed. Delete the demo database file instead and run the demo again."
            )
        ) from exc


@transaction.atomic
def demo_seed(
    *,
    force: bool = False,
    reset: bool = False,
    children: bool = True,
    today: dt.date | None = None,
    counts: dict[str, int] | None = None,
) -> DemoSummary:
    """Create the demo network and demo users, then (``children``) the demo children and their
    cases, as they stand on ``today`` (default: the current date). Does nothing for the parts
    already there. ``counts``: children per kota (default :data:`KOTA_COUNTS`; tests use fewer)."""
    _ensure_allowed(force)
    if reset:
        demo_reset(force=force)
    clock = DemoClock.for_day(today)
    timeline = Timeline(clock)
    if demo_is_seeded():
        summary = demo_summary(created=False)
        summary.today = demo_seeded_for()
    else:
        summary = network_seed(clock=clock, timeline=timeline)
        summary.today = clock.today
    started = time.monotonic()
    seeding_children = children and not demo_children_seeded()
    if seeding_children:
        schedule_children(clock=clock, timeline=timeline, counts=counts or KOTA_COUNTS)
    timeline.run()
    if seeding_children:
        by_status: dict[str, int] = {}
        for status in Case.objects.values_list("status", flat=True):
            by_status[status] = by_status.get(status, 0) + 1
        summary.children = DemoChildrenSummary(
            created=True,
            children=Child.objects.count(),
            cases=Case.objects.count(),
            by_status=by_status,
            seconds=time.monotonic() - started,
            steps=timeline.steps,
        )
    elif children:
        summary.children = DemoChildrenSummary(created=False)
    return summary


def schedule_children(*, clock: DemoClock, timeline: Timeline, counts: dict[str, int]) -> None:
    """Plan every child and case story and put them on the timeline, with the nightly
    transition-review job, the data operator's import and the supervisor's duplicate scan."""
    world = DemoWorld.load(clock)
    world.hire_case_workers(counts)
    plans = plan_children(world, counts)
    limit = clock.anchor - dt.timedelta(minutes=30)
    for demo in plans:
        _plan(world, demo, limit)
    originals = plans[: len(NEAR_DUPLICATES)]  # the first records of the near-duplicate pairs
    variants = plan_variants(world, originals)
    for demo in variants:
        _plan(world, demo, world.scan_at - dt.timedelta(minutes=30))
    for demo in plans + variants:
        assert demo.story is not None
        timeline.story(tell(world, demo.story))
    for night in range(TRANSITION_NIGHTS, 0, -1):
        day = clock.today - night * DAY
        timeline.at(clock.at(day, dt.time(0, 15)), partial(transition_reviews_open, day))
    timeline.at(world.import_at, partial(import_waiting, world))
    timeline.at(world.scan_at, partial(duplicate_scan, world))


def _plan(world: DemoWorld, demo: DemoChild, limit: dt.datetime) -> None:
    story = plan_story(world, demo, limit=limit)
    registered = story.moments[0][1]
    plan_identity(world, demo, registered.astimezone(world.clock.anchor.tzinfo).date())
