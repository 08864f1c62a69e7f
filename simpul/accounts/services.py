"""All writes of the accounts app: sign-in records, two-factor devices, passwords, API tokens,
invitations and memberships. Every function audits what it changed."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from simpul.accounts import permissions
from simpul.accounts.models import (
    APPROVAL_REQUIRED_ROLES,
    ApiToken,
    Invitation,
    Membership,
    Role,
    User,
    separation_of_duties_error,
)
from simpul.accounts.tokens import invitation_token, token_hash
from simpul.core.audit import audit_log, diff, snapshot
from simpul.core.exceptions import ApplicationError
from simpul.core.models import AuditEvent
from simpul.directory.models import GOVERNMENT_SOCIAL_TYPES

if TYPE_CHECKING:
    from simpul.directory.models import Organization
    from simpul.regions.models import Region

MEMBERSHIP_FIELDS = ("role", "region_scope", "is_active")
ADMIN_ROLES = (Role.ORG_ADMIN, Role.SYSTEM_ADMIN)


# --- sign-in ---------------------------------------------------------------------------------
def user_sign_in_record(*, user: User, two_factor_pending: bool) -> None:
    """Audit a successful password sign-in (the second factor, if needed, follows)."""
    audit_log(
        actor=user,
        action="accounts.user.signed_in",
        target=user,
        data={"two_factor_pending": two_factor_pending},
    )


def user_lockout_record(*, username: str, ip_address: str = "", locked_by: str = "account") -> None:
    """Audit a lock-out after too many failed sign-ins (called from the axes signal).

    ``locked_by`` says which limit was reached: "account" (failures for this e-mail from any
    address) or "address" (failures from this address for any account).
    Axes reports every further attempt during the lock-out too; one event per cool-off is kept.
    """
    username = (username or "")[:254]
    since = timezone.now() - timedelta(hours=float(settings.AXES_COOLOFF_TIME or 0))
    if AuditEvent.objects.filter(
        action="accounts.user.locked_out",
        data__username=username,
        data__locked_by=locked_by,
        created_at__gte=since,
    ).exists():
        return
    user = User.objects.filter(email__iexact=username).first() if username else None
    membership = user.primary_membership() if user else None
    audit_log(
        actor=None,
        action="accounts.user.locked_out",
        target=user,
        data={"username": username, "ip_address": ip_address[:45], "locked_by": locked_by},
        organization=membership.organization if membership else None,
    )


@transaction.atomic
def lockout_clear(*, actor: User, username: str = "", ip_address: str = "") -> int:
    """A system admin unlocks an account (all addresses) or an address (all accounts)."""
    from axes.models import AccessAttempt

    if not permissions.is_system_admin(actor):
        raise PermissionDenied
    username, ip_address = username.strip().lower()[:254], ip_address.strip()[:45]
    if not username and not ip_address:
        raise ApplicationError(_("Give an e-mail address or an IP address to unlock."))
    attempts = AccessAttempt.objects.all()
    if username:
        attempts = attempts.filter(username__iexact=username)
    if ip_address:
        attempts = attempts.filter(ip_address=ip_address)
    deleted, _rows = attempts.delete()
    user = User.objects.filter(email__iexact=username).first() if username else None
    audit_log(
        actor=actor,
        action="accounts.lockout.cleared",
        target=user,
        data={"username": username, "ip_address": ip_address, "attempts": deleted},
    )
    return deleted


# --- two-factor (TOTP) -----------------------------------------------------------------------
def totp_secret_generate() -> str:
    """A fresh random base32 secret (160 bits) for enrolment."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def b32_to_hex(secret_b32: str) -> str:
    cleaned = "".join(secret_b32.split()).upper()
    cleaned += "=" * (-len(cleaned) % 8)
    try:
        raw = base64.b32decode(cleaned)
    except (binascii.Error, ValueError) as exc:
        raise ApplicationError(_("The two-factor secret is not valid base32.")) from exc
    if len(raw) < 10:
        raise ApplicationError(_("The two-factor secret is too short."))
    return raw.hex()


