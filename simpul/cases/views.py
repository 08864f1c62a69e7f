"""Case screens. Thin: parse input, call one selector or service, render.

Every case page fetches the case through ``selectors.case_get`` (404 when invisible, 403 when
visible but not allowed), writes an AccessLog "view" row, and for a restricted case that the
user is not assigned to asks for a reason first (AccessLog "open_restricted").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from simpul.access.cases import CaseAccess
from simpul.access.restricted import ReasonRequired, restricted_grant_active
from simpul.access.scope import is_government_case_worker
from simpul.accounts import permissions
from simpul.accounts.models import Role
from simpul.cases import assessment_forms, forms, selectors, services
from simpul.cases.models import (
    Assessment,
    Case,
    CasePlan,
    CaseStatus,
    CaseTask,
    Placement,
    PlanAction,
    PlanGoal,
)
from simpul.cases.services.assignments import PARTNER_ACTION_STATUSES
from simpul.cases.services.workflow import route_of
from simpul.core.concurrency import (
    ConcurrentUpdate,
    conflict_to_form,
    form_version,
    version_field_add,
)
from simpul.core.exceptions import ApplicationError
from simpul.core.http import AuthenticatedHttpRequest
from simpul.core.pagination import paginate, querystring_without_page
from simpul.directory.models import Organization

TABS = [
    ("summary", "cases:detail", gettext_lazy("Summary")),
    ("assessments", "cases:assessments", gettext_lazy("Assessments")),
    ("plan", "cases:plan", gettext_lazy("Plan")),
    ("services", "cases:services", gettext_lazy("Services")),
    ("notes", "cases:notes", gettext_lazy("Notes and conferences")),
    ("placements", "cases:placements", gettext_lazy("Placements")),
    ("documents", "cases:documents", gettext_lazy("Documents")),
    ("timeline", "cases:timeline", gettext_lazy("Timeline")),
]
PARTNER_TABS = {"summary", "plan", "services", "placements"}


# --- helpers ----------------------------------------------------------------------------------
def _granted(request: AuthenticatedHttpRequest, case: Any) -> bool:
    return restricted_grant_active(session=request.session, child_id=case.child_id)


def _needs_reason(request: AuthenticatedHttpRequest, case: Any, access: CaseAccess) -> bool:
    return access.restricted and not access.is_assigned and not _granted(request, case)


def _case(
    request: AuthenticatedHttpRequest, pk: Any, *, write: bool = False
) -> tuple[Case, CaseAccess]:
    """The case for an action (POST or form page) and the user's policy for it:
    permission-checked, restricted reason given."""
    case, access = selectors.case_get(user=request.user, pk=pk, write=write)
    if _needs_reason(request, case, access):
        raise PermissionDenied
    return case, access


def _workspace(request: AuthenticatedHttpRequest, pk: Any, tab: str) -> tuple[Case, CaseAccess]:
    """The case for a tab page; a restricted case without a reason raises ReasonRequired (the
    middleware sends the user to the reason form)."""
    case, access = selectors.case_get(user=request.user, pk=pk)
    if _needs_reason(request, case, access):
        raise ReasonRequired(
            f"{reverse('cases:restricted_open', args=[case.pk])}?next={request.get_full_path()}"
        )
    if access.is_partner and tab not in PARTNER_TABS:
        raise PermissionDenied
    services.case_view_log(user=request.user, case=case, part=tab)
    return case, access


def _context(
    request: AuthenticatedHttpRequest, case: Case, access: CaseAccess, tab: str, **extra: Any
) -> dict[str, Any]:
    tabs = [
        {"key": key, "url": reverse(name, args=[case.pk]), "label": label, "current": key == tab}
        for key, name, label in TABS
        if not access.is_partner or key in PARTNER_TABS
    ]
    return {
        "case": case,
        "access": access,
        "tab": tab,
        "tabs": tabs,
        "child_name": selectors.case_display_name(case, access),
        "child_url": (
            reverse("children:detail", args=[case.child_id])
            if selectors.case_child_visible(user=request.user, case=case)
            else ""
        ),
        "can_work": access.can_edit and services.case_accepts_work(case),
        "accepts_work": services.case_accepts_work(case),
        **extra,
    }


def _form_page(
    request: AuthenticatedHttpRequest,
    case: Case | None,
    access: CaseAccess | None,
    form: Any,
    *,
    title: str,
    submit: str,
    intro: str = "",
    template: str = "cases/form.html",
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "case": case,
            "form": form,
            "title": title,
            "submit": submit,
            "intro": intro,
            "child_name": (
                selectors.case_display_name(case, access)
                if case is not None and access is not None
                else ""
            ),
            "consent_help": _consent_help(request, form, case, extra.get("child")),
            **extra,
        },
    )


def _show_error(form: Any, exc: ApplicationError) -> None:
    """A service's refusal on the form; a refusal for missing consent is marked so the page can
    link to where consent is recorded."""
    forms.apply_application_error(form, exc)
    if exc.extra.get("code") == "consent_required":
        form.consent_required = True


def _consent_help(
    request: AuthenticatedHttpRequest, form: Any, case: Any, child: Any
) -> dict[str, Any]:
    """Links for a "record the consent first" refusal: the child's consent section and (for those
    who may record it) the consent form with the refused organisation chosen."""
    if not getattr(form, "consent_required", False):
        return {}
    help_ = selectors.case_consent_help(user=request.user, case=case, child=child)
    if not help_.get("visible"):
        return {"shown": True}
    child_id = help_["child_id"]
    record_url = ""
    if help_["can_record"]:
        record_url = reverse("children:consent_add", args=[child_id])
        organization = _refused_organization(form)
        if organization is not None:
            record_url += f"?organization={organization.pk}"
    return {
        "shown": True,
        "section_url": reverse("children:detail", args=[child_id]) + "#h-consent",
        "record_url": record_url,
    }


def _refused_organization(form: Any) -> Any:
    """The organisation the refused form named (responsible, receiving, lead or placement)."""
    from simpul.directory.models import Service

    for value in getattr(form, "cleaned_data", {}).values():
        if isinstance(value, Organization):
            return value
        if isinstance(value, Service):
            return value.organization
    return None


def _run(
    request: AuthenticatedHttpRequest,
    form: Any,
    call: Callable[[], Any],
    success: str,
    versioned: Any = None,
) -> bool:
    """Run the service; on a broken rule show it on the form. ``versioned``: the record the form
    edits, to show what someone else changed when its version is stale."""
    try:
        call()
    except ApplicationError as exc:
        if isinstance(exc, ConcurrentUpdate) and versioned is not None:
            conflict_to_form(form, exc, versioned)
        else:
            _show_error(form, exc)
        return False
    messages.success(request, success)
    return True


def _post_action(
    request: AuthenticatedHttpRequest, case: Any, call: Callable[[], Any], success: str, back: str
) -> HttpResponse:
    """A POST-only action: run the service, then back to the page with a message."""
    try:
        call()
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success)
    return redirect(back, pk=case.pk)


# --- lists ------------------------------------------------------------------------------------
@require_GET
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.can_use_caseload(user):  # type: ignore[arg-type]
        raise PermissionDenied
    # Government case workers start on their own caseload; supervisors and partners on all they see.
    default_scope = (
        "mine" if is_government_case_worker(user) and not user.has_role(Role.SUPERVISOR) else "all"
    )  # type: ignore[arg-type, union-attr]
    form = forms.CaseFilterForm(
        request.GET or None, initial={"scope": default_scope, "sort": "due"}
    )
    qs = selectors.case_list(user=user, filters=form.filters(default_scope))  # type: ignore[arg-type]
    page = paginate(request, qs)
    selectors.with_display_names(page.object_list, user)  # type: ignore[arg-type]
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "qs": querystring_without_page(request),
            "now": timezone.now(),
            "can_supervise": permissions.can_supervise_cases(user),  # type: ignore[arg-type]
            "active_filters": form.active_count(default_scope),
        },
    )


QUEUE_LABELS = {
    "assessments": gettext_lazy("Assessments"),
    "plans": gettext_lazy("Case plans"),
    "closures": gettext_lazy("Closure requests"),
    "coercive": gettext_lazy("Coercive outreach"),
    "sla": gettext_lazy("Deadline tables"),
}


@require_GET
def approval_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    section = request.GET.get("section") or "assessments"
    if section not in selectors.QUEUE_SECTIONS:
        section = "assessments"
    qs = selectors.approval_queue(user=request.user, section=section)
    page = paginate(request, qs)
    counts = selectors.approval_queue_counts(user=request.user)
    return render(
        request,
        "cases/queue.html",
        {
            "section": section,
            "section_label": QUEUE_LABELS[section],
            "page": page,
            "rows": selectors.approval_queue_rows(
                user=request.user, section=section, items=page.object_list
            ),
            "qs": querystring_without_page(request),
            "now": timezone.now(),
            "sections": [
                (key, QUEUE_LABELS[key], counts[key])
                for key in selectors.QUEUE_SECTIONS
                if key != "sla" or permissions.can_approve_sla(request.user)
            ],
        },
    )


@require_GET
def overdue_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = paginate(request, selectors.overdue_cases(user=request.user))
    selectors.with_display_names(page.object_list, request.user)
    return render(
        request,
        "cases/overdue.html",
        {"page": page, "qs": querystring_without_page(request), "now": timezone.now()},
    )


# --- opening ----------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def case_open(request: AuthenticatedHttpRequest, child_pk: Any) -> HttpResponse:
    child = selectors.child_for_case_open(user=request.user, pk=child_pk)
    form = forms.CaseOpenForm(request.POST or None, user=request.user, child=child)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(actor=request.user, child=child, **form.service_data())
        except ApplicationError as exc:
            _show_error(form, exc)
        else:
            messages.success(
                request, _("Case %(number)s was opened.") % {"number": case.case_number}
            )
            return redirect("cases:detail", pk=case.pk)
    open_cases = selectors.open_cases_of_child(user=request.user, child=child)
    if not open_cases:
        form.fields.pop("confirm_duplicate_case", None)
    return _form_page(
        request,
        None,
        None,
        form,
        title=_("Open a case for %(name)s")
        % {"name": selectors.child_name_for(request.user, child)},
        submit=_("Open the case"),
        child=child,
        open_cases=open_cases,
    )


@require_http_methods(["GET", "POST"])
def restricted_open(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    case, _access = selectors.case_get(user=request.user, pk=pk)
    next_url = (
        request.POST.get("next")
        or request.GET.get("next")
        or reverse("cases:detail", args=[case.pk])
    )
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("cases:detail", args=[case.pk])
    form = forms.RestrictedOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_restricted_open(
                user=request.user,
                case=case,
                reason=form.cleaned_data["reason"],
                session=request.session,
            )
        except ApplicationError as exc:
            forms.apply_application_error(form, exc)
        else:
            return HttpResponseRedirect(next_url)
    return render(
        request,
        "cases/form.html",
        {
            "form": form,
            "title": _("Restricted case %(number)s") % {"number": case.case_number},
            "submit": _("Open the case"),
            "next": next_url,
            "case": None,
            "intro": _(
                "This case is restricted (a child victim of violence, a child in conflict with the law, or marked sensitive). "
                "Opening it is recorded with your reason."
            ),
        },
    )


# --- workspace tabs ---------------------------------------------------------------------------
@require_GET
def case_detail(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    case, access = _workspace(request, pk, "summary")
    steps = []
    if access.can_edit:
        for status in services.next_statuses(case):
            route = route_of(case.status, status)
            steps.append({"status": status, "label": CaseStatus(status).label, "route": route})
    return render(
        request,
        "cases/tab_summary.html",
        _context(
            request,
            case,
            access,
            "summary",
            steps=steps,
            due=selectors.case_due(case=case),
            team=selectors.case_team(case=case),
            history=selectors.case_history(case=case) if access.full else None,
            tasks=selectors.case_open_tasks(case=case),
            now=timezone.now(),
        ),
    )


@require_GET
def case_assessments(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    case, access = _workspace(request, pk, "assessments")
    page = paginate(request, selectors.case_assessments(case=case, access=access))
    return render(
        request,
        "cases/tab_assessments.html",
        _context(
            request,
            case,
            access,
            "assessments",
            page=page,
            qs=querystring_without_page(request),
            kinds=Assessment.Kind.choices,
        ),
    )


@require_GET
def assessment_detail(
    request: AuthenticatedHttpRequest, pk: Any, assessment_pk: Any
) -> HttpResponse:
    case, access = _workspace(request, pk, "assessments")
    assessment = _get_or_404(selectors.case_assessments(case=case, access=access), assessment_pk)
    form_cls = assessment_forms.form_class(assessment.kind, assessment.form_version)
    return render(
        request,
        "cases/assessment_detail.html",
        _context(
            request,
            case,
            access,
            "assessments",
            assessment=assessment,
            sections=form_cls().display(assessment.data),
            decision_form=forms.DecisionForm(),
            approver=selectors.case_approver(case=case),
        ),
    )


def _get_or_404(qs: Any, pk: Any) -> Any:
    from django.http import Http404

    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


@require_http_methods(["GET", "POST"])
def assessment_edit(
    request: AuthenticatedHttpRequest, pk: Any, kind: str, assessment_pk: Any = None
) -> HttpResponse:
    case, access = _case(request, pk, write=True)
    if kind not in Assessment.Kind.values:
        from django.http import Http404

        raise Http404
    assessment = _get_or_404(case.assessments.all(), assessment_pk) if assessment_pk else None
    if assessment is None:
        assessment = (
            case.assessments.filter(kind=kind, status__in=["draft", "returned"])
            .order_by("-version")
            .first()
        )
    form_cls = assessment_forms.form_class(kind, assessment.form_version if assessment else None)
    initial = assessment.data if assessment else None
    if initial is None:
        latest = case.assessments.filter(kind=kind).order_by("-version").first()
        initial = latest.data if latest else None
    form = form_cls(request.POST or None, initial=initial)
    if assessment is not None and assessment.status in ("draft", "returned"):
        version_field_add(form, assessment)  # edited in place: the version read is checked
    if request.method == "POST" and form.is_valid():
        expected = form_version(form) if "edit_version" in form.fields else None

        submit = "submit" in request.POST

        def call() -> None:
            saved = services.assessment_save(
                actor=request.user,
                case=case,
                kind=kind,
                data=form.json_data(),
                assessment=assessment,
                expected_version=expected,
            )
            if submit:
                services.assessment_submit(actor=request.user, assessment=saved)

        success = (
            _(
                "The assessment was saved and submitted for approval to %(approver)s; it waits "
                "in their approval queue."
            )
            % {"approver": selectors.case_approver(case=case)}
            if submit
            else _("The assessment was saved as a draft.")
        )
        if _run(request, form, call, success, versioned=assessment):
            return redirect("cases:assessments", pk=case.pk)
    return _form_page(
        request,
        case,
        access,
        form,
        title=str(form_cls.title),
        submit=_("Save draft"),
        template="cases/assessment_form.html",
        sections=form_cls.sections,
        assessment=assessment,
    )


@require_POST
def assessment_submit(
    request: AuthenticatedHttpRequest, pk: Any, assessment_pk: Any
) -> HttpResponse:
    case, _access = _case(request, pk, write=True)
    assessment = _get_or_404(case.assessments.all(), assessment_pk)
    return _post_action(
        request,
        case,
        lambda: services.assessment_submit(actor=request.user, assessment=assessment),
        _(
            "The assessment was submitted for approval to %(approver)s; it waits in their approval queue."
        )
        % {"approver": selectors.case_approver(case=case)},
        "cases:assessments",
    )


def _decide(
    request: AuthenticatedHttpRequest,
    approve: Callable[..., Any],
    give_back: Callable[..., Any],
    obj: Any,
    case: Any,
    back: str,
) -> HttpResponse:
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or return."))
        return redirect(back, pk=case.pk)
    note = form.cleaned_data["note"]
    if form.cleaned_data["decision"] == "approve":
        return _post_action(
            request,
            case,
            lambda: approve(actor=request.user, note=note, **obj),
            _("Approved."),
            back,
        )
    return _post_action(
        request,
        case,
        lambda: give_back(actor=request.user, note=note, **obj),
        _("Returned with your note."),
        back,
    )


@require_POST
def assessment_decide(
    request: AuthenticatedHttpRequest, pk: Any, assessment_pk: Any
) -> HttpResponse:
    case, access = _case(request, pk)
    if not access.can_approve:
        raise PermissionDenied
    assessment = _get_or_404(case.assessments.all(), assessment_pk)
    return _decide(
        request,
        services.assessment_approve,
        services.assessment_return,
        {"assessment": assessment},
        case,
        "cases:assessments",
    )


@require_GET
def case_plan(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    case, access = _workspace(request, pk, "plan")
    if access.is_partner:
        actions = selectors.case_partner_actions(user=request.user, case=case)
        statuses = [c for c in PlanAction.Status.choices if c[0] in PARTNER_ACTION_STATUSES]
        return render(
            request,
            "cases/tab_plan_partner.html",
            _context(
                request,
                case,
                access,
                "plan",
                page=paginate(request, actions),
                qs=querystring_without_page(request),
                partner_statuses=statuses,
            ),
        )
    page = paginate(request, selectors.case_plans(case=case, access=access), per_page=5)
    plan_start = services.plan_start_policy(case=case)
    current = plan_start.current
    return render(
        request,
        "cases/tab_plan.html",
        _context(
            request,
            case,
            access,
            "plan",
            page=page,
            qs=querystring_without_page(request),
            goal_form=forms.GoalForm(),
            decision_form=forms.DecisionForm(),
            action_statuses=PlanAction.Status.choices,
            plan_start=plan_start,
            submit_refusal=(
                services.plan_submit_refusal(plan=current)
                if current is not None and current.status != CasePlan.Status.SUBMITTED
                else ""
            ),
            approver=selectors.case_approver(case=case),
        ),
    )


@require_POST
def plan_create(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    case, _access = _case(request, pk, write=True)
    return _post_action(
        request,
        case,
        lambda: services.plan_create(actor=request.user, case=case),
        _("A new plan version was started."),
        "cases:plan",
    )


@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthenticatedHttpRequest, pk: Any, plan_pk: Any) -> HttpResponse:
    case, access = _case(request, pk, write=True)
    plan = _get_or_404(case.plans.all(), plan_pk)
    form = forms.PlanSummaryForm(request.POST or None, initial={"summary": plan.summary})
    version_field_add(form, plan)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            form,
            lambda: services.plan_update(
                actor=request.user,
                plan=plan,
                summary=form.cleaned_data["summary"],
                expected_version=form.cleaned_data["edit_version"],
            ),
            _("The plan was saved."),
            versioned=plan,
        )
    ):
        return redirect("cases:plan", pk=case.pk)
    return _form_page(
        request,
        case,
        access,
        form,
        title=_("Plan version %(v)s") % {"v": plan.version},
        submit=_("Save"),
    )


@require_POST
def plan_goal_add(request: AuthenticatedHttpRequest, pk: Any, plan_pk: Any) -> HttpResponse:
    case, _access = _case(request, pk, write=True)
    plan = _get_or_404(case.plans.all(), plan_pk)
    form = forms.GoalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Describe the goal."))
        return redirect("cases:plan", pk=case.pk)
    return _post_action(
        request,
        case,
        lambda: services.plan_goal_add(
            actor=request.user, plan=plan, description=form.cleaned_data["description"]
        ),  # type: ignore[arg-type]
        _("The goal was added."),
        "cases:plan",
    )


@require_http_methods(["GET", "POST"])
def plan_action_add(request: AuthenticatedHttpRequest, pk: Any, goal_pk: Any) -> HttpResponse:
    case, access = _case(request, pk, write=True)
    goal = _get_or_404(PlanGoal.objects.filter(plan__case=case), goal_pk)
    form = forms.ActionForm(
        request.POST or None,
        initial={"responsible_organization": case.lead_organization_id},
        user=request.user,
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            form,
            lambda: services.plan_action_add(actor=request.user, goal=goal, **form.cleaned_data),
            _("The action was added."),
        )
    ):  # type: ignore[arg-type]
        return redirect("cases:plan", pk=case.pk)
    return _form_page(
        request,
        case,
        access,
        form,
        title=_("New action for: %(goal)s") % {"goal": goal.description[:80]},
        submit=_("Add the action"),
        intro=_(
            "A partner organisation responsible for an action is given access to the case summary and its own actions, if the child's consent (or a legal basis) allows sharing with it."
        ),
    )


@require_POST
def plan_action_status(request: AuthenticatedHttpRequest, pk: Any, action_pk: Any) -> HttpResponse:
    """The case team, or staff of the organisation responsible, report an action's progress."""
    case, _access = _case(request, pk)
    action = _get_or_404(
        PlanAction.objects.filter(goal__plan__case=case).select_related("goal__plan"), action_pk
    )
    status = request.POST.get("status", "")
    return _post_action(
        request,
        case,
        lambda: services.plan_action_set_status(actor=request.user, action=action, status=status),
        _("The action's status was updated."),
        "cases:plan",
    )


