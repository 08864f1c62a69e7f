"""Turns :class:`simpul.access.restricted.ReasonRequired` into the redirect to the page that
asks for the reason, so that a view that gets a restricted record need not test what it got
back (like Http404 and PermissionDenied, it is raised where the rule is decided)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from simpul.access.restricted import ReasonRequired


class ReasonRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ReasonRequired):
            return redirect(exception.url)
        return None
