"""Remove a user's two-factor devices (lost phone). They enrol again at the next sign-in."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from simpul.accounts.models import User
from simpul.accounts.services import totp_device_reset


class Command(BaseCommand):
    help = "Remove the TOTP devices of the user with the given e-mail (lost phone)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with e-mail {email}.")
        deleted = totp_device_reset(user=user)
        self.stdout.write(f"Removed {deleted} device(s) for {user.email}.")
