"""Simpul's daily housekeeping: run once a day from cron or a systemd timer (`make run` runs it at start)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Daily jobs: open transition reviews for children turning 18, fail background jobs whose worker "
        "stopped, and delete import files nobody decided on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, default=None, help="Pretend today is YYYY-MM-DD."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from simpul.children.imports import child_imports_expire
        from simpul.children.services import children_transition_tasks, duplicate_scans_expire

        reviews = children_transition_tasks(options["today"])
        imports = child_imports_expire()
        scans = duplicate_scans_expire()
        self.stdout.write(
            f"transition reviews opened: {reviews}; imports failed/cancelled: {imports['failed']}/{imports['cancelled']}; "
            f"scans failed: {scans}"
        )
