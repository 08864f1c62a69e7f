"""Run the sweep jobs (referral reminders and escalations, agreement expiry, notification
deliveries) once now, or queue the recurring sweep for the worker (``--schedule``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from simpul.core.sweeps import run_sweep
from simpul.core.tasks import schedule_next_sweep


class Command(BaseCommand):
    help = (
        "Run every app's sweep jobs once (or --schedule: queue the recurring sweep for the worker)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Queue the recurring sweep in the worker (first run now) instead of running it here.",
        )
        parser.add_argument(
            "--now",
            type=dt.datetime.fromisoformat,
            default=None,
            help="Pretend it is this moment (ISO 8601, e.g. 2026-12-03T08:00+07:00).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            queued = schedule_next_sweep(minutes=0)
            self.stdout.write("sweep queued" if queued else "a sweep is already queued")
            return
        now = options["now"] or timezone.now()
        results = run_sweep(now)
        self.stdout.write("; ".join(f"{k}: {v}" for k, v in results.items()) or "no sweep jobs")
