"""Referral screens. Thin: parse input, call one read (``screens``, ``ranking``) or one service,
render. Every refused change shows the service's message and changes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from simpul.accounts import permissions
from simpul.cases import selectors as case_selectors
from simpul.cases.models import PlanAction
from simpul.core.exceptions import ApplicationError
from simpul.core.http import AuthenticatedHttpRequest
from simpul.core.pagination import paginate, querystring_without_page
from simpul.directory import selectors as directory_selectors
from simpul.directory.models import Organization
from simpul.referrals import forms, ranking, screens, services
from simpul.referrals.models import ReferralStatus

REASSIGN_CHOICES = 20
# The transition table is the services'; each action's target status, for the action forms.
ACTION_TARGET = {action: to for (_from, to), action in services.TRANSITIONS.items()}
ACTION_LABELS = {
    "receive": gettext_lazy("Acknowledge receipt"),
    "accept": gettext_lazy("Accept"),
    "reject": gettext_lazy("Reject"),
    "start": gettext_lazy("Start"),
    "hold": gettext_lazy("Put on hold"),
    "resume": gettext_lazy("Resume"),
    "complete": gettext_lazy("Complete with outcome"),
    "fail": gettext_lazy("Record as failed"),
    "cancel": gettext_lazy("Cancel the referral"),
    "enter_in_error": gettext_lazy("Mark as entered in error"),
}


def _require_referrals(request: AuthenticatedHttpRequest) -> None:
    if not permissions.can_use_referrals(request.user):
        raise PermissionDenied


def _list_page(
    request: AuthenticatedHttpRequest, qs: Any, *, title: str, intro: str, side: str, **extra: Any
) -> HttpResponse:
    page = paginate(request, qs)
    return render(
        request,
        "referrals/list.html",
        {
            "title": title,
            "intro": intro,
            "side": side,
            "page": page,
            "rows": screens.due_rows(page.object_list),
            "qs": querystring_without_page(request),
            "can_supervise": permissions.can_supervise_cases(request.user),
            **extra,
        },
    )


# --- lists ------------------------------------------------------------------------------------
@require_GET
def intake_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_referrals(request)
    orgs = [m.organization for m in request.user.active_memberships()]
    return _list_page(
        request,
        screens.intake_queue(user=request.user),
        title=_("Incoming referrals"),
        intro=_("Open referrals to your organisation, the nearest deadline first."),
        side="incoming",
        organizations=orgs,
    )


@require_GET
def outgoing(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_referrals(request)
    return _list_page(
        request,
        screens.outgoing(user=request.user),
        title=_("Outgoing referrals"),
        intro=_("Referrals made from your cases, newest first."),
        side="outgoing",
    )


@require_GET
def escalations(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_supervise_cases(request.user):
        raise PermissionDenied
    return _list_page(
        request,
        screens.escalations(user=request.user),
        title=_("Escalations"),
        intro=_(
            "Open referrals on the cases of your region whose deadline has passed. "
            "You can reassign one to another organisation."
        ),
        side="escalations",
    )


# --- the composer -----------------------------------------------------------------------------
def _plan_action(case: Any, pk: Any) -> PlanAction | None:
    if not pk:
        return None
    try:
        return (
            PlanAction.objects.select_related("service_type", "responsible_organization")
            .filter(goal__plan__case=case)
            .get(pk=pk)
        )
    except (PlanAction.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc


@require_http_methods(["GET", "POST"])
def compose(request: AuthenticatedHttpRequest, case_pk: Any) -> HttpResponse:
    case, access = case_selectors.case_get(user=request.user, pk=case_pk, write=True)
    if access.restricted and not access.is_assigned:
        raise PermissionDenied
    action = _plan_action(case, request.GET.get("action"))
    data = request.GET.copy()
    if action is not None and "service_type" not in data and action.service_type:
        data["service_type"] = action.service_type.code
    filters = forms.ComposerFilterForm(data if "service_type" in data else None)
    candidates: list[ranking.Candidate] = []
    service_type = None
    urgency = "normal"
    if filters.is_bound and filters.is_valid():
        service_type = filters.cleaned_data["service_type"]
        urgency = filters.cleaned_data["urgency"]
        candidates = ranking.rank_receivers(
            case=case,
            service_type=service_type,
            category=case.primary_category,
            urgency=urgency,
            on=timezone.localdate(),
        )
    receivers = [(str(c.organization.pk), c.organization.name) for c in candidates]
    initial: dict[str, Any] = {}
    if action is not None:
        initial["reason"] = action.description
        if str(action.responsible_organization_id) in dict(receivers):
            initial["to_organization"] = str(action.responsible_organization_id)
    send = forms.ComposerSendForm(
        request.POST if request.method == "POST" else None, receivers=receivers, initial=initial
    )
    consent = case_selectors.case_consent_help(user=request.user, case=case)
    if request.method == "POST" and service_type is not None and send.is_valid():
        organization = Organization.objects.get(pk=send.cleaned_data["to_organization"])
        try:
            referral = services.referral_create(
                actor=request.user,
                case=case,
                to_organization=organization,
                service_type=service_type,
                urgency=urgency,
                needs_summary=send.cleaned_data["reason"],
                shared_fields=send.cleaned_data["shared_fields"],
                plan_action=action,
            )
        except ApplicationError as exc:
            send.add_error(None, str(exc.message))
            send.consent_required = exc.extra.get("code") == "consent_required"  # type: ignore[attr-defined]
            send.refused_organization = organization  # type: ignore[attr-defined]
        else:
            messages.success(
                request, _("The referral was sent to %(org)s.") % {"org": organization}
            )
            return redirect("referrals:detail", pk=referral.pk)
    chosen = (
        send.data.getlist("shared_fields")  # type: ignore[attr-defined]
        if send.is_bound
        else send.fields["shared_fields"].initial
    )
    preview_reason = send.data.get("reason", "") if send.is_bound else initial.get("reason", "")
    consent_url = ""
    if consent.get("can_record"):
        consent_url = reverse("children:consent_add", args=[case.child_id])
    return render(
        request,
        "referrals/compose.html",
        {
            "case": case,
            "child_name": case_selectors.case_display_name(case, access),
            "filters": filters,
            "send": send,
            "candidates": candidates,
            "plan_action": action,
            "urgency": urgency,
            "preview": screens.shared_values(case, list(chosen), reason=preview_reason),
            "consent_url": consent_url,
            "consent_section_url": (
                reverse("children:detail", args=[case.child_id]) + "#h-consent"
                if consent.get("visible")
                else ""
            ),
            "can_record_legal_basis": permissions.can_record_legal_basis(request.user),
        },
    )


# --- one referral -----------------------------------------------------------------------------
def _allowed_actions(user: Any, referral: Any) -> list[dict[str, Any]]:
    """The actions this user may take now (the service decides again when they are taken)."""
    receiving = services.is_receiving_staff(user, referral)
    sender = services.is_sender_side(user, referral)
    out = []
    if receiving and referral.is_open and referral.claimed_by_id is None:
        out.append({"action": "claim", "label": _("Claim"), "reason": False, "outcome": False})
    for (from_status, _to), action in services.TRANSITIONS.items():
        if from_status != referral.status:
            continue
        if action in services.RECEIVER_ACTIONS and not receiving:
            continue
        if action not in services.RECEIVER_ACTIONS and not sender:
            continue
        if any(a["action"] == action for a in out):
            continue
        out.append(
            {
                "action": action,
                "label": ACTION_LABELS.get(action, action),
                "reason": action in services.REASON_REQUIRED,
                "outcome": action == "complete",
            }
        )
    return out


def _event_label(event: Any) -> str:
    action = (event.data or {}).get("action", "")
    if action == "claim":
        return _("Claimed")
    if event.to_status:
        return str(dict(ReferralStatus.choices).get(event.to_status, event.to_status))
    return str(ACTION_LABELS.get(action, action))


@require_GET
def referral_detail(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    referral = screens.referral_get(user=request.user, pk=pk)
    receiving = services.is_receiving_staff(request.user, referral)
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "receiving": receiving,
            "sender": services.is_sender_side(request.user, referral),
            "shared": screens.shared_view(referral) if receiving else [],
            "shared_labels": screens.shared_values(referral.case, referral.shared_fields),
            "timeline": [(e, _event_label(e)) for e in screens.events(referral)],
            "actions": _allowed_actions(request.user, referral),
            "can_reassign": referral.is_open
            and services.is_supervisor_in_scope(request.user, referral),
            "outcome_form": forms.OutcomeForm(),
            "due": screens.due_rows([referral])[0],
        },
    )


@require_POST
def referral_act(request: AuthenticatedHttpRequest, pk: Any, action: str) -> HttpResponse:
    referral = screens.referral_get(user=request.user, pk=pk)
    reason = request.POST.get("reason", "")
    try:
        if action == "claim":
            services.referral_claim(referral=referral, actor=request.user)
        elif action in ACTION_TARGET:
            services.referral_transition(
                referral=referral,
                actor=request.user,
                to_status=ACTION_TARGET[action],
                reason=reason,
                outcome=request.POST.get("outcome", ""),
                outcome_note=request.POST.get("note", ""),
            )
        else:
            raise Http404
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Saved."))
    return redirect("referrals:detail", pk=referral.pk)


@require_http_methods(["GET", "POST"])
def referral_reassign(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    referral = screens.referral_get(user=request.user, pk=pk)
    if not (referral.is_open and services.is_supervisor_in_scope(request.user, referral)):
        raise PermissionDenied
    candidates = [
        c
        for c in ranking.rank_receivers(
            case=referral.case,
            service_type=referral.service_type,
            category=referral.category,
            urgency=referral.urgency,
            on=timezone.localdate(),
        )
        if c.organization.pk not in (referral.to_organization_id, referral.from_organization_id)
    ]
    if referral.service_type is None:
        # No service type to rank by (an SKPD request): organisations of the receiver's type.
        same_type = directory_selectors.organization_list(
            user=request.user, filters={"org_type": referral.to_organization.org_type}
        ).exclude(pk__in=[referral.to_organization_id, referral.from_organization_id])
        candidates = [ranking.Candidate(organization=o) for o in same_type[:REASSIGN_CHOICES]]
    form = forms.ReassignForm(
        request.POST if request.method == "POST" else None,
        receivers=[(str(c.organization.pk), c.organization.name) for c in candidates],
    )
    if form.is_valid():
        organization = Organization.objects.get(pk=form.cleaned_data["to_organization"])
        try:
            new = services.referral_reassign(
                referral=referral,
                actor=request.user,
                to_organization=organization,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Reassigned to %(org)s.") % {"org": organization})
            return redirect("referrals:detail", pk=new.pk)
    return render(
        request,
        "referrals/reassign.html",
        {"referral": referral, "form": form, "candidates": candidates},
    )


@require_GET
def response_record(request: AuthenticatedHttpRequest, org_pk: Any) -> HttpResponse:
    organization = directory_selectors.organization_get(user=request.user, pk=org_pk)
    if not screens.may_see_record(request.user, organization):
        raise PermissionDenied
    record = screens.response_record(organization=organization)
    return render(
        request,
        "referrals/record.html",
        {
            "record": record,
            "organization": organization,
            "within_pct": (
                round(record["within_deadline_share"] * 100)
                if record["within_deadline_share"] is not None
                else None
            ),
            "statuses": ReferralStatus,
        },
    )
