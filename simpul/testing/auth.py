"""Test helpers for signing in, including the two-factor state."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from simpul.accounts.models import User


def login_verified(client: Client, user: User) -> TOTPDevice:
    """Sign ``user`` in as if they had also passed the TOTP step."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def login(client: Client, user: User) -> None:
    """Sign in with two-factor satisfied when the user's role requires it."""
    if user.requires_two_factor:
        login_verified(client, user)
    else:
        client.force_login(user)
