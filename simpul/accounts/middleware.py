"""Two-factor enforcement: roles that require it cannot use the app until a TOTP code is given."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths a half-signed-in user may still reach.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/", "/jsi18n/")


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and "HTTP_AUTHORIZATION" not in request.META  # token clients: see the API auth class
            and not user.is_verified()
            and (user.requires_two_factor or user.totpdevice_set.filter(confirmed=True).exists())
        ):
            return redirect(f"{reverse('accounts:two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)
