from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from simpul.accounts import permissions


def _pending_approvals(user: Any) -> int:
    from simpul.accounts.models import Role
    from simpul.accounts.selectors import invitation_approval_list

    if not user.has_role(Role.SYSTEM_ADMIN, Role.SUPERVISOR):
        return 0
    return invitation_approval_list(user=user).count()


def simpul(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    if (
        signed_in
        and not user.is_verified()
        and (user.requires_two_factor or user.totpdevice_set.filter(confirmed=True).exists())
    ):
        signed_in = False  # half-way through two-factor sign-in: no navigation yet
    return {
        "SIMPUL_DEMO": settings.DEMO,
        "signed_in": signed_in,
        "nav": {
            "audit": signed_in and permissions.can_view_audit(user),
            "users": signed_in and permissions.manageable_organizations(user).exists(),
            "import": signed_in and permissions.can_import_directory(user),
            "children": signed_in and permissions.can_view_children(user),
            "cases": signed_in and permissions.can_use_caseload(user),
            "referrals": signed_in and permissions.can_use_referrals(user),
            "agreements": signed_in and permissions.can_view_agreements(user),
            "case_queue": signed_in and permissions.can_supervise_cases(user),
            "access_log": signed_in and permissions.can_supervise_cases(user),
            # In-app notice of invitations awaiting this user's approval (maker-checker).
            "invitation_approvals": signed_in and _pending_approvals(user),
            "lockouts": signed_in and permissions.is_system_admin(user),
        }
        if signed_in
        else {},
        "current_membership": user.primary_membership() if signed_in else None,
    }