def totp_config_url(*, user: User, secret_b32: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code (issuer OTP_TOTP_ISSUER)."""
    return str(TOTPDevice(user=user, key=b32_to_hex(secret_b32)).config_url)


@transaction.atomic
def totp_device_create(*, user: User, secret_b32: str | None = None, confirmed: bool) -> TOTPDevice:
    """Give ``user`` a TOTP device. The key is stored as hex, as django-otp expects.

    ``secret_b32`` fixes the secret (demo accounts); otherwise a random one is made.
    Creating a confirmed device replaces any other TOTP device of the user.
    """
    key = b32_to_hex(secret_b32) if secret_b32 else secrets.token_bytes(20).hex()
    if confirmed:
        TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice(user=user, name="default", key=key, confirmed=confirmed)
    device.full_clean()
    device.save()
    if confirmed:
        audit_log(actor=user, action="accounts.two_factor.enabled", target=user)
    return device


@transaction.atomic
def totp_device_enrol(*, user: User, secret_b32: str, token: str) -> TOTPDevice | None:
    """Confirm enrolment: create the confirmed device only if ``token`` matches the secret.

    Returns None when the code is wrong.
    """
    device = TOTPDevice(user=user, name="default", key=b32_to_hex(secret_b32), confirmed=False)
    if not _verify_unsaved(device, token):
        return None
    return totp_device_create(user=user, secret_b32=secret_b32, confirmed=True)


def _digits(token: str) -> str:
    return "".join(ch for ch in token if ch.isdigit())


def _verify_unsaved(device: TOTPDevice, token: str) -> bool:
    # TOTPDevice.verify_token saves throttling state; an unsaved enrolment device has none, so
    # check the code directly with the same algorithm and tolerance.
    from django_otp.oath import TOTP

    code = _digits(token)
    if len(code) != device.digits:
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return totp.verify(int(code), tolerance=device.tolerance)


@transaction.atomic
def totp_device_disable(*, user: User) -> int:
    """Remove the user's TOTP devices (only for users whose role does not require them)."""
    if user.requires_two_factor:
        raise ApplicationError(_("Your role requires two-factor sign-in; it cannot be turned off."))
    deleted, _counts = TOTPDevice.objects.filter(user=user).delete()
    if deleted:
        audit_log(actor=user, action="accounts.two_factor.disabled", target=user)
    return deleted


@transaction.atomic
@transaction.atomic
def totp_device_reset(*, user: User, actor: User | None = None) -> int:
    """Operator action for a lost phone: remove the devices even where the role requires one;
    the user enrols again at the next sign-in."""
    deleted, _counts = TOTPDevice.objects.filter(user=user).delete()
    audit_log(
        actor=actor, action="accounts.two_factor.reset", target=user, data={"devices": deleted}
    )
    return deleted


@transaction.atomic
def two_factor_verify(*, device: TOTPDevice, token: str) -> tuple[bool, datetime | None]:
    """Check a code against ``device`` with django-otp's throttling (each wrong code doubles the
    wait before the next try). Returns (verified, locked_until)."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        return False, (info or {}).get("locked_until")
    user = device.user
    if device.verify_token(_digits(token)):  # saves last_t (no replay) and resets throttling
        audit_log(actor=user, action="accounts.user.two_factor_verified", target=user)
        return True, None
    audit_log(
        actor=user,
        action="accounts.user.two_factor_failed",
        target=user,
        data={"failure_count": device.throttling_failure_count},
    )
    return False, None


# --- profile ---------------------------------------------------------------------------------
@transaction.atomic
def user_profile_update(*, user: User, full_name: str, phone: str) -> User:
    before = snapshot(user, ["full_name", "phone"])
    user.full_name = full_name.strip()
    user.phone = phone.strip()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "phone"])
    changes = diff(before, snapshot(user, ["full_name", "phone"]))
    if changes:
        audit_log(actor=user, action="accounts.user.updated", target=user, changes=changes)
    return user


@transaction.atomic
def user_password_change(*, user: User, new_password: str) -> User:
    """Set a new password (already validated by the form against AUTH_PASSWORD_VALIDATORS)."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_log(actor=user, action="accounts.user.password_changed", target=user)
    return user


def api_token_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def _api_token_new(*, user: User) -> tuple[ApiToken, str]:
    raw_key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=api_token_hash(raw_key),
        prefix=raw_key[:8],
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_VALID_DAYS),
    )
    return token, raw_key


