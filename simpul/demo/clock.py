"""The demo's clock: every demo event happens at its own moment of the story, before the day the
demo is seeded for.

- :class:`DemoClock` knows the demo's day (``seed_demo --today``, default today) and its
  ``anchor``: the start of that day (00:00, Asia/Jakarta). The story ends before the anchor, so
  no seeded timestamp is in the future of the day, whatever the hour of seeding; deadlines and
  due dates may lie after it.
- :class:`Timeline` runs every step of every story in time order, each one inside
  ``time_machine.travel(<its moment>, tick=False)``: the services then stamp ``created_at``,
  audit events, risk history, submissions, approvals, capacity history and computed deadlines
  with that moment, as if the step had been done then. The steps of all stories interleave, so
  case numbers, capacity figures and duplicate checks follow the order of the story.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
# Office hours of the Suku Dinas and partners: steps of casework are done on working days
# between these times (intake itself happens at any hour: outreach at night, TRC around the clock).
OFFICE_OPENS = dt.time(8, 0)
OFFICE_CLOSES = dt.time(16, 30)
OFFICE_MINUTES = 8 * 60 + 30
# The network (organisations, users) exists this long before the demo's day; the oldest case is
# reported after it.
SETUP_DAYS = 400


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday, without the national holidays lokal-id knows (2026–2027)."""
    if day.weekday() >= 5:
        return False
    try:
        from lokal import is_working_day as lokal_working_day

        return bool(lokal_working_day(day))
    except Exception:  # a year lokal-id has no holiday table for: weekdays only
        return True


@dataclass(frozen=True)
class DemoClock:
    today: dt.date

    @classmethod
    def for_day(cls, today: dt.date | None = None) -> DemoClock:
        from django.utils import timezone

        return cls(today or timezone.localdate())

    @property
    def anchor(self) -> dt.datetime:
        """00:00 of the demo's day: every seeded event happens before it."""
        return dt.datetime.combine(self.today, dt.time(0, 0), tzinfo=zone())

    @property
    def setup(self) -> dt.datetime:
        """When the network and the demo users were set up (a working morning)."""
        day = self.today - dt.timedelta(days=SETUP_DAYS)
        while not is_working_day(day):
            day -= DAY
        return self.at(day, dt.time(9, 0))

    def at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=zone())

    def days_ago(self, days: float) -> dt.datetime:
        return self.anchor - dt.timedelta(days=days)

    def office(
        self,
        moment: dt.datetime,
        rng: random.Random,
        *,
        floor: dt.datetime | None = None,
        limit: dt.datetime | None = None,
    ) -> dt.datetime:
        """``moment`` moved into office hours of a working day: forward to the next working day
        (at a random time of its office hours), or, when that would reach ``limit``, back to the
        last working day before it. Never before ``floor``; unchanged if nothing fits."""
        local = moment.astimezone(zone())
        if self._in_office(local):
            return moment
        forward = self._next_office(local, rng)
        if limit is None or forward < limit:
            return forward
        backward = self._previous_office(local, rng)
        if floor is None or backward > floor:
            return backward
        return moment

    def _in_office(self, local: dt.datetime) -> bool:
        return is_working_day(local.date()) and OFFICE_OPENS <= local.time() < OFFICE_CLOSES

    def _next_office(self, local: dt.datetime, rng: random.Random) -> dt.datetime:
        day = local.date()
        if local.time() >= OFFICE_CLOSES:
            day += DAY
        while not is_working_day(day):
            day += DAY
        opens = self.at(day, OFFICE_OPENS)
        return opens + dt.timedelta(
            minutes=rng.randint(5, OFFICE_MINUTES - 5), seconds=rng.randint(0, 59)
        )

    def _previous_office(self, local: dt.datetime, rng: random.Random) -> dt.datetime:
        day = local.date()
        if local.time() < OFFICE_OPENS:
            day -= DAY
        while not is_working_day(day):
            day -= DAY
        closes = self.at(day, OFFICE_CLOSES)
        return closes - dt.timedelta(
            minutes=rng.randint(5, OFFICE_MINUTES - 5), seconds=rng.randint(0, 59)
        )

    def travel(self, moment: dt.datetime) -> time_machine.travel:
        """Stop the clock at ``moment`` (every ``timezone.now()`` inside answers it)."""
        return time_machine.travel(moment, tick=False)


Story = Iterator[dt.datetime]


class Timeline:
    """Runs steps in time order. A step is a callable, or a story: a generator that yields the
    moment of its next step, runs that step when resumed, and so on. Every step runs with the
    clock stopped at its moment."""

    def __init__(self, clock: DemoClock) -> None:
        self.clock = clock
        self._queue: list[tuple[dt.datetime, int, Story]] = []
        self._order = itertools.count()
        self.steps = 0

    def at(self, moment: dt.datetime, step: Callable[[], object]) -> None:
        def once() -> Story:
            yield moment
            step()

        self.story(once())

    def story(self, story: Story) -> None:
        first = next(story, None)
        if first is not None:
            self._push(first, story)

    def _push(self, moment: dt.datetime, story: Story) -> None:
        if moment >= self.clock.anchor:
            raise ValueError(f"demo step at {moment.isoformat()}, after the demo's day began")
        heapq.heappush(self._queue, (moment, next(self._order), story))

    def run(self) -> None:
        while self._queue:
            moment, _order, story = heapq.heappop(self._queue)
            with self.clock.travel(moment):
                following = next(story, None)
            self.steps += 1
            if following is not None:
                if following < moment:
                    raise ValueError(
                        f"demo story goes back in time: {following.isoformat()} after "
                        f"{moment.isoformat()}"
                    )
                self._push(following, story)
