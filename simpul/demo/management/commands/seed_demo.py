from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from simpul.core.exceptions import ApplicationError
from simpul.demo.network import DEMO_PASSWORD, DEMO_TOTP_SECRET
from simpul.demo.seed import demo_seed

# A demo seeded longer ago than this has aged: its deadlines are overdue, its new cases old.
STALE_AFTER_DAYS = 7


class Command(BaseCommand):
    help = (
        "Load the demo (Dinas Sosial DKI Jakarta, partners, demo users, children and cases as "
        "they stand on a day). Only with SIMPUL_DEMO=true unless --force. Safe to repeat: does "
        "nothing if the demo is there (--reset seeds it again, for today). See docs/demo.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Seed even when DEMO is off.")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo users, organisations, children and cases first, then seed again.",
        )
        parser.add_argument(
            "--without-children",
            action="store_true",
            help="Only the network and the demo users: no demo children and cases.",
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            metavar="YYYY-MM-DD",
            help="Seed the demo as it stands on this day (default: today). The same day gives "
            "the same demo.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = demo_seed(
                force=options["force"],
                reset=options["reset"],
                children=not options["without_children"],
                today=options["today"],
            )
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        if not summary.created:
            self.stdout.write("Demo data already present; nothing to do (use --reset to reload).")
            self._warn_if_stale(summary.today)
        else:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded for {summary.today}."))
            self.stdout.write("Organisations by type:")
            for org_type, count in sorted(summary.counts.items()):
                self.stdout.write(f"  {org_type:<15} {count:>4}")
        if summary.children is not None and summary.children.created:
            kids = summary.children
            self.stdout.write(
                f"Demo children: {kids.children}, cases: {kids.cases} "
                f"({kids.steps} steps in {kids.seconds:.1f} s). Cases by status:"
            )
            for status, count in sorted(kids.by_status.items()):
                self.stdout.write(f"  {status:<20} {count:>4}")
        self.stdout.write(
            f"Demo users (password {DEMO_PASSWORD!r}; TOTP secret {DEMO_TOTP_SECRET} for "
            "system_admin and supervisor):"
        )
        for role, email, organization in summary.users:
            self.stdout.write(f"  {role:<14} {email:<36} {organization}")

    def _warn_if_stale(self, seeded_for: dt.date | None) -> None:
        if seeded_for is None:
            return
        age = (timezone.localdate() - seeded_for).days
        if age > STALE_AFTER_DAYS:
            self.stdout.write(
                self.style.WARNING(
                    f"The demo was seeded for {seeded_for} ({age} days ago): its deadlines and "
                    "dates have aged. To bring it to today: manage.py seed_demo --reset "
                    "(see docs/demo.md)."
                )
            )