@transaction.atomic
def api_token_create(*, user: User) -> str:
    """Create a personal API token (valid API_TOKEN_VALID_DAYS). The key is returned once."""
    token, raw_key = _api_token_new(user=user)
    audit_log(
        actor=user,
        action="accounts.api_token.created",
        target=user,
        data={"token": str(token.pk), "expires_at": token.expires_at.isoformat()},
    )
    return raw_key


def _own_token_locked(*, user: User, token_id: Any) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise PermissionDenied
    return token


@transaction.atomic
def api_token_rotate(*, user: User, token_id: Any) -> str:
    """Issue a new token for one of the user's tokens and revoke the old one at once."""
    old = _own_token_locked(user=user, token_id=token_id)
    if old.revoked_at is not None:
        raise ApplicationError(_("This token is already revoked; create a new one instead."))
    new, raw_key = _api_token_new(user=user)
    old.revoked_at = timezone.now()
    old.replaced_by = new
    old.save(update_fields=["revoked_at", "replaced_by", "updated_at"])
    audit_log(
        actor=user,
        action="accounts.api_token.rotated",
        target=user,
        data={"old": str(old.pk), "new": str(new.pk), "expires_at": new.expires_at.isoformat()},
    )
    return raw_key


@transaction.atomic
def api_token_revoke(*, user: User, token_id: Any = None) -> bool:
    """Revoke one of the user's tokens, or (no ``token_id``) all of them."""
    if token_id is not None:
        _own_token_locked(user=user, token_id=token_id)
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if token_id is not None:
        tokens = tokens.filter(pk=token_id)
    ids = [str(pk) for pk in tokens.values_list("pk", flat=True)]
    if not ids:
        return False
    tokens.update(revoked_at=timezone.now())
    audit_log(actor=user, action="accounts.api_token.revoked", target=user, data={"tokens": ids})
    return True


# --- invitations -----------------------------------------------------------------------------
def _check_grantable(*, actor: User, organization: Organization, role: str) -> None:
    if role not in permissions.grantable_roles(actor, organization):
        raise ApplicationError(
            _("You may not give the role “%(role)s” in this organisation.")
            % {"role": Role(role).label if role in Role.values else role},
            extra={"role": [_("This role cannot be given here.")]},
        )


def _check_separation_of_duties(*, user: User | None, role: str, exclude_pk: object = None) -> None:
    error = separation_of_duties_error(user=user, role=role, exclude_pk=exclude_pk)
    if error:
        raise ApplicationError(error, extra={"role": [error]})


def _needs_approval_error() -> ApplicationError:
    return ApplicationError(
        _(
            "The supervisor role is given only by invitation, approved by a second person "
            "(another supervisor or system admin). Send an invitation instead."
        ),
        extra={"role": [_("Needs a second person's approval: send an invitation.")]},
    )


def can_approve_invitation(*, user: User, invitation: Invitation) -> bool:
    """The second person of a maker-checker invitation: an active system admin or supervisor
    who is neither the one who invited nor the one invited."""
    if not user.is_active or not invitation.awaits_approval:
        return False
    if user.pk == invitation.invited_by_id or user.email.lower() == invitation.email.lower():
        return False
    return user.has_role(Role.SYSTEM_ADMIN, Role.SUPERVISOR)


