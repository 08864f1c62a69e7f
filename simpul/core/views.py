from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from simpul.core.forms import AuditFilterForm
from simpul.core.http import AuthenticatedHttpRequest
from simpul.core.pagination import paginate, querystring_without_page
from simpul.core.selectors import audit_event_list, audit_history_read, audit_row


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


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


@require_GET
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_event_list(user=request.user, filters=filters)
    page = paginate(request, events, 50)
    if filters.get("target"):
        # A child's history is access to the child: logged like opening its profile.
        audit_history_read(user=request.user, events=list(page))
    return render(
        request,
        "core/audit_list.html",
        {
            "form": form,
            "page": page,
            "rows": [audit_row(e) for e in page],
            "qs": querystring_without_page(request),
        },
    )
