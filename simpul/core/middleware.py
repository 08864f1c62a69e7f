from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from simpul.core import request_context


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR is what the app server saw; behind a proxy the deployment must set it
    # correctly (gunicorn --forwarded-allow-ips), we do not trust X-Forwarded-For blindly.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request_context.set_current(
            request_context.RequestContext(ip_address=client_ip(request))
        )
        try:
            return self.get_response(request)
        finally:
            request_context.reset(token)


class DefaultLanguageMiddleware:
    """Bahasa Indonesia unless the user chose English with the language switch.

    Django would otherwise follow the browser's Accept-Language header, and many office
    computers run an English browser. Placed before LocaleMiddleware; the choice made through
    the switch (the language cookie) still wins.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
