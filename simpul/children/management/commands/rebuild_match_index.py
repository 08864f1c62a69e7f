"""Recompute the duplicate matcher's blocking keys and name-token counts for every child."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from simpul.children.services import match_index_rebuild


class Command(BaseCommand):
    help = (
        "Recompute every active child's blocking keys, search name and the name-token counts "
        "(after an upgrade of the matcher, or after rows were loaded without the services)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options.get("verbosity", 1)

        def progress(done: int, total: int) -> None:
            if verbosity > 1 or done == total:
                self.stdout.write(f"{done}/{total} children")

        result = match_index_rebuild(progress=progress)
        self.stdout.write(
            f"{result['children']} children, {result['keys_changed']} re-keyed, {result['tokens']} name tokens."
        )
