"""Open transition-review tasks for children turning 18 (run daily, e.g. from cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from simpul.cases.services.transitions import transition_reviews_open


class Command(BaseCommand):
    help = "Open a transition-review task on each open case of a child turning 18 within 90 days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, default=None, help="Pretend today is YYYY-MM-DD."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        made = transition_reviews_open(options["today"])
        self.stdout.write(f"{made} transition review task(s) opened.")
