"""Directory pages. Thin: parse input, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from simpul.accounts import permissions
from simpul.core.concurrency import (
    ConcurrentUpdate,
    conflict_to_form,
    form_version,
    version_field_add,
)
from simpul.core.exceptions import ApplicationError
from simpul.core.http import AuthenticatedHttpRequest
from simpul.core.pagination import paginate, querystring_without_page
from simpul.directory import selectors, services
from simpul.directory.exports import directory_export_xlsx
from simpul.directory.forms import (
    CapacityForm,
    DirectoryFilterForm,
    ImportForm,
    LocationForm,
    OrganizationForm,
    ServiceForm,
    apply_application_error,
)
from simpul.directory.imports import template_workbook
from simpul.directory.widgets import is_valid_picker_name, picker_context

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def organization_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    if not permissions.can_view_directory(request.user):
        raise PermissionDenied
    orgs = selectors.organization_list(user=request.user, filters=form.filters())
    context = {
        "form": form,
        "page": paginate(request, orgs),
        "qs": querystring_without_page(request),
        "today": timezone.localdate(),
        "can_create": permissions.can_create_organization(request.user),
        "can_export": permissions.can_export_directory(request.user),
        "can_import": permissions.can_import_directory(request.user),
    }
    template = "directory/organization_list.html"
    if getattr(request, "htmx", False) and request.headers.get("HX-Target") == "results":
        template += "#results"
    return render(request, template, context)


@require_GET
def organization_picker(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The partner picker's results (htmx): the chosen organisations and one page of the active
    organisations matching the filters, as radios or checkboxes named like the form field."""
    if not permissions.can_view_directory(request.user):
        raise PermissionDenied
    name = request.GET.get("field", "")
    widget_id = request.GET.get("id", "")
    if not (is_valid_picker_name(name) and is_valid_picker_name(widget_id)):
        return HttpResponseBadRequest(_("Unknown field."))
    context = picker_context(
        user=request.user,
        name=name,
        widget_id=widget_id,
        multiple=request.GET.get("multiple") == "1",
        chosen=request.GET.getlist(name),
        data=request.GET,
        page_number=request.GET.get("page"),
    )
    return render(request, "directory/_picker_results.html", {"p": context})


@require_GET
def organization_detail(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    context = selectors.organization_profile(user=request.user, pk=pk)
    return render(request, "directory/organization_detail.html", context)


@require_http_methods(["GET", "POST"])
def organization_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_create_organization(request.user):
        raise PermissionDenied
    form = OrganizationForm(request.POST or None, admin=True)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_create(actor=request.user, **form.service_data())
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("The organisation was created."))
            return redirect("directory:detail", pk=org.pk)
    return render(
        request,
        "directory/form.html",
        {"form": form, "title": _("New organisation"), "cancel_url": "directory:list"},
    )


@require_http_methods(["GET", "POST"])
def organization_edit(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    org = selectors.organization_get_for_edit(user=request.user, pk=pk)
    admin = permissions.is_dinsos_admin(request.user)
    form = OrganizationForm(request.POST or None, organization=org, admin=admin)
    version_field_add(form, org)
    if request.method == "POST" and form.is_valid():
        expected = form_version(form)
        try:
            services.organization_update(
                actor=request.user,
                organization=org,
                data=form.service_data(),
                expected_version=expected,
            )
        except ConcurrentUpdate as exc:
            conflict_to_form(form, exc, org)
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("directory:detail", pk=org.pk)
    return render(
        request,
        "directory/form.html",
        {"form": form, "org": org, "title": _("Edit %(name)s") % {"name": org.name}},
    )


@require_http_methods(["GET", "POST"])
def service_create(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    org = selectors.organization_get_for_edit(user=request.user, pk=pk)
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_create(actor=request.user, organization=org, **form.service_data())
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("The service was added."))
            return redirect("directory:detail", pk=org.pk)
    return render(
        request,
        "directory/form.html",
        {"form": form, "org": org, "title": _("New service of %(name)s") % {"name": org.name}},
    )


@require_http_methods(["GET", "POST"])
def service_edit(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    service = selectors.service_get_for_edit(user=request.user, pk=pk)
    form = ServiceForm(request.POST or None, service=service)
    version_field_add(form, service)
    if request.method == "POST" and form.is_valid():
        expected = form_version(form)
        try:
            services.service_update(
                actor=request.user,
                service=service,
                data=form.service_data(),
                expected_version=expected,
            )
        except ConcurrentUpdate as exc:
            conflict_to_form(form, exc, service)
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("directory:detail", pk=service.organization_id)
    return render(
        request,
        "directory/form.html",
        {
            "form": form,
            "org": service.organization,
            "title": _("Edit service %(name)s") % {"name": service.name},
        },
    )


@require_http_methods(["GET", "POST"])
def service_capacity(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    """Capacity history of a service (any directory user) and, for its people, the update form."""
    service = selectors.service_get(user=request.user, pk=pk)
    can_update = permissions.can_update_capacity(request.user, service.organization)
    if request.method == "POST" and not can_update:
        raise PermissionDenied
    initial = {"total": service.capacity_total, "occupied": service.capacity_occupied}
    form = CapacityForm(request.POST or None, initial=initial) if can_update else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.service_capacity_update(
                actor=request.user,
                service=service,
                **form.cleaned_data,  # type: ignore[arg-type]
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("The capacity was updated."))
            return redirect("directory:service_capacity", pk=service.pk)
    history = selectors.service_capacity_history(user=request.user, service=service)
    return render(
        request,
        "directory/service_capacity.html",
        {
            "service": service,
            "org": service.organization,
            "form": form,
            "page": paginate(request, history),
            "qs": querystring_without_page(request),
        },
    )


@require_http_methods(["GET", "POST"])
def location_create(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    org = selectors.organization_get_for_edit(user=request.user, pk=pk)
    form = LocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.location_create(actor=request.user, organization=org, **form.cleaned_data)
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("The location was added."))
            return redirect("directory:detail", pk=org.pk)
    return render(
        request,
        "directory/form.html",
        {"form": form, "org": org, "title": _("New location of %(name)s") % {"name": org.name}},
    )


@require_http_methods(["GET", "POST"])
def location_edit(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    location = selectors.location_get_for_edit(user=request.user, pk=pk)
    form = LocationForm(request.POST or None, location=location)
    if request.method == "POST" and form.is_valid():
        try:
            services.location_update(actor=request.user, location=location, data=form.cleaned_data)
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("directory:detail", pk=location.organization_id)
    return render(
        request,
        "directory/form.html",
        {
            "form": form,
            "org": location.organization,
            "title": _("Edit location %(name)s") % {"name": location.name},
        },
    )


@require_http_methods(["GET", "POST"])
def directory_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_import_directory(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[dict] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = services.directory_import(
                actor=request.user,
                file=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],  # type: ignore[arg-type]
            )
        except ApplicationError as exc:
            errors = exc.extra.get("errors", [])
            form.add_error(None, exc.message)
            status = 422 if errors else 200
        else:
            messages.success(
                request,
                _("Imported %(orgs)s organisation(s) and %(services)s service(s).")
                % {"orgs": result.organizations_created, "services": result.services_created},
            )
            return redirect("directory:import")
    return render(request, "directory/import.html", {"form": form, "errors": errors}, status=status)


@require_GET
def import_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_import_directory(request.user):
        raise PermissionDenied
    return _xlsx_response(template_workbook(), "simpul-directory-template.xlsx")


@require_GET
def directory_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    content = directory_export_xlsx(user=request.user, filters=form.filters())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _xlsx_response(content, f"simpul-directory-{stamp}.xlsx")
