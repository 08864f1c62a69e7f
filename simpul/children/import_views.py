"""Pages of the spreadsheet import of children. Thin: parse input, call one service or selector,
render. The flow and rules are in :mod:`simpul.children.imports`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from simpul.accounts import permissions
from simpul.children import imports, selectors
from simpul.children.forms import ChildImportForm, apply_application_error
from simpul.children.models import ChildImport
from simpul.core.exceptions import ApplicationError
from simpul.core.http import AuthenticatedHttpRequest
from simpul.core.pagination import paginate, querystring_without_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DECISION_PREFIX = "decision-"


@require_http_methods(["GET", "POST"])
def import_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a spreadsheet; the user's earlier imports."""
    if not permissions.can_import_children(request.user):
        raise PermissionDenied
    form = ChildImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = imports.child_import_upload(
                    actor=request.user, file=form.cleaned_data["file"]
                )  # type: ignore[arg-type]
            except ApplicationError as exc:
                apply_application_error(form, exc)
            else:
                messages.success(request, _("The file was uploaded. Its rows are being checked."))
                return redirect("children:import_detail", pk=job.pk)
        status = 422
    page = paginate(request, selectors.child_imports_of(user=request.user))
    return render(request, "children/import_list.html", {"form": form, "page": page}, status=status)


@require_GET
def import_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_import_children(request.user):
        raise PermissionDenied
    response = HttpResponse(imports.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="simpul-template-impor-anak.xlsx"'
    return response


@require_GET
def import_detail(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    """Progress while checking or importing; the preview once checked; the result when done."""
    job = selectors.child_import_get(user=request.user, pk=pk)
    show = request.GET.get("show", "all")
    if show not in imports.SHOW_CHOICES:
        show = "all"
    ctx: dict[str, Any] = {
        "job": job,
        "show": show,
        "qs": querystring_without_page(request),
        "report": job.report or {},
        "counts": (job.report or {}).get("counts", {}),
    }
    if job.status in (ChildImport.Status.VALIDATED, ChildImport.Status.DONE):
        page = paginate(request, imports.preview_rows(job, show))
        ctx.update(
            page=page,
            undecided=imports.undecided_rows(job),
            page_has_duplicates=any(r["candidates"] for r in page),
            filters=[
                ("all", _("All rows")),
                ("error", _("Errors")),
                ("warning", _("Warnings")),
                ("duplicate", _("Possible duplicates")),
                ("undecided", _("Not yet decided")),
            ],
        )
    return render(request, "children/import_detail.html", ctx)


@require_GET
def import_progress(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    """The progress fragment polled by htmx; when the work has finished, the page reloads."""
    job = selectors.child_import_get(user=request.user, pk=pk)
    response = render(request, "children/_import_progress.html", {"job": job})
    if not job.is_running and getattr(request, "htmx", False):
        response["HX-Refresh"] = "true"
    return response


def _decisions(post: Any) -> dict[str, str]:
    return {
        key.removeprefix(DECISION_PREFIX): value
        for key, value in post.items()
        if key.startswith(DECISION_PREFIX)
    }


def _back(pk: Any, post: Any) -> str:
    url = reverse("children:import_detail", args=[pk])
    params = {k: post.get(k) for k in ("show", "page") if post.get(k)}
    return f"{url}?{urlencode(params)}" if params else url


@require_POST
def import_decide(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    """Save the decisions shown on this page ("save"), or save them and accept ("accept")."""
    job = selectors.child_import_get(user=request.user, pk=pk)
    decisions = _decisions(request.POST)
    try:
        if request.POST.get("action") == "accept":
            imports.child_import_accept(actor=request.user, job=job, decisions=decisions)
            messages.success(request, _("Accepted. The children are being registered."))
            return redirect("children:import_detail", pk=job.pk)
        imports.child_import_decide(actor=request.user, job=job, decisions=decisions)
        messages.success(request, _("Your decisions were saved."))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect(_back(job.pk, request.POST))


@require_POST
def import_cancel(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    job = selectors.child_import_get(user=request.user, pk=pk)
    try:
        imports.child_import_cancel(actor=request.user, job=job)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("children:import_detail", pk=job.pk)
    messages.success(request, _("The import was cancelled and the uploaded file deleted."))
    return redirect("children:import")
