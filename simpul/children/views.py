"""Children pages. Thin: parse input, call one selector or service, render.

Every page of a child goes through ``_child`` (the permission-checked getter, 404 when the user
may not know the child) and writes an AccessLog row. Restricted records opened by someone not
assigned ask for a reason first; it is logged ("open_restricted") and remembered for the session.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from simpul.access.children import ChildAccess, child_access, display_name
from simpul.access.restricted import restricted_grant_active, restricted_open
from simpul.access.scope import mask_name
from simpul.accounts import permissions
from simpul.children import selectors, services
from simpul.children.forms import (
    CHECK_STEP,
    CONFIRM_STEP,
    LAST_FIELDS_STEP,
    REGISTER_STEPS,
    AliasForm,
    ChildForm,
    ClassifyForm,
    ConditionsForm,
    ConsentForm,
    DocumentForm,
    GuardianForm,
    LegalBasisForm,
    MergeForm,
    ReasonForm,
    RegisterForm,
    SearchForm,
    WithdrawForm,
    apply_application_error,
)
from simpul.children.identity import warning_text
from simpul.children.models import (
    Child,
    ChildAlias,
    ChildCategory,
    Consent,
    DuplicateScan,
    Guardian,
)
from simpul.core.concurrency import (
    ConcurrentUpdate,
    conflict_to_form,
    form_version,
    version_field_add,
)
from simpul.core.exceptions import ApplicationError
from simpul.core.http import AuthenticatedHttpRequest
from simpul.core.models import AccessLog
from simpul.core.pagination import paginate, querystring_without_page


def _opened(request: AuthenticatedHttpRequest, child: Child) -> bool:
    return restricted_grant_active(session=request.session, child_id=child.pk)


def _child(
    request: AuthenticatedHttpRequest, pk: Any, *, need: str = "view", log: bool = True
) -> tuple[Child, ChildAccess]:
    """The child (404 if not visible), after the restricted-record reason, with an access-log row."""
    child, access = selectors.child_get(user=request.user, pk=pk)
    if need in ("full", "edit") and not access.full:
        raise PermissionDenied
    if need == "edit" and not access.can_edit:
        raise PermissionDenied
    if access.needs_reason and not _opened(request, child):
        raise _NeedsReason(child)
    if log:
        selectors.access_log(user=request.user, action=AccessLog.Action.VIEW, child=child)
    return child, access


class _NeedsReason(Exception):
    def __init__(self, child: Child) -> None:
        self.child = child


def _gate(view: Any) -> Any:
    """Send a not-assigned user to the reason form of a restricted record."""
    from functools import wraps

    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _NeedsReason as exc:
            return redirect("children:detail", pk=exc.child.pk)

    return wrapper


# --- search and registration ------------------------------------------------------------------
@require_GET
def child_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_view_children(request.user):
        raise PermissionDenied
    form = SearchForm(
        request.GET or None, nik_allowed=permissions.can_search_children_by_nik(request.user)
    )  # type: ignore[arg-type]
    filters = form.filters()
    page = paginate(request, selectors.child_search(user=request.user, filters=filters))
    if not filters.is_empty():
        selectors.access_log(
            user=request.user, action=AccessLog.Action.SEARCH, target_repr=filters.loggable()
        )  # type: ignore[arg-type]
    for c in page:
        c.shown_name = display_name(c)
    return render(
        request,
        "children/search.html",
        {
            "form": form,
            "page": page,
            "qs": querystring_without_page(request),
            "can_register": permissions.can_register_child(request.user),
            "can_merge": permissions.can_merge_children(request.user),
            "can_import": permissions.can_import_children(request.user),
        },
    )


def _posted_step(request: AuthenticatedHttpRequest, name: str, default: int) -> int:
    try:
        number = int(request.POST.get(name, default))
    except (TypeError, ValueError):
        number = default
    return min(max(number, 1), len(REGISTER_STEPS))


@require_http_methods(["GET", "POST"])
def child_register(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Registration in steps, one short page each; every field not on the page travels as a
    hidden input, so it works without JavaScript (children/register.html).

    POST ``action``: "next" (check this step's fields, go on), ``goto=<n>`` (back to a step,
    nothing checked), "check" (validate everything and show probable duplicates — nothing is
    saved; the default), "review" (the confirmation page), "confirm" ("this is a different
    child" for every ``candidate`` — register; the choice is audited, and the service refuses a
    confirm that does not declare every candidate it finds)."""
    if not permissions.can_register_child(request.user):
        raise PermissionDenied
    form = RegisterForm(request.POST or None)
    ctx: dict[str, Any] = {"form": form}
    step = 1
    if request.method == "POST":
        current = _posted_step(request, "step", 1)
        action = request.POST.get("action", "check")
        if "goto" in request.POST:
            step, action = min(_posted_step(request, "goto", current), LAST_FIELDS_STEP), ""
        elif action == "next":
            step = current if form.step_has_errors(current) else current + 1
            action = "check" if step >= CHECK_STEP else ""
        if action in ("check", "review", "confirm"):
            outcome = _register_submit(request, form, action, ctx)
            if isinstance(outcome, HttpResponse):
                return outcome
            step = outcome
    ctx.update(
        steps=REGISTER_STEPS,
        step=REGISTER_STEPS[step - 1],
        step_fields=[form[name] for name in REGISTER_STEPS[step - 1].fields],
        other_fields=[form[name] for s in REGISTER_STEPS if s.number != step for name in s.fields],
        check_step=CHECK_STEP,
        last_fields_step=LAST_FIELDS_STEP,
    )
    if step == CONFIRM_STEP:
        ctx["summary"] = form.summary()
    return render(request, "children/register.html", ctx)


