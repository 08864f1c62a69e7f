"""Simpul's daily housekeeping: run once a day from cron or a systemd timer (`make run` runs it at start).

The jobs are those the apps register in their ``daily.py`` (simpul.core.daily)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from simpul.core.daily import daily_jobs


class Command(BaseCommand):
    help = (
        "Daily jobs of every app: e.g. open transition reviews for children turning 18, fail "
        "background jobs whose worker stopped, delete import files nobody decided on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, default=None, help="Pretend today is YYYY-MM-DD."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        results = [f"{job.label}: {job.run(today)}" for job in daily_jobs()]
        self.stdout.write("; ".join(results))
