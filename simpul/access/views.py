"""The audit trail page and the access-log page for supervisors (with an export for an audit)."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from simpul.access.audit import audit_event_list, audit_history_read, audit_rows
from simpul.access.forms import AccessLogFilterForm, AuditFilterForm
from simpul.access.selectors import access_log_list
from simpul.core.audit import audit_log
from simpul.core.http import AuthenticatedHttpRequest
from simpul.core.pagination import paginate, querystring_without_page
from simpul.core.spreadsheets import append_row

HEADER = ["time", "user", "organisation", "action", "child_record", "record", "reason", "ip"]


def _filters(request: AuthenticatedHttpRequest) -> tuple[AccessLogFilterForm, dict[str, Any]]:
    form = AccessLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, filters


def _loggable(filters: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in filters.items() if v}


@require_GET
def access_log_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    rows = access_log_list(user=request.user, filters=filters)
    page = paginate(request, rows, 50)
    # Reading the access log is itself recorded.
    audit_log(actor=request.user, action="access.access_log.viewed", data=_loggable(filters))
    return render(
        request,
        "access/access_log.html",
        {"form": form, "page": page, "qs": querystring_without_page(request)},
    )


@require_GET
def access_log_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    from openpyxl import Workbook

    _form, filters = _filters(request)
    rows = access_log_list(user=request.user, filters=filters)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "access_log"
    append_row(sheet, HEADER)
    count = 0
    for row in rows.iterator(chunk_size=1000):
        append_row(
            sheet,
            [
                timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                row.user_email,
                row.organization_name,
                row.get_action_display(),
                row.child_id,
                row.target_repr,
                row.reason,
                row.ip_address or "",
            ],
        )
        count += 1
    audit_log(
        actor=request.user,
        action="access.access_log.exported",
        data={**_loggable(filters), "rows": count},
    )
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="simpul-access-log-{stamp}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


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
            "rows": audit_rows(list(page)),
            "qs": querystring_without_page(request),
        },
    )