def _register_submit(
    request: AuthenticatedHttpRequest, form: RegisterForm, action: str, ctx: dict[str, Any]
) -> int | HttpResponse:
    """The duplicate check, the confirmation and the registration: the step to show next (the
    first step with an error when the data does not pass), or the redirect once registered."""
    if not form.is_valid():
        return form.first_error_step() or 1
    try:
        if action == "confirm":
            child = services.child_register(
                actor=request.user,
                data=form.service_data(),
                aliases=form.alias_list(),  # type: ignore[arg-type]
                guardians=form.guardian_list(),
                confirm_not_duplicate_of=request.POST.getlist("candidate"),
            )
            messages.success(
                request,
                _("The child was registered as %(number)s.")
                % {"number": child.registration_number},
            )
            return redirect("children:detail", pk=child.pk)
        preview = services.registration_preview(
            actor=request.user, data=form.service_data(), aliases=form.alias_list()
        )  # type: ignore[arg-type]
        ctx.update(
            checked=True,
            candidates=preview["candidates"],
            warnings=[warning_text(w) for w in preview["warnings"]],
        )
        return CONFIRM_STEP if action == "review" else CHECK_STEP
    except services.DuplicateSuspected as exc:
        ctx.update(checked=True, candidates=exc.extra["candidates"])
        return CHECK_STEP
    except ApplicationError as exc:
        apply_application_error(form, exc)
        return form.first_error_step() or CHECK_STEP


# --- profile ----------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def child_detail(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    child, access = selectors.child_get(user=request.user, pk=pk)
    if access.needs_reason and not _opened(request, child):
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                restricted_open(
                    user=request.user,
                    child_id=child.pk,
                    target=child,
                    target_repr=child.registration_number,
                    reason=form.cleaned_data["reason"],
                    session=request.session,
                )
            except ApplicationError as exc:
                form.add_error("reason", exc.message)
            else:
                return redirect("children:detail", pk=child.pk)
        return render(
            request,
            "children/restricted_reason.html",
            {"form": form, "child": child, "name": mask_name(child.full_name)},
        )
    reveal = request.method == "POST" and request.POST.get("action") == "reveal" and access.full
    reason = ""
    if reveal:
        reason = "identity numbers shown"
    elif request.GET.get("from") == "duplicate-check":
        reason = "opened from the duplicate warning at registration"
    selectors.access_log(
        user=request.user, action=AccessLog.Action.VIEW, child=child, reason=reason
    )  # type: ignore[arg-type]
    ctx = selectors.child_profile(
        user=request.user, child=child, access=access, opened=_opened(request, child)
    )  # type: ignore[arg-type]
    ctx["reveal"] = reveal
    # The way from a child's record (e.g. found by the duplicate check) to a new case.
    ctx["can_open_case"] = (
        access.full and not child.merged_into_id and permissions.can_open_case(request.user)
    )  # type: ignore[arg-type]
    return render(request, "children/detail.html", ctx)


