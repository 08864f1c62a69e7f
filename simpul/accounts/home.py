"""The accounts app's cards on the home page (see :mod:`simpul.core.home`, ``docs/home.md``).

- system admins and supervisors: invitations that wait for their approval (maker-checker);
- system admins: accounts and addresses locked out after failed sign-ins, and the
  administration pages (audit trail, users);
- organisation admins: the invitations of their organisation not yet accepted.

None of these cards shows anything about a child.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from simpul.accounts import permissions, selectors
from simpul.accounts.models import Invitation, Role
from simpul.core import home
from simpul.core.home import CardData, HomeItem, HomeLink

if TYPE_CHECKING:
    from simpul.accounts.models import User


def _role_label(role: str) -> str:
    return str(dict(Role.choices).get(role, role))


@home.register
class InvitationApprovalsCard(home.HomeCard):
    key = "accounts.invitation_approvals"
    title = _("Invitations to approve")
    order = 15

    def applies_to(self, user: User) -> bool:
        return user.has_role(Role.SYSTEM_ADMIN, Role.SUPERVISOR)

    def build(self, user: User, *, now: dt.datetime) -> CardData:
        invitations = selectors.invitation_approval_list(user=user)
        url = reverse("accounts:invitation_approvals")
        items = [
            HomeItem.dated(
                f"{inv.email} · {_role_label(inv.role)}",
                inv.expires_at,  # the link stops working then: approve before
                now=now,
                waiting=True,
                url=url,
                detail=" · ".join(
                    part
                    for part in (
                        inv.organization.name,
                        str(_("invited by %(name)s") % {"name": inv.invited_by.full_name})
                        if inv.invited_by
                        else "",
                    )
                    if part
                ),
                since=inv.created_at,
            )
            for inv in invitations[: self.limit]
        ]
        # The maker's own invitations wait for someone else: say so, or the maker's home says
        # nothing about the invitation they just made (one count, whatever the number).
        mine = Invitation.objects.filter(
            invited_by=user,
            approval_required=True,
            approved_at__isnull=True,
            refused_at__isnull=True,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
        ).count()
        note = (
            ngettext(
                "%(n)d invitation you made waits for another person's approval.",
                "%(n)d invitations you made wait for another person's approval.",
                mine,
            )
            % {"n": mine}
            if mine
            else ""
        )
        return CardData(
            count=invitations.count(),
            items=items,
            see_all_url=url,
            note=note,
            empty_text=str(_("No invitation waits for your approval.")),
        )


@home.register
class LockoutsCard(home.HomeCard):
    key = "accounts.lockouts"
    title = _("Sign-in lock-outs")
    order = 25

    def applies_to(self, user: User) -> bool:
        return permissions.is_system_admin(user)

    def build(self, user: User, *, now: dt.datetime) -> CardData:
        attempts = selectors.recent_failed_sign_ins(user=user).order_by()
        account_limit = int(settings.AXES_FAILURE_LIMIT)
        address_limit = int(getattr(settings, "LOGIN_FAILURE_LIMIT_PER_IP", account_limit))
        accounts = (
            attempts.exclude(username__isnull=True)
            .exclude(username="")
            .values("username")
            .annotate(n=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(n__gte=account_limit)
        )
        addresses = (
            attempts.exclude(ip_address__isnull=True)
            .values("ip_address")
            .annotate(n=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(n__gte=address_limit)
        )
        url = reverse("accounts:lockouts")
        items = [
            HomeItem(
                label=row["username"],
                url=url,
                detail=ngettext(
                    "Account blocked: %(n)d failed sign-in",
                    "Account blocked: %(n)d failed sign-ins",
                    row["n"],
                )
                % {"n": row["n"]},
                since=row["last"],
            )
            for row in accounts.order_by("-last")[: self.limit]
        ] + [
            HomeItem(
                label=row["ip_address"],
                url=url,
                detail=ngettext(
                    "Address blocked: %(n)d failed sign-in",
                    "Address blocked: %(n)d failed sign-ins",
                    row["n"],
                )
                % {"n": row["n"]},
                since=row["last"],
            )
            for row in addresses.order_by("-last")[: self.limit]
        ]
        data = CardData(
            count=accounts.count() + addresses.count(),
            items=items,
            see_all_url=url,
            empty_text=str(_("No account or address is blocked.")),
        )
        data.items = data.items[: self.limit]
        return data


@home.register
class AdministrationCard(home.HomeCard):
    key = "accounts.administration"
    title = _("Administration")
    order = 90

    def applies_to(self, user: User) -> bool:
        return permissions.is_system_admin(user)

    def build(self, user: User, *, now: dt.datetime) -> CardData:
        return CardData(
            links=[
                HomeLink(str(_("Audit trail")), reverse("access:audit")),
                HomeLink(str(_("Users")), reverse("accounts:organization_users")),
                HomeLink(str(_("Lock-outs")), reverse("accounts:lockouts")),
            ],
            note=str(_("Every change, who made it and when; users of every organisation.")),
            empty_text="",
        )


@home.register
class PendingInvitationsCard(home.HomeCard):
    key = "accounts.pending_invitations"
    title = _("Invitations not yet accepted")
    order = 70

    def applies_to(self, user: User) -> bool:
        # System admins manage every organisation: their list would be everyone's.
        return user.has_role(Role.ORG_ADMIN) and not permissions.is_system_admin(user)

    def build(self, user: User, *, now: dt.datetime) -> CardData:
        invitations = (
            Invitation.objects.filter(
                organization__in=permissions.manageable_organizations(user),
                accepted_at__isnull=True,
                revoked_at__isnull=True,
                refused_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .select_related("organization")
            .order_by("expires_at")
        )
        items = [
            HomeItem.dated(
                f"{inv.email} · {_role_label(inv.role)}",
                inv.expires_at,
                now=now,
                url=reverse("accounts:organization_invitations", args=[inv.organization_id]),
                detail=" · ".join(
                    str(part)
                    for part in (
                        inv.organization.name,
                        _("waits for a second person's approval") if inv.awaits_approval else "",
                    )
                    if part
                ),
            )
            for inv in invitations[: self.limit]
        ]
        return CardData(
            count=invitations.count(),
            items=items,
            note=str(_("The link of an invitation stops working when it expires.")),
            see_all_url=reverse("accounts:organization_users"),
            see_all_label=str(_("Users of your organisation")),
            empty_text=str(_("Every invitation you sent was accepted.")),
        )