def _check_region_scope(*, organization: Organization, region_scope: Region | None) -> None:
    if region_scope is None:
        return
    if organization.org_type not in GOVERNMENT_SOCIAL_TYPES:
        raise ApplicationError(
            _("A region scope is only for Dinas Sosial and Suku Dinas Sosial staff."),
            extra={"region_scope": [_("Leave this empty for this organisation.")]},
        )
    if region_scope.level > 2:
        raise ApplicationError(
            _("A region scope must be the province or one city/regency."),
            extra={"region_scope": [_("Choose the province or a city/regency.")]},
        )


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    organization: Organization,
    email: str,
    role: str,
    region_scope: Region | None = None,
) -> tuple[Invitation, str]:
    """Invite ``email`` to ``organization`` in ``role``; the e-mail goes out after commit."""
    from simpul.accounts.tasks import send_invitation_email

    if not permissions.can_manage_users(actor, organization):
        raise PermissionDenied
    _check_grantable(actor=actor, organization=organization, role=role)
    _check_region_scope(organization=organization, region_scope=region_scope)
    email = User.objects.normalize_email(email).strip().lower()
    invitee = User.objects.filter(email__iexact=email).first()
    if invitee is not None and invitee.pk == actor.pk and role in APPROVAL_REQUIRED_ROLES:
        raise ApplicationError(
            _("You cannot give yourself this role. Ask another admin to invite you."),
            extra={"email": [_("You cannot invite yourself to this role.")]},
        )
    _check_separation_of_duties(user=invitee, role=role)
    if Membership.objects.filter(
        user__email__iexact=email, organization=organization, role=role, is_active=True
    ).exists():
        raise ApplicationError(
            _("This person already has that role in this organisation."),
            extra={"email": [_("Already a member with this role.")]},
        )
    if Invitation.objects.filter(
        email__iexact=email,
        organization=organization,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists():
        raise ApplicationError(
            _("An invitation for this e-mail is already pending. Resend it or revoke it first."),
            extra={"email": [_("An invitation is already pending.")]},
        )
    invitation = Invitation(
        email=email,
        organization=organization,
        role=role,
        region_scope=region_scope,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        invited_by=actor,
        approval_required=role in APPROVAL_REQUIRED_ROLES,
    )
    raw_token = invitation_token(invitation)  # the UUID pk is already set
    invitation.token_hash = token_hash(raw_token)
    invitation.full_clean()
    invitation.save()
    audit_log(
        actor=actor,
        action="accounts.invitation.created",
        target=invitation,
        organization=organization,
        data={
            "email": email,
            "role": role,
            "region_scope": region_scope.code if region_scope else None,
            "approval_required": invitation.approval_required,
        },
    )
    if not invitation.approval_required:  # otherwise the e-mail goes out on approval
        pk = str(invitation.pk)
        transaction.on_commit(lambda: send_invitation_email.enqueue(pk))
    return invitation, raw_token


@transaction.atomic
def invitation_approve(*, actor: User, invitation: Invitation) -> Invitation:
    """The second person approves an invitation that needs it; the e-mail then goes out."""
    from simpul.accounts.tasks import send_invitation_email

    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not can_approve_invitation(user=actor, invitation=invitation):
        raise PermissionDenied
    if not invitation.is_pending:
        raise ApplicationError(_("This invitation is no longer valid."))
    _check_separation_of_duties(
        user=User.objects.filter(email__iexact=invitation.email).first(), role=invitation.role
    )
    invitation.approved_at = timezone.now()
    invitation.approved_by = actor
    invitation.save(update_fields=["approved_at", "approved_by", "updated_at"])
    audit_log(
        actor=actor,
        action="accounts.invitation.approved",
        target=invitation,
        organization=invitation.organization,
        data={"role": invitation.role, "invited_by": str(invitation.invited_by_id)},
    )
    pk = str(invitation.pk)
    transaction.on_commit(lambda: send_invitation_email.enqueue(pk))
    return invitation


@transaction.atomic
def invitation_refuse(*, actor: User, invitation: Invitation) -> Invitation:
    """The second person refuses: the invitation is closed (it can never be accepted)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not can_approve_invitation(user=actor, invitation=invitation):
        raise PermissionDenied
    now = timezone.now()
    invitation.refused_at = now
    invitation.refused_by = actor
    invitation.revoked_at = now
    invitation.save(update_fields=["refused_at", "refused_by", "revoked_at", "updated_at"])
    audit_log(
        actor=actor,
        action="accounts.invitation.refused",
        target=invitation,
        organization=invitation.organization,
        data={"role": invitation.role, "invited_by": str(invitation.invited_by_id)},
    )
    return invitation


@transaction.atomic
def invitation_resend(*, actor: User, invitation: Invitation) -> tuple[Invitation, str]:
    """Extend a pending invitation and mail a new link (the old link stops working)."""
    from simpul.accounts.tasks import send_invitation_email

    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not permissions.can_manage_users(actor, invitation.organization):
        raise PermissionDenied
    if invitation.accepted_at or invitation.revoked_at:
        raise ApplicationError(_("This invitation was already accepted or revoked."))
    before = snapshot(invitation, ["expires_at"])
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    raw_token = invitation_token(invitation)
    invitation.token_hash = token_hash(raw_token)
    invitation.full_clean()
    invitation.save(update_fields=["expires_at", "token_hash", "updated_at"])
    audit_log(
        actor=actor,
        action="accounts.invitation.resent",
        target=invitation,
        organization=invitation.organization,
        changes=diff(before, snapshot(invitation, ["expires_at"])),
    )
    if not invitation.awaits_approval:
        pk = str(invitation.pk)
        transaction.on_commit(lambda: send_invitation_email.enqueue(pk))
    return invitation, raw_token


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not permissions.can_manage_users(actor, invitation.organization):
        raise PermissionDenied
    if invitation.accepted_at:
        raise ApplicationError(
            _("This invitation was already accepted; deactivate the membership instead.")
        )
    if invitation.revoked_at:
        return invitation
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    audit_log(
        actor=actor,
        action="accounts.invitation.revoked",
        target=invitation,
        organization=invitation.organization,
        changes={"revoked_at": {"before": None, "after": invitation.revoked_at.isoformat()}},
    )
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None = None,
    full_name: str = "",
    password: str = "",
) -> User:
    """Accept ``invitation``: as the signed-in ``user`` (same e-mail), or by creating the account.

    Creates (or reactivates) the membership and marks the invitation accepted.
    """
    invitation = (
        Invitation.objects.select_for_update().select_related("organization").get(pk=invitation.pk)
    )
    if not invitation.is_pending:
        raise ApplicationError(_("This invitation is no longer valid."))
    if invitation.awaits_approval:
        raise ApplicationError(
            _(
                "This invitation still awaits approval by a second person. You will get an "
                "e-mail when it is approved."
            )
        )
    if user is not None:
        if user.email.lower() != invitation.email.lower():
            raise ApplicationError(_("This invitation was sent to a different e-mail address."))
    else:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ApplicationError(
                _(
                    "An account with this e-mail already exists. Sign in first, then open the link again."
                )
            )
        user = User(email=invitation.email.lower(), full_name=full_name.strip())
        user.set_password(password)
        user.full_clean()
        user.save()
        audit_log(
            actor=user,
            action="accounts.user.created",
            target=user,
            organization=invitation.organization,
            data={"via": "invitation"},
        )
    _check_separation_of_duties(user=user, role=invitation.role)
    membership = Membership.objects.filter(
        user=user, organization=invitation.organization, role=invitation.role
    ).first()
    if membership is None:
        membership = Membership(
            user=user,
            organization=invitation.organization,
            role=invitation.role,
            region_scope=invitation.region_scope,
            is_primary=not user.memberships.filter(is_active=True).exists(),
        )
    else:
        membership.is_active = True
        membership.region_scope = invitation.region_scope
    membership.full_clean()
    membership.save()
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user", "updated_at"])
    audit_log(
        actor=user,
        action="accounts.invitation.accepted",
        target=invitation,
        organization=invitation.organization,
        data={"membership": str(membership.pk), "role": invitation.role},
    )
    return user


# --- memberships -----------------------------------------------------------------------------
def _check_manage(actor: User, membership: Membership) -> None:
    if not permissions.can_manage_users(actor, membership.organization):
        raise PermissionDenied
    # A Dinas Sosial org admin may not change a system admin's membership, for example.
    if membership.role not in permissions.grantable_roles(actor, membership.organization):
        raise ApplicationError(_("You may not change a membership with this role."))


def _check_not_own_last_admin(actor: User, membership: Membership) -> None:
    if membership.user_id != actor.pk or membership.role not in ADMIN_ROLES:
        return
    others = actor.memberships.filter(is_active=True, role__in=ADMIN_ROLES).exclude(
        pk=membership.pk
    )
    if not others.exists():
        raise ApplicationError(
            _("You cannot remove your own last admin membership. Ask another admin to do it.")
        )


def _membership_locked(membership: Membership) -> Membership:
    return (
        Membership.objects.select_for_update()
        .select_related("organization", "user")
        .get(pk=membership.pk)
    )


@transaction.atomic
def membership_update_role(
    *, actor: User, membership: Membership, role: str, region_scope: Region | None = None
) -> Membership:
    membership = _membership_locked(membership)
    _check_manage(actor, membership)
    _check_grantable(actor=actor, organization=membership.organization, role=role)
    _check_region_scope(organization=membership.organization, region_scope=region_scope)
    if role != membership.role:
        if role in APPROVAL_REQUIRED_ROLES:
            raise _needs_approval_error()
        _check_separation_of_duties(user=membership.user, role=role, exclude_pk=membership.pk)
        _check_not_own_last_admin(actor, membership)
        if (
            Membership.objects.filter(
                user=membership.user, organization=membership.organization, role=role
            )
            .exclude(pk=membership.pk)
            .exists()
        ):
            raise ApplicationError(
                _("This person already has that role in this organisation."),
                extra={"role": [_("Already held.")]},
            )
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    membership.role = role
    membership.region_scope = region_scope
    membership.full_clean()
    membership.save()
    changes = diff(before, snapshot(membership, MEMBERSHIP_FIELDS))
    if changes:
        audit_log(
            actor=actor,
            action="accounts.membership.role_changed",
            target=membership,
            organization=membership.organization,
            changes=changes,
        )
    return membership


@transaction.atomic
def membership_deactivate(*, actor: User, membership: Membership) -> Membership:
    membership = _membership_locked(membership)
    _check_manage(actor, membership)
    _check_not_own_last_admin(actor, membership)
    if not membership.is_active:
        return membership
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    audit_log(
        actor=actor,
        action="accounts.membership.deactivated",
        target=membership,
        organization=membership.organization,
        changes=diff(before, snapshot(membership, MEMBERSHIP_FIELDS)),
    )
    return membership


@transaction.atomic
def membership_reactivate(*, actor: User, membership: Membership) -> Membership:
    membership = _membership_locked(membership)
    _check_manage(actor, membership)
    if membership.is_active:
        return membership
    if membership.role in APPROVAL_REQUIRED_ROLES:
        raise _needs_approval_error()
    _check_separation_of_duties(
        user=membership.user, role=membership.role, exclude_pk=membership.pk
    )
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    membership.is_active = True
    membership.save(update_fields=["is_active", "updated_at"])
    audit_log(
        actor=actor,
        action="accounts.membership.reactivated",
        target=membership,
        organization=membership.organization,
        changes=diff(before, snapshot(membership, MEMBERSHIP_FIELDS)),
    )
    return membership
