"""Test helpers for signing in, including the two-factor state."""

from __future__ import annotations

from typing import Any

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


def is_allowed_response(response: Any) -> bool:
    """For permission matrices: 200/201, or a redirect that is not to the sign-in page or the
    two-factor step (those mean "denied": the user was sent away to authenticate)."""
    from django.urls import reverse

    if response.status_code in (200, 201, 204):
        return True
    if response.status_code != 302:
        return False
    location = response.get("Location", "")
    denied = (
        reverse("accounts:login"),
        reverse("accounts:two_factor"),
        reverse("accounts:two_factor_setup"),
    )
    return not any(location.startswith(path) for path in denied)
