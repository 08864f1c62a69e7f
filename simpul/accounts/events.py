"""What the accounts app's audit codes mean (see simpul.core.events and docs/events.md)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from simpul.accounts.models import Role
from simpul.core import events


def _role(event: events.Event) -> dict[str, Any]:
    return {"role": events.label_of(Role, event.data.get("role"))}


def _role_change(event: events.Event) -> dict[str, Any]:
    return {
        "before": events.label_of(Role, event.before("role")),
        "after": events.label_of(Role, event.after("role")),
    }


events.register("accounts.user.signed_in", _("Signed in"))
events.register("accounts.user.locked_out", _("Account locked after too many failed sign-ins"))
events.register(
    "accounts.lockout.cleared", _("Lock-out lifted (%(attempts)s failed attempts cleared)")
)
events.register("accounts.two_factor.enabled", _("Two-factor sign-in turned on"))
events.register("accounts.two_factor.disabled", _("Two-factor sign-in turned off"))
events.register("accounts.two_factor.reset", _("Two-factor devices reset (%(devices)s removed)"))
events.register("accounts.user.two_factor_verified", _("Two-factor code accepted"))
events.register("accounts.user.two_factor_failed", _("Wrong two-factor code"))
events.register("accounts.user.updated", _("Profile updated"))
events.register("accounts.user.password_changed", _("Password changed"))
events.register("accounts.user.created", _("Account created"))
events.register("accounts.api_token.created", _("API token created"))
events.register("accounts.api_token.rotated", _("API token renewed"))
events.register("accounts.api_token.revoked", _("API token revoked"))
events.register("accounts.invitation.created", _("Invitation sent (role: %(role)s)"), values=_role)
events.register(
    "accounts.invitation.approved", _("Invitation approved (role: %(role)s)"), values=_role
)
events.register(
    "accounts.invitation.refused", _("Invitation refused (role: %(role)s)"), values=_role
)
events.register(
    "accounts.invitation.accepted", _("Invitation accepted (role: %(role)s)"), values=_role
)
events.register("accounts.invitation.resent", _("Invitation sent again"))
events.register("accounts.invitation.revoked", _("Invitation withdrawn"))
events.register(
    "accounts.membership.role_changed",
    _("Role changed from %(before)s to %(after)s"),
    values=_role_change,
)
events.register("accounts.membership.deactivated", _("Membership deactivated"))
events.register("accounts.membership.reactivated", _("Membership reactivated"))
