"""Agreements and protocol pages. Thin: parse input, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from simpul.accounts import permissions
from simpul.agreements import selectors, services
from simpul.agreements.forms import (
    AgreementFilterForm,
    AgreementForm,
    ApproveForm,
    DocumentForm,
    ParticipantForm,
    ProtocolCreateForm,
    TerminateForm,
    VersionForm,
    apply_application_error,
)
from simpul.agreements.models import AgreementStatus, ProtocolParticipant, VersionStatus
from simpul.agreements.pdf import protocol_pdf
from simpul.core.concurrency import (
    ConcurrentUpdate,
    conflict_to_form,
    form_version,
    version_field_add,
)
from simpul.core.exceptions import ApplicationError
from simpul.core.http import AuthenticatedHttpRequest
from simpul.core.pagination import paginate, querystring_without_page


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- agreements ---------------------------------------------------------------------------------
@require_GET
def agreement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(permissions.can_view_agreements(request.user))
    form = AgreementFilterForm(request.GET or None)
    agreements = selectors.agreement_list(user=request.user, **form.filters())
    today = timezone.localdate()
    page = paginate(request, agreements)
    return render(
        request,
        "agreements/agreement_list.html",
        {
            "form": form,
            "page": page,
            "rows": [(a, a.days_left(today)) for a in page],
            "qs": querystring_without_page(request),
            "can_manage": permissions.can_manage_agreements(request.user),
        },
    )


@require_GET
def agreement_detail(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    _require(permissions.can_view_agreements(request.user))
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "today": today,
            "in_force": agreement.in_force_on(today),
            "days_left": agreement.days_left(today),
            "amendments": paginate(request, agreement.amendments.select_related("created_by")),
            "documents": agreement.documents.select_related("uploaded_by")[:20],
            "can_manage": permissions.can_manage_agreements(request.user),
            "terminate_form": TerminateForm(),
            "document_form": DocumentForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def agreement_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(permissions.can_manage_agreements(request.user))
    form = AgreementForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(actor=request.user, **form.service_data())
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("The agreement was saved as a draft."))
            return redirect("agreements:detail", pk=agreement.pk)
    return render(request, "agreements/form.html", {"form": form, "title": _("New agreement")})


@require_http_methods(["GET", "POST"])
def agreement_edit(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    _require(permissions.can_manage_agreements(request.user))
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    if agreement.status not in (AgreementStatus.DRAFT, AgreementStatus.ACTIVE):
        messages.error(request, _("An expired or terminated agreement can no longer be changed."))
        return redirect("agreements:detail", pk=agreement.pk)
    amending = agreement.status == AgreementStatus.ACTIVE
    form = AgreementForm(
        request.POST or None, instance=agreement, user=request.user, amending=amending
    )
    version_field_add(form, agreement)
    if request.method == "POST" and form.is_valid():
        expected = form_version(form)
        try:
            services.agreement_update(
                actor=request.user,
                agreement=agreement,
                data=form.service_data(),
                expected_version=expected,
                reason=form.cleaned_data.get("reason", ""),
                reference=form.cleaned_data.get("reference", ""),
            )
        except ConcurrentUpdate as exc:
            conflict_to_form(form, exc, agreement)
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(
                request,
                _("The amendment was recorded.") if amending else _("The agreement was saved."),
            )
            return redirect("agreements:detail", pk=agreement.pk)
    title = _("Amend the agreement") if amending else _("Edit the agreement")
    return render(
        request, "agreements/form.html", {"form": form, "title": title, "agreement": agreement}
    )


@require_POST
def agreement_activate(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    _require(permissions.can_manage_agreements(request.user))
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    try:
        services.agreement_activate(actor=request.user, agreement=agreement)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The agreement is active."))
    return redirect("agreements:detail", pk=agreement.pk)


@require_POST
def agreement_terminate(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    _require(permissions.can_manage_agreements(request.user))
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    form = TerminateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the agreement is terminated."))
        return redirect("agreements:detail", pk=agreement.pk)
    try:
        services.agreement_terminate(
            actor=request.user, agreement=agreement, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The agreement was terminated."))
    return redirect("agreements:detail", pk=agreement.pk)


@require_POST
def agreement_document_upload(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    _require(permissions.can_manage_agreements(request.user))
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the file of the signed agreement."))
        return redirect("agreements:detail", pk=agreement.pk)
    try:
        services.agreement_document_upload(
            actor=request.user,
            agreement=agreement,
            file=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The signed document was uploaded."))
    return redirect("agreements:detail", pk=agreement.pk)


@require_GET
def agreement_document(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponseBase:
    """A signed document: only for those who see its agreement; every download audited."""
    _require(permissions.can_view_agreements(request.user))
    document = selectors.document_get(user=request.user, pk=pk)
    services.agreement_document_downloaded(actor=request.user, document=document)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name or "agreement",
        content_type=document.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- protocols ----------------------------------------------------------------------------------
@require_GET
def protocol_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(permissions.can_view_protocols(request.user))
    today = timezone.localdate()
    protocols = selectors.protocol_list(user=request.user)
    page = paginate(request, protocols)
    rows = [
        {
            "protocol": p,
            "in_force": selectors.protocol_in_force(category=p.category_id, on=today),
            "draft": next((v for v in p.versions.all() if v.status == VersionStatus.DRAFT), None),
        }
        for p in page
    ]
    return render(
        request,
        "agreements/protocol_list.html",
        {
            "page": page,
            "rows": rows,
            "can_manage": permissions.can_manage_protocols(request.user),
            "create_form": ProtocolCreateForm(),
        },
    )


@require_POST
def protocol_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(permissions.can_manage_protocols(request.user))
    form = ProtocolCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a child category without a protocol."))
        return redirect("agreements:protocol_list")
    try:
        protocol = services.protocol_create(
            actor=request.user,
            category=form.cleaned_data["category"],
            title=form.cleaned_data["title"],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("agreements:protocol_list")
    return redirect("agreements:version_detail", pk=protocol.versions.get().pk)


@require_GET
def protocol_detail(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    _require(permissions.can_view_protocols(request.user))
    protocol = selectors.protocol_get(user=request.user, pk=pk)
    versions = selectors.versions_visible_to(request.user).filter(protocol=protocol)
    return render(
        request,
        "agreements/protocol_detail.html",
        {
            "protocol": protocol,
            "page": paginate(request, versions.select_related("approved_by")),
            "in_force": selectors.protocol_in_force(
                category=protocol.category_id, on=timezone.localdate()
            ),
            "can_manage": permissions.can_manage_protocols(request.user),
            "has_draft": protocol.versions.filter(status=VersionStatus.DRAFT).exists(),
        },
    )


@require_POST
def version_create(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    _require(permissions.can_manage_protocols(request.user))
    protocol = selectors.protocol_get(user=request.user, pk=pk)
    try:
        draft = services.version_draft_create(actor=request.user, protocol=protocol)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("agreements:protocol_detail", pk=protocol.pk)
    messages.success(request, _("A new draft was made from the last version."))
    return redirect("agreements:version_detail", pk=draft.pk)


def _version(request: AuthenticatedHttpRequest, pk: Any) -> Any:
    version = selectors.version_get(user=request.user, pk=pk)
    if version.is_draft and not permissions.can_manage_protocols(request.user):
        raise Http404
    return version


@require_GET
def version_detail(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    _require(permissions.can_view_protocols(request.user))
    version = _version(request, pk)
    can_manage = permissions.can_manage_protocols(request.user)
    editable = version.is_draft and can_manage
    can_approve = (
        version.is_draft
        and permissions.can_approve_protocols(request.user)
        and version.created_by_id != request.user.pk
    )
    return render(
        request,
        "agreements/version_detail.html",
        {
            "version": version,
            "protocol": version.protocol,
            "deadline_rows": _deadline_rows(version),
            "participants": version.participants.all(),
            "in_force": version.in_force_on(timezone.localdate()),
            "editable": editable,
            "can_approve": can_approve,
            "version_form": VersionForm(version=version) if editable else None,
            "participant_form": ParticipantForm() if editable else None,
            "approve_form": ApproveForm(initial={"valid_from": timezone.localdate()})
            if can_approve
            else None,
        },
    )


def _deadline_rows(version: Any) -> list[dict[str, Any]]:
    from simpul.agreements.models import Step, Urgency

    return [
        {
            "label": label,
            "cells": [(Step(s).label, version.deadlines(code)[s]) for s in Step.values],
        }
        for code, label in Urgency.choices
    ]


@require_POST
def version_edit(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    _require(permissions.can_manage_protocols(request.user))
    version = _version(request, pk)
    form = VersionForm(request.POST, version=version)
    if form.is_valid():
        try:
            services.version_update(actor=request.user, version=version, data=form.service_data())
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The draft was saved."))
    else:
        messages.error(request, _("Check the numbers: whole working days from 0 to 365."))
    return redirect("agreements:version_detail", pk=version.pk)


@require_POST
def participant_add(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    _require(permissions.can_manage_protocols(request.user))
    version = _version(request, pk)
    form = ParticipantForm(request.POST)
    if form.is_valid():
        try:
            services.participant_save(actor=request.user, version=version, **form.service_data())
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The participant was added."))
    else:
        messages.error(request, _("Give the participant's role and its type or office."))
    return redirect("agreements:version_detail", pk=version.pk)


@require_POST
def participant_remove(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    _require(permissions.can_manage_protocols(request.user))
    participant = get_object_or_404(ProtocolParticipant, pk=pk)
    version = _version(request, participant.version_id)
    try:
        services.participant_remove(actor=request.user, participant=participant)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("agreements:version_detail", pk=version.pk)


@require_POST
def version_discard(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    _require(permissions.can_manage_protocols(request.user))
    version = _version(request, pk)
    protocol = version.protocol
    try:
        services.version_discard(actor=request.user, version=version)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("agreements:version_detail", pk=version.pk)
    messages.success(request, _("The draft was discarded."))
    return redirect("agreements:protocol_detail", pk=protocol.pk)


@require_POST
def version_approve(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    _require(permissions.can_approve_protocols(request.user))
    version = _version(request, pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the day the version comes into force."))
        return redirect("agreements:version_detail", pk=version.pk)
    try:
        services.version_approve(
            actor=request.user,
            version=version,
            valid_from=form.cleaned_data["valid_from"],
            note=form.cleaned_data["note"],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The version was approved."))
    return redirect("agreements:version_detail", pk=version.pk)


@require_GET
def version_pdf(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    _require(permissions.can_view_protocols(request.user))
    version = _version(request, pk)
    content = protocol_pdf(version)
    name = slugify(f"protokol-{version.protocol.category.code}-v{version.number}") or "protokol"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response
