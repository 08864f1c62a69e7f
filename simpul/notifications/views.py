"""The inbox and the preferences page. Every query starts from the signed-in user: another
person's notification is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from simpul.core.http import AuthenticatedHttpRequest
from simpul.core.pagination import paginate
from simpul.notifications import channels, selectors, services
from simpul.notifications.forms import PreferencesForm
from simpul.notifications.models import Notification


@require_GET
def inbox(request: AuthenticatedHttpRequest):
    page = paginate(request, selectors.inbox(user=request.user))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread": selectors.unread_count(user=request.user)},
    )


def _back(request: AuthenticatedHttpRequest, fallback: str = "notifications:inbox"):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


@require_POST
def mark_read(request: AuthenticatedHttpRequest, pk):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(user=request.user, notification=notification)
    return _back(request)


@require_GET
def open_notification(request: AuthenticatedHttpRequest, pk):
    """Go to where the notification points, marking it read on the way (a link, so that it
    opens like one; marking one's own notification read is harmless to repeat)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(user=request.user, notification=notification)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(url)
    return redirect("notifications:inbox")


@require_POST
def mark_all_read(request: AuthenticatedHttpRequest):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return _back(request)


@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedHttpRequest):
    user = request.user
    whatsapp = channels.whatsapp_configured()
    form = PreferencesForm(
        request.POST or None,
        choices=selectors.choices_for_user(user=user),
        whatsapp=whatsapp,
    )
    if request.method == "POST" and form.is_valid():
        changed = services.preferences_set(actor=user, user=user, choices=form.chosen())
        if changed:
            messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "whatsapp": whatsapp, "has_phone": bool(channels.whatsapp_ok(user))},
    )