@_gate
@require_GET
def child_duplicates(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    child, _access = _child(request, pk, need="full")
    candidates = selectors.child_duplicates_of(user=request.user, child=child)
    return render(
        request,
        "children/duplicates_of.html",
        {
            "child": child,
            "candidates": candidates,
            "can_merge": permissions.can_merge_children(request.user),
        },
    )  # type: ignore[arg-type]


@_gate
@require_http_methods(["GET", "POST"])
def child_edit(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    child, _access = _child(request, pk, need="edit", log=request.method == "GET")
    form = ChildForm(request.POST or None, initial=ChildForm.initial_from(child))
    version_field_add(form, child)
    if request.method == "POST" and form.is_valid():
        expected = form_version(form)
        try:
            services.child_update_identity(
                actor=request.user,
                child=child,
                data=form.service_data(),
                expected_version=expected,
            )
        except ConcurrentUpdate as exc:
            conflict_to_form(form, exc, child)
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("The record was saved."))
            return redirect("children:detail", pk=child.pk)
    return render(
        request, "children/form.html", {"form": form, "child": child, "title": _("Edit identity")}
    )


@_gate
@require_http_methods(["GET", "POST"])
def child_aliases(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    child, _access = _child(request, pk, need="edit", log=request.method == "GET")
    form = AliasForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.child_alias_add(actor=request.user, child=child, **form.cleaned_data)
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("The name was added."))
            return redirect("children:aliases", pk=child.pk)
    return render(
        request,
        "children/aliases.html",
        {"form": form, "child": child, "aliases": child.aliases.all()},
    )


@_gate
@require_POST
def child_alias_remove(request: AuthenticatedHttpRequest, pk: Any, alias_pk: Any) -> HttpResponse:
    child, _access = _child(request, pk, need="edit", log=False)
    alias = get_object_or_404(ChildAlias, pk=alias_pk, child=child)
    services.child_alias_remove(actor=request.user, alias=alias)
    messages.success(request, _("The name was removed."))
    return redirect("children:aliases", pk=child.pk)


@_gate
@require_http_methods(["GET", "POST"])
def guardian_edit(
    request: AuthenticatedHttpRequest, pk: Any, guardian_pk: Any = None
) -> HttpResponse:
    child, _access = _child(request, pk, need="edit", log=request.method == "GET")
    guardian = get_object_or_404(Guardian, pk=guardian_pk, child=child) if guardian_pk else None
    form = GuardianForm(request.POST or None, instance=guardian)
    if request.method == "POST" and form.is_valid():
        try:
            services.guardian_save(
                actor=request.user,
                child=child,
                guardian=guardian,  # type: ignore[arg-type]
                data={f: form.cleaned_data[f] for f in GuardianForm.Meta.fields},
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("The family member was saved."))
            return redirect("children:detail", pk=child.pk)
    title = _("Edit family member") if guardian else _("Add a parent, guardian or family member")
    return render(
        request,
        "children/form.html",
        {"form": form, "child": child, "title": title, "delete_url_guardian": guardian},
    )


@_gate
@require_POST
def guardian_remove(request: AuthenticatedHttpRequest, pk: Any, guardian_pk: Any) -> HttpResponse:
    child, _access = _child(request, pk, need="edit", log=False)
    services.guardian_remove(
        actor=request.user, guardian=get_object_or_404(Guardian, pk=guardian_pk, child=child)
    )  # type: ignore[arg-type]
    messages.success(request, _("The family member was removed."))
    return redirect("children:detail", pk=child.pk)


# --- classification ---------------------------------------------------------------------------
@_gate
@require_http_methods(["GET", "POST"])
def child_classification(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    child, access = _child(
        request, pk, need="view" if request.method == "GET" else "edit", log=request.method == "GET"
    )
    action = request.POST.get("action", "classify")
    form = ClassifyForm(
        request.POST if request.method == "POST" and action == "classify" else None,
        initial={"category": request.GET.get("category")},
    )
    cond_form = ConditionsForm(
        request.POST if request.method == "POST" and action == "conditions" else None,
        initial={"conditions": list(child.conditions.all())},
    )
    if request.method == "POST":
        try:
            if action == "conditions" and cond_form.is_valid():
                services.child_conditions_set(
                    actor=request.user, child=child, conditions=cond_form.cleaned_data["conditions"]
                )  # type: ignore[arg-type]
                messages.success(request, _("The conditions were saved."))
                return redirect("children:classification", pk=child.pk)
            if action == "classify" and form.is_valid():
                services.child_classify(actor=request.user, child=child, **form.cleaned_data)
                messages.success(request, _("The classification was recorded."))
                return redirect("children:classification", pk=child.pk)
        except ApplicationError as exc:
            apply_application_error(form if action == "classify" else cond_form, exc)
    return render(
        request,
        "children/classification.html",
        {
            "child": child,
            "access": access,
            "form": form,
            "cond_form": cond_form,
            "rows": selectors.classification_rows(child),
            "suggestions": selectors.category_suggestions(child),
            "schemes": selectors.classification_choices(),
            "age": child.age,
        },
    )


@_gate
@require_POST
def child_unclassify(
    request: AuthenticatedHttpRequest, pk: Any, classification_pk: Any
) -> HttpResponse:
    child, _access = _child(request, pk, need="edit", log=False)
    cc = get_object_or_404(ChildCategory, pk=classification_pk, child=child)
    services.child_unclassify(actor=request.user, classification=cc)
    messages.success(request, _("The classification was ended."))
    return redirect("children:classification", pk=child.pk)


# --- consent ----------------------------------------------------------------------------------
@_gate
@require_http_methods(["GET", "POST"])
def consent_add(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    child, _access = _child(request, pk, need="full", log=request.method == "GET")
    # Coming from a "record the consent first" refusal: that organisation is already chosen.
    initial = {}
    if request.GET.get("organization"):
        initial = {
            "purpose": Consent.Purpose.SHARING,
            "organizations": [request.GET["organization"]],
        }
    form = ConsentForm(
        request.POST or None, request.FILES or None, initial=initial, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.consent_record(actor=request.user, child=child, **data)
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("The consent was recorded."))
            return redirect("children:detail", pk=child.pk)
    return render(
        request,
        "children/form.html",
        {"form": form, "child": child, "title": _("Record consent"), "multipart": True},
    )


@_gate
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: AuthenticatedHttpRequest, pk: Any, consent_pk: Any) -> HttpResponse:
    child, _access = _child(request, pk, need="full", log=request.method == "GET")
    consent = get_object_or_404(Consent, pk=consent_pk, child=child)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                actor=request.user, consent=consent, reason=form.cleaned_data["reason"]
            )  # type: ignore[arg-type]
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("The consent was withdrawn."))
            return redirect("children:detail", pk=child.pk)
    return render(
        request,
        "children/form.html",
        {"form": form, "child": child, "title": _("Withdraw consent")},
    )


