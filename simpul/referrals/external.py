"""The no-account loop: public pages at /referrals/r/<token>/ for a receiving organisation
without Simpul users. The page shows only what was shared; its forms acknowledge, accept,
decline (with a reason) and record the outcome. Every use is audited with the address the link
was sent to as the external actor. The token dies with the outcome, on expiry or revocation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from simpul.core.exceptions import ApplicationError
from simpul.referrals import services
from simpul.referrals.models import BusinessOutcome, ReferralStatus
from simpul.referrals.selectors import referral_shared_view

S = ReferralStatus
# The form's action → the status it asks for.
ACTIONS = {
    "acknowledge": S.RECEIVED,
    "accept": S.ACCEPTED,
    "reject": S.REJECTED,
    "start": S.IN_PROGRESS,
    "complete": S.COMPLETED,
    "fail": S.FAILED,
}


def _allowed(status: str) -> list[str]:
    return [a for a, to in ACTIONS.items() if (status, to) in services.TRANSITIONS]


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def external_referral(request: HttpRequest, token: str) -> HttpResponse:
    link = services.external_link_get(token)
    if link is None:
        return render(request, "referrals/external_invalid.html", status=410)
    referral = link.referral
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in _allowed(referral.status):
            error = _("This step is not possible now.")
        else:
            try:
                services.external_action(
                    link=link,
                    to_status=ACTIONS[action],
                    reason=request.POST.get("reason", ""),
                    outcome=request.POST.get("outcome", ""),
                    outcome_note=request.POST.get("outcome_note", ""),
                )
            except ApplicationError as exc:
                error = str(exc.message)
            else:
                if services.external_link_get(token):
                    return redirect(request.path)
                return redirect("referrals:external_done", token=token)
    else:
        services.external_viewed(link=link)
    return render(
        request,
        "referrals/external_referral.html",
        {
            "view": referral_shared_view(referral, None),
            "allowed": _allowed(referral.status),
            "outcomes": [(c, label) for c, label in BusinessOutcome.choices],
            "error": error,
            "address": link.address,
            "expires_at": link.expires_at,
        },
        status=400 if error else 200,
    )


@login_not_required
@never_cache
def external_done(request: HttpRequest, token: str) -> HttpResponse:
    return render(request, "referrals/external_done.html")
