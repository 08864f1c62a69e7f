"""API authentication: browser sessions (two-factor respected) and expiring personal tokens.

:class:`simpul.accounts.middleware.TwoFactorRequiredMiddleware` lets requests that carry an
``Authorization`` header through, so that token clients are not redirected to the TOTP page.
A session cookie sent along with such a header must not get around the second factor: the
session authentication here refuses a session whose user needs two-factor but has not passed it.
Tokens are created only from a verified session (profile page), so a token stands on its own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import (
    BaseAuthentication,
    SessionAuthentication,
    get_authorization_header,
)
from rest_framework.request import Request

# How often last_used_at is written for a token in steady use (seconds).
LAST_USED_PRECISION = 60
FAILURE_WINDOW = 600  # seconds over which wrong tokens from one address are counted


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


class ExpiringTokenAuthentication(BaseAuthentication):
    """``Authorization: Token <key>`` against :class:`simpul.accounts.models.ApiToken`.

    Only the SHA-256 of a key is stored. An expired or revoked token gets a 401 that says so;
    an address sending more than API_TOKEN_FAILURE_LIMIT wrong tokens in ten minutes gets 429.
    """

    keyword = "Token"

    def authenticate_header(self, request: Request) -> str:
        return self.keyword

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() != self.keyword.lower().encode():
            return None
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. Send: Authorization: Token <key>.")
            )
        try:
            key = auth[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        return self._check(request, key)

    def _failure_key(self, request: Request) -> str:
        return f"simpul:api-token-failures:{request.META.get('REMOTE_ADDR', '')}"

    def _fail(self, request: Request, message: str) -> exceptions.AuthenticationFailed:
        key = self._failure_key(request)
        cache.add(key, 0, FAILURE_WINDOW)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, FAILURE_WINDOW)
        return exceptions.AuthenticationFailed(message)

    def _check(self, request: Request, key: str) -> tuple[Any, Any]:
        from simpul.accounts.models import ApiToken
        from simpul.accounts.services import api_token_hash

        if int(cache.get(self._failure_key(request)) or 0) >= settings.API_TOKEN_FAILURE_LIMIT:
            raise exceptions.Throttled(wait=FAILURE_WINDOW)
        token = ApiToken.objects.select_related("user").filter(key_hash=api_token_hash(key)).first()
        if token is None or token.revoked_at is not None:
            raise self._fail(request, _("Invalid token."))
        if token.is_expired:
            raise self._fail(
                request,
                _("This API token expired on %(date)s. Create a new one on your profile page.")
                % {"date": formats.date_format(timezone.localtime(token.expires_at), "j F Y")},
            )
        if not token.user.is_active:
            raise self._fail(request, _("User inactive or deleted."))
        now = timezone.now()
        last = token.last_used_at
        if last is None or (now - last).total_seconds() >= LAST_USED_PRECISION:
            type(token).objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
