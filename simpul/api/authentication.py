"""API authentication: browser sessions (two-factor respected) and DRF tokens.

:class:`simpul.accounts.middleware.TwoFactorRequiredMiddleware` lets requests that carry an
``Authorization`` header through, so that token clients are not redirected to the TOTP page.
A session cookie sent along with such a header must not get around the second factor: the
session authentication here refuses a session whose user needs two-factor but has not passed it.
Tokens are created only from a verified session (profile page), so a token stands on its own.
"""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request


def session_needs_second_factor(request: Any, user: Any) -> bool:
    """True when ``user`` must pass TOTP and the session (``request``) has not done so."""
    is_verified = getattr(request.user, "is_verified", None)  # set by django_otp's middleware
    verified = bool(is_verified()) if callable(is_verified) else False
    if verified:
        return False
    return bool(user.requires_two_factor or user.totpdevice_set.filter(confirmed=True).exists())


class VerifiedSessionAuthentication(SessionAuthentication):
    """Session authentication that ignores half-signed-in (not yet TOTP-verified) sessions."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if session_needs_second_factor(request._request, user):
            return None
        return result