@require_POST
def plan_submit(request: AuthenticatedHttpRequest, pk: Any, plan_pk: Any) -> HttpResponse:
    case, _access = _case(request, pk, write=True)
    plan = _get_or_404(case.plans.all(), plan_pk)
    return _post_action(
        request,
        case,
        lambda: services.plan_submit(actor=request.user, plan=plan),
        _("The plan was submitted for approval to %(approver)s; it waits in their approval queue.")
        % {"approver": selectors.case_approver(case=case)},
        "cases:plan",
    )  # type: ignore[arg-type]


@require_POST
def plan_decide(request: AuthenticatedHttpRequest, pk: Any, plan_pk: Any) -> HttpResponse:
    case, access = _case(request, pk)
    if not access.can_approve:
        raise PermissionDenied
    plan = _get_or_404(case.plans.filter(status=CasePlan.Status.SUBMITTED), plan_pk)
    return _decide(
        request, services.plan_approve, services.plan_return, {"plan": plan}, case, "cases:plan"
    )


@require_http_methods(["GET", "POST"])
def case_services(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    if request.method == "POST":
        case, access = _case(request, pk)
        orgs = _recording_orgs(request, access)
        form = forms.ServiceDeliveryForm(request.POST, case=case, organizations=orgs)
        if form.is_valid() and _run(
            request,
            form,
            lambda: services.service_delivery_record(
                actor=request.user, case=case, **form.cleaned_data
            ),
            _("The service was recorded."),
        ):  # type: ignore[arg-type]
            return redirect("cases:services", pk=case.pk)
    else:
        case, access = _workspace(request, pk, "services")
        form = forms.ServiceDeliveryForm(case=case, organizations=_recording_orgs(request, access))
    page = paginate(request, selectors.case_services(user=request.user, case=case, access=access))
    can_record = access.can_edit or access.is_partner
    return render(
        request,
        "cases/tab_services.html",
        _context(
            request,
            case,
            access,
            "services",
            page=page,
            form=form if can_record else None,
            qs=querystring_without_page(request),
        ),
    )


def _recording_orgs(request: AuthenticatedHttpRequest, access: CaseAccess) -> Any:
    if access.can_edit:
        return Organization.objects.active().order_by("name")
    return Organization.objects.filter(
        memberships__user=request.user, memberships__is_active=True
    ).distinct()


@require_http_methods(["GET", "POST"])
def case_notes(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    if request.method == "POST":
        case, access = _case(request, pk, write=True)
        form = forms.NoteForm(request.POST)
        if form.is_valid() and _run(
            request,
            form,
            lambda: services.case_note_add(
                actor=request.user, case=case, text=form.cleaned_data["text"]
            ),
            _("The note was added."),
        ):  # type: ignore[arg-type]
            return redirect("cases:notes", pk=case.pk)
    else:
        case, access = _workspace(request, pk, "notes")
        form = forms.NoteForm()
    page = paginate(request, selectors.case_notes(case=case, access=access))
    return render(
        request,
        "cases/tab_notes.html",
        _context(
            request,
            case,
            access,
            "notes",
            page=page,
            form=form,
            qs=querystring_without_page(request),
            conferences=selectors.case_conferences(case=case, access=access)[:20],
        ),
    )


@require_http_methods(["GET", "POST"])
def conference_add(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    case, access = _case(request, pk, write=True)
    form = forms.ConferenceForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            form,
            lambda: services.case_conference_record(
                actor=request.user, case=case, **form.cleaned_data
            ),
            _("The case conference was recorded."),
        )
    ):  # type: ignore[arg-type]
        return redirect("cases:notes", pk=case.pk)
    return _form_page(
        request, case, access, form, title=_("Case conference (temu bahas kasus)"), submit=_("Save")
    )


@require_GET
def case_placements(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    case, access = _workspace(request, pk, "placements")
    page = paginate(request, selectors.case_placements(user=request.user, case=case, access=access))
    return render(
        request,
        "cases/tab_placements.html",
        _context(
            request, case, access, "placements", page=page, qs=querystring_without_page(request)
        ),
    )


@require_http_methods(["GET", "POST"])
def placement_start(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    case, access = _case(request, pk, write=True)
    form = forms.PlacementStartForm(
        request.POST or None, initial={"review_due": timezone.localdate() + dt.timedelta(days=90)}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["organization"] = data["service"].organization
        if _run(
            request,
            form,
            lambda: services.placement_start(actor=request.user, case=case, **data),
            _("The placement was recorded."),
        ):  # type: ignore[arg-type]
            return redirect("cases:placements", pk=case.pk)
    return _form_page(
        request,
        case,
        access,
        form,
        title=_("Place the child in a panti / LKSA"),
        submit=_("Record the placement"),
        intro=_("A placement is the last resort (SNPA). It takes one of the service's places."),
    )


@require_http_methods(["GET", "POST"])
def placement_end(request: AuthenticatedHttpRequest, pk: Any, placement_pk: Any) -> HttpResponse:
    case, access = _case(request, pk, write=True)
    placement = _get_or_404(
        Placement.objects.filter(case=case, end_date__isnull=True), placement_pk
    )
    form = forms.PlacementEndForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            form,
            lambda: services.placement_end(
                actor=request.user, placement=placement, **form.cleaned_data
            ),
            _("The placement ended."),
        )
    ):  # type: ignore[arg-type]
        return redirect("cases:placements", pk=case.pk)
    return _form_page(
        request,
        case,
        access,
        form,
        title=_("End the placement at %(org)s") % {"org": placement.organization.name},
        submit=_("End the placement"),
    )


@require_GET
def case_documents(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    case, access = _workspace(request, pk, "documents")
    links = {}
    for key, name in (("profile", "children:detail"), ("documents", "children:documents")):
        try:
            links[key] = reverse(name, args=[case.child_id])
        except NoReverseMatch:
            links[key] = ""
    return render(
        request,
        "cases/tab_documents.html",
        _context(request, case, access, "documents", links=links),
    )


@require_GET
def case_timeline(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    case, access = _workspace(request, pk, "timeline")
    page = paginate(request, selectors.case_timeline(case=case, access=access), per_page=50)
    return render(
        request,
        "cases/tab_timeline.html",
        _context(
            request, case, access, "timeline", page=page, qs=querystring_without_page(request)
        ),
    )


# --- workflow actions -------------------------------------------------------------------------
@require_POST
def case_transition(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    case, _access = _case(request, pk, write=True)
    form = forms.TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid next step."))
        return redirect("cases:detail", pk=case.pk)
    data = form.cleaned_data
    return _post_action(
        request,
        case,
        lambda: services.case_transition(
            actor=request.user, case=case, to_status=data["to_status"], reason=data["reason"]
        ),  # type: ignore[arg-type]
        _("The case moved to “%(status)s”.") % {"status": CaseStatus(data["to_status"]).label},
        "cases:detail",
    )


def _simple_form(
    request: AuthenticatedHttpRequest,
    pk: Any,
    form_cls: Any,
    call: Callable[[Any, dict[str, Any]], Any],
    *,
    title: str,
    submit: str,
    success: str,
    write: bool = True,
    approve: bool = False,
    intro: str = "",
    form_kwargs: dict[str, Any] | Callable[[Any], dict[str, Any]] | None = None,
    versioned: bool = False,
) -> HttpResponse:
    """``versioned``: the form edits the case itself: it carries the case's version and the
    service gets ``expected_version`` (a stale save is refused, see simpul.core.concurrency)."""
    case, access = _case(request, pk, write=write)
    if approve and not access.can_approve:
        raise PermissionDenied
    form = form_cls(
        request.POST or None,
        **(form_kwargs(case) if callable(form_kwargs) else (form_kwargs or {})),
    )
    if versioned:
        version_field_add(form, case)

    def data() -> dict[str, Any]:
        if not versioned:
            return form.cleaned_data
        expected = form_version(form)  # taken out of cleaned_data first
        return {**form.cleaned_data, "expected_version": expected}

    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            form,
            lambda: call(case, data()),
            success,
            versioned=case if versioned else None,
        )
    ):
        return redirect("cases:detail", pk=case.pk)
    return _form_page(request, case, access, form, title=title, submit=submit, intro=intro)


@require_http_methods(["GET", "POST"])
def case_risk(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    return _simple_form(
        request,
        pk,
        forms.RiskForm,
        lambda case, d: services.case_set_risk(actor=request.user, case=case, **d),
        title=_("Change the risk level"),
        submit=_("Save"),
        success=_("The risk level was changed; open deadlines moved."),
        versioned=True,
    )


@require_http_methods(["GET", "POST"])
def close_request(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    return _simple_form(
        request,
        pk,
        forms.CloseRequestForm,
        lambda case, d: services.case_close_request(actor=request.user, case=case, **d),
        title=_("Request closure"),
        submit=_("Send to the supervisor"),
        success=_("The closure request was sent to the supervisor."),
    )


@require_http_methods(["GET", "POST"])
def close_decide(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    def call(case: Any, d: dict[str, Any]) -> Any:
        if d["decision"] == "approve":
            return services.case_close_approve(actor=request.user, case=case)
        return services.case_close_return(actor=request.user, case=case, note=d["note"])

    return _simple_form(
        request,
        pk,
        forms.DecisionForm,
        call,
        approve=True,
        write=False,
        title=_("Decide on the closure request"),
        submit=_("Save the decision"),
        success=_("The decision was saved."),
    )


@require_http_methods(["GET", "POST"])
def case_transfer(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    return _simple_form(
        request,
        pk,
        forms.TransferForm,
        lambda case, d: services.case_transfer(actor=request.user, case=case, **d),
        title=_("Transfer the case"),
        submit=_("Transfer"),
        success=_("The case was transferred."),
        intro=_("The case keeps its history. The receiving office assigns its own supervisor."),
    )


@require_http_methods(["GET", "POST"])
def case_reopen(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    return _simple_form(
        request,
        pk,
        forms.ReasonForm,
        lambda case, d: services.case_reopen(actor=request.user, case=case, reason=d["reason"]),
        title=_("Reopen the case"),
        submit=_("Reopen"),
        success=_("The case was reopened."),
    )


@require_http_methods(["GET", "POST"])
def case_team(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    return _simple_form(
        request,
        pk,
        forms.TeamForm,
        lambda case, d: services.case_team_update(actor=request.user, case=case, **d),
        title=_("Case team"),
        submit=_("Save"),
        success=_("The team was saved."),
        versioned=True,
        form_kwargs=lambda case: {
            "case": case,  # type: ignore[arg-type]
            "initial": {
                "case_worker": case.case_worker_id,
                "supervisor": case.supervisor_id,
                "team": list(case.team.all()),
            },
        },
    )


@require_POST
def task_done(request: AuthenticatedHttpRequest, pk: Any, task_pk: Any) -> HttpResponse:
    case, _access = _case(request, pk, write=True)
    task = _get_or_404(CaseTask.objects.filter(case=case), task_pk)
    return _post_action(
        request,
        case,
        lambda: services.case_task_complete(actor=request.user, task=task),
        _("The task is done."),
        "cases:detail",
    )  # type: ignore[arg-type]


# --- SLA table --------------------------------------------------------------------------------
@require_GET
def sla_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = paginate(request, selectors.sla_policy_list(user=request.user))
    return render(
        request, "cases/sla_list.html", {"page": page, "qs": querystring_without_page(request)}
    )


@require_POST
def sla_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        policy = services.sla_policy_draft_create(actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("cases:sla_list")
    messages.success(request, _("Version %(v)s was created as a draft.") % {"v": policy.version})
    return redirect("cases:sla_detail", pk=policy.pk)


@require_http_methods(["GET", "POST"])
def sla_detail(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    policy = selectors.sla_policy_get(user=request.user, pk=pk)
    form = forms.SlaHoursForm(request.POST or None, policy=policy)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            form,
            lambda: services.sla_policy_update(
                actor=request.user,
                policy=policy,
                hours=form.hours(),
                notes=form.cleaned_data["notes"],
            ),
            _("The hours were saved."),
        )
    ):  # type: ignore[arg-type]
        return redirect("cases:sla_detail", pk=policy.pk)
    return render(
        request,
        "cases/sla_detail.html",
        {
            "policy": policy,
            "form": form,
            "table": selectors.sla_table(policy=policy),
            "can_approve": permissions.can_approve_sla(request.user)
            and policy.created_by_id != request.user.pk,
        },
    )


@require_POST
def sla_approve(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    policy = selectors.sla_policy_get(user=request.user, pk=pk)
    try:
        services.sla_policy_approve(actor=request.user, policy=policy)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Version %(v)s is approved and now in force for new cases.") % {"v": policy.version},
        )
    return redirect("cases:sla_detail", pk=policy.pk)
