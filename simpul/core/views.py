from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views import defaults
from django.views.decorators.http import require_GET

from simpul.core.home import home_cards
from simpul.core.http import AuthenticatedHttpRequest


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Hari ini": the cards of every app that apply to this person, most urgent first."""
    return render(request, "core/home.html", {"cards": home_cards(request.user)})


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: the site's page, or for the API (a URL no route matches, e.g. an id that is not a
    UUID) the API's JSON error, as the API's own 404s are."""
    if _is_api(request):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": gettext("Server error. It has been logged.")}, status=500)
    return defaults.server_error(request)
