"""Two-factor enforcement: roles that require it cannot use the app until a TOTP code is given."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths a half-signed-in user (password given, code not yet) may still reach. Everything else,
# including the profile and user management under /accounts/, needs the second factor.
_ALLOWED_PREFIXES = ("/static/", "/healthz", "/i18n/", "/jsi18n/")
_ALLOWED_URL_NAMES = (
    "accounts:login",
    "accounts:logout",
    "accounts:two_factor",
    "accounts:two_factor_setup",
)


def expects_two_factor(user: Any) -> bool:
    """True if ``user`` must give a TOTP code at sign-in: their role requires it or they enrolled."""
    return bool(user.requires_two_factor or user.totpdevice_set.filter(confirmed=True).exists())


def needs_two_factor(user: Any) -> bool:
    """True if ``user`` is signed in but has not yet given the code their account requires."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and not user.is_verified()
        and expects_two_factor(user)
    )


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._allowed_paths: set[str] | None = None

    def _is_allowed(self, path: str) -> bool:
        if self._allowed_paths is None:
            self._allowed_paths = {reverse(name) for name in _ALLOWED_URL_NAMES}
        return path in self._allowed_paths or path.startswith(_ALLOWED_PREFIXES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            # The API enforces two-factor itself (VerifiedSessionAuthentication; tokens are
            # issued only to verified sessions), answering 401 rather than redirecting.
            and not request.path.startswith("/api/")
            and not self._is_allowed(request.path)
            and needs_two_factor(user)
        ):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:two_factor')}?{query}")
        return self.get_response(request)