@_gate
@require_http_methods(["GET", "POST"])
def legal_basis_add(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    if not permissions.can_record_legal_basis(request.user):
        raise PermissionDenied
    child, _access = _child(request, pk, need="full", log=request.method == "GET")
    form = LegalBasisForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_basis_record(actor=request.user, child=child, **form.cleaned_data)
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("The legal basis was recorded."))
            return redirect("children:detail", pk=child.pk)
    return render(
        request,
        "children/form.html",
        {"form": form, "child": child, "title": _("Record a legal basis")},
    )


# --- documents --------------------------------------------------------------------------------
@_gate
@require_http_methods(["GET", "POST"])
def document_add(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    child, _access = _child(request, pk, need="full", log=request.method == "GET")
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_upload(actor=request.user, child=child, **form.cleaned_data)
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("The document was uploaded."))
            return redirect("children:detail", pk=child.pk)
    return render(
        request,
        "children/form.html",
        {"form": form, "child": child, "title": _("Upload a document"), "multipart": True},
    )


@require_GET
def document_download(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponseBase:
    doc = selectors.document_get(user=request.user, pk=pk)
    access = child_access(request.user, doc.child)
    if access.needs_reason and not _opened(request, doc.child):
        return redirect("children:detail", pk=doc.child_id)
    selectors.access_log(
        user=request.user,
        action=AccessLog.Action.DOWNLOAD,
        child=doc.child,
        target=doc,  # type: ignore[arg-type]
        target_repr=f"{doc.get_kind_display()} ({doc.child.registration_number})",
    )
    response = FileResponse(
        doc.file.open("rb"),
        as_attachment=True,
        filename=doc.original_name,
        content_type=doc.content_type,
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def document_delete(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    doc = selectors.document_get(user=request.user, pk=pk)
    child_pk = doc.child_id
    services.document_delete(actor=request.user, document=doc)
    messages.success(request, _("The document was deleted."))
    return redirect("children:detail", pk=child_pk)


# --- merge and the duplicate scan -------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def child_merge(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_merge_children(request.user):
        raise PermissionDenied
    params = request.POST if request.method == "POST" else request.GET
    try:
        a, _aa = _child(request, params.get("a"), need="full", log=request.method == "GET")
        b, _ab = _child(request, params.get("b"), need="full", log=request.method == "GET")
    except _NeedsReason as exc:
        return redirect("children:detail", pk=exc.child.pk)
    twins = selectors.pair_possibly_twins(a, b)
    form = MergeForm(request.POST or None, children=(a, b), twins=twins)
    if request.method == "POST" and form.is_valid():
        survivor, merged = form.survivor_and_merged()
        try:
            services.child_merge(
                actor=request.user,
                survivor=survivor,
                merged=merged,
                reason=form.cleaned_data["reason"],
                confirm_twins=bool(form.cleaned_data.get("confirm_twins")),
            )  # type: ignore[arg-type]
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(
                request,
                _("The records were merged. The merge can be undone from the child's page."),
            )
            return redirect("children:detail", pk=survivor.pk)
    rows = _compare_rows(a, b)
    return render(
        request,
        "children/merge.html",
        {"form": form, "a": a, "b": b, "rows": rows, "twins": twins},
    )


def _compare_rows(a: Child, b: Child) -> list[dict[str, Any]]:
    from simpul.children.identity import mask_number

    fields = [
        "registration_number",
        "full_name",
        "sex",
        "birth_date",
        "estimated_age",
        "mother_name",
        "current_kelurahan",
        "current_spot",
        "origin_region_name",
        "school_status",
    ]
    rows = []
    for name in fields:
        f = Child._meta.get_field(name)
        va, vb = (
            getattr(c, f"get_{name}_display")() if getattr(f, "choices", None) else getattr(c, name)
            for c in (a, b)
        )
        rows.append(
            {
                "label": f.verbose_name if hasattr(f, "verbose_name") else name,
                "a": va or "—",
                "b": vb or "—",
                "same": va == vb,
            }
        )
    rows.append(
        {
            "label": _("NIK"),
            "a": mask_number(a.nik) or "—",
            "b": mask_number(b.nik) or "—",
            "same": a.nik == b.nik,
        }
    )
    rows.append(
        {
            "label": _("Other names"),
            "a": ", ".join(x.name for x in a.aliases.all()) or "—",
            "b": ", ".join(x.name for x in b.aliases.all()) or "—",
            "same": False,
        }
    )
    rows.append({"label": _("Cases"), "a": a.cases.count(), "b": b.cases.count(), "same": False})
    return rows


@require_POST
def merge_undo(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    merge = selectors.merge_get(user=request.user, pk=pk)
    try:
        services.child_merge_undo(actor=request.user, merge=merge)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The merge was undone."))
    return redirect("children:detail", pk=merge.survivor_id)


@require_GET
def duplicates(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_merge_children(request.user):
        raise PermissionDenied
    page = paginate(request, selectors.duplicate_pairs(user=request.user))
    for pair in page:
        pair.sentences = selectors.reason_sentences(pair.reasons)
    scan = selectors.duplicate_scan_latest()
    running = scan is not None and scan.status in (
        DuplicateScan.Status.QUEUED,
        DuplicateScan.Status.RUNNING,
    )
    return render(
        request,
        "children/duplicates.html",
        {"scan": scan, "running": running, "page": page, "qs": querystring_without_page(request)},
    )


@require_POST
def duplicate_scan_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        services.duplicate_scan_start(actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The duplicate scan was started."))
    return redirect("children:duplicates")


@require_GET
def duplicate_scan_progress(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    scan = selectors.duplicate_scan_get(user=request.user, pk=pk)
    return render(
        request,
        "children/_scan_progress.html",
        {
            "scan": scan,
            "running": scan.status in (DuplicateScan.Status.QUEUED, DuplicateScan.Status.RUNNING),
        },
    )


@require_http_methods(["GET", "POST"])
def duplicate_pair(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    pair = selectors.duplicate_pair_get(user=request.user, pk=pk)
    if request.method == "POST":
        services.duplicate_candidate_dismiss(actor=request.user, candidate=pair)
        messages.success(request, _("Recorded: not the same child."))
        return redirect("children:duplicates")
    try:
        a, _aa = _child(request, pair.child_a_id, need="full")
        b, _ab = _child(request, pair.child_b_id, need="full")
    except _NeedsReason as exc:
        return redirect("children:detail", pk=exc.child.pk)
    except Http404:
        raise
    return render(
        request,
        "children/pair.html",
        {
            "pair": pair,
            "a": a,
            "b": b,
            "rows": _compare_rows(a, b),
            "sentences": selectors.reason_sentences(pair.reasons),
        },
    )
