"""Seed the collaboration protocols of the research (safe to run again; also in production)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Create the collaboration protocols (AJ, AT, ABT, ADK, AKTK) for categories that have "
        "none, approved and in force from --valid-from. Existing protocols are left alone."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--valid-from",
            default="2026-01-01",
            help="The day version 1 comes into force (ISO date; default 2026-01-01).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from simpul.agreements.protocol_seed import seed_protocols

        try:
            valid_from = dt.date.fromisoformat(options["valid_from"])
        except ValueError as exc:
            raise CommandError("--valid-from must be an ISO date (YYYY-MM-DD).") from exc
        result = seed_protocols(valid_from=valid_from)
        self.stdout.write(
            f"protocols created: {', '.join(result['created']) or 'none'}; "
            f"left as they were: {', '.join(result['skipped']) or 'none'}"
        )
