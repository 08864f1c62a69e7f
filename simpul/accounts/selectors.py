"""All reads of the accounts app. Each takes the acting user and is scoped (deny by default)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from simpul.accounts import permissions
from simpul.accounts.models import ApiToken, Invitation, Membership, Role, User
from simpul.accounts.services import token_hash
from simpul.directory.models import Organization


def _uuid(value: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise Http404 from exc


def user_membership_list(*, user: User) -> QuerySet[Membership]:
    """The user's own memberships (active and inactive), for the profile page."""
    return Membership.objects.filter(user=user).select_related("organization", "region_scope")


def user_has_confirmed_device(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def user_confirmed_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def user_api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's own API tokens that still work, newest first (for the profile page)."""
    return ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")


def manageable_organization_list(*, user: User) -> QuerySet[Organization]:
    return permissions.manageable_organizations(user).order_by("name")


def organization_get_manageable(*, user: User, organization_id: object) -> Organization:
    """The organisation if ``user`` may manage its users; 403 for a member of it who may not,
    404 for everybody else (existence not revealed)."""
    pk = _uuid(organization_id)
    org = manageable_organization_list(user=user).filter(pk=pk).first()
    if org is None:
        if pk in permissions.member_organization_ids(user):
            raise PermissionDenied  # their own organisation: they know it, but may not manage it
        raise Http404
    return org


def organization_member_list(*, user: User, organization: Organization) -> QuerySet[Membership]:
    if not permissions.can_manage_users(user, organization):
        return Membership.objects.none()
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user", "region_scope")
        .order_by("-is_active", "user__full_name", "user__email", "role")
    )


def membership_get_manageable(
    *, user: User, organization: Organization, membership_id: object
) -> Membership:
    membership = (
        organization_member_list(user=user, organization=organization)
        .select_related("organization")
        .filter(pk=_uuid(membership_id))
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def organization_invitation_list(
    *, user: User, organization: Organization, pending_only: bool = True
) -> QuerySet[Invitation]:
    if not permissions.can_manage_users(user, organization):
        return Invitation.objects.none()
    qs = Invitation.objects.filter(organization=organization).select_related(
        "invited_by", "region_scope"
    )
    if pending_only:
        qs = qs.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
    return qs.order_by("-created_at")


def invitation_get_manageable(
    *, user: User, organization: Organization, invitation_id: object
) -> Invitation:
    invitation = (
        organization_invitation_list(user=user, organization=organization, pending_only=False)
        .filter(pk=_uuid(invitation_id))
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def recent_failed_sign_ins(*, user: User) -> QuerySet[Any]:
    """Failed sign-in records (django-axes) within the cool-off period, for system admins."""
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.conf import settings

    if not permissions.is_system_admin(user):
        return AccessAttempt.objects.none()
    since = timezone.now() - timedelta(hours=float(settings.AXES_COOLOFF_TIME or 0))
    return AccessAttempt.objects.filter(attempt_time__gte=since).order_by("-attempt_time")


def invitation_approval_list(*, user: User) -> QuerySet[Invitation]:
    """Invitations awaiting a second person's approval that ``user`` may approve or refuse."""
    if not user.is_active or not user.has_role(Role.SYSTEM_ADMIN, Role.SUPERVISOR):
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(
            approval_required=True,
            approved_at__isnull=True,
            refused_at__isnull=True,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .exclude(invited_by=user)
        .exclude(email__iexact=user.email)
        .select_related("organization", "invited_by", "region_scope")
        .order_by("created_at")
    )


def invitation_get_for_approval(*, user: User, invitation_id: object) -> Invitation:
    try:
        return invitation_approval_list(user=user).get(pk=_uuid(invitation_id))
    except Invitation.DoesNotExist as exc:
        raise Http404 from exc


def invitation_get_by_token(*, raw_token: str) -> Invitation | None:
    """Public look-up for the accept page: the token itself is the credential."""
    if not raw_token or len(raw_token) > 200:
        return None
    return (
        Invitation.objects.select_related("organization", "region_scope")
        .filter(token_hash=token_hash(raw_token))
        .first()
    )


def user_exists_with_email(*, email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()
