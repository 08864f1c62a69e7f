from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from simpul.demo.network import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_seed
from simpul.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = (
        "Load the demo network (Dinas Sosial DKI Jakarta, partners, demo users). Only with "
        "SIMPUL_DEMO=true unless --force. Safe to repeat: does nothing if the demo is there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Seed even when DEMO is off.")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo users and all organisations first, then seed again.",
        )
        parser.add_argument(
            "--without-children",
            action="store_true",
            help="Only the network and the demo users: no demo children and cases.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = demo_seed(
                force=options["force"],
                reset=options["reset"],
                children=not options["without_children"],
            )
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        if not summary.created:
            self.stdout.write("Demo data already present; nothing to do (use --reset to reload).")
        else:
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
            self.stdout.write("Organisations by type:")
            for org_type, count in sorted(summary.counts.items()):
                self.stdout.write(f"  {org_type:<15} {count:>4}")
        if summary.children is not None and summary.children.created:
            kids = summary.children
            self.stdout.write(
                f"Demo children: {kids.children}, cases: {kids.cases} ({kids.seconds:.1f} s). Cases by status:"
            )
            for status, count in sorted(kids.by_status.items()):
                self.stdout.write(f"  {status:<20} {count:>4}")
        self.stdout.write(
            f"Demo users (password {DEMO_PASSWORD!r}; TOTP secret {DEMO_TOTP_SECRET} for "
            "system_admin and supervisor):"
        )
        for role, email, organization in summary.users:
            self.stdout.write(f"  {role:<14} {email:<36} {organization}")
