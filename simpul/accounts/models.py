"""Users, their memberships of organisations (with a role), and invitations."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simpul.core.models import BaseModel


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System admin")
    SUPERVISOR = "supervisor", _("Dinas Sosial supervisor")
    CASE_WORKER = "case_worker", _("Case worker (pekerja sosial / pendamping)")
    DATA_OPERATOR = "data_operator", _("Data operator")
    ANALYST = "analyst", _("Analyst (aggregates only)")
    ORG_ADMIN = "org_admin", _("Organisation admin")
    ORG_STAFF = "org_staff", _("Organisation staff")
    SKPD_LIAISON = "skpd_liaison", _("SKPD liaison")
    DONOR = "donor", _("Donor / community member")


# Roles that read children's records (through cases, registration or import). Separation of
# duties: a system admin holds none of them, and nobody holds one next to system admin.
CHILD_DATA_ROLES = frozenset(
    {
        Role.SUPERVISOR,
        Role.CASE_WORKER,
        Role.DATA_OPERATOR,
        Role.ORG_ADMIN,
        Role.ORG_STAFF,
        Role.SKPD_LIAISON,
    }
)
# Granting these needs a second person's approval before the invitation can be accepted.
APPROVAL_REQUIRED_ROLES = frozenset({Role.SUPERVISOR})


def separation_of_duties_error(*, user: Any, role: str, exclude_pk: Any = None) -> str | None:
    """Why ``user`` may not (also) hold ``role``, or None. ``exclude_pk``: the membership being
    changed (its current role does not count)."""
    if user is None or user.pk is None:
        return None
    held = Membership.objects.filter(user=user, is_active=True)
    if exclude_pk is not None:
        held = held.exclude(pk=exclude_pk)
    roles = set(held.values_list("role", flat=True))
    if role in CHILD_DATA_ROLES and Role.SYSTEM_ADMIN in roles:
        return str(
            _(
                "A system admin cannot also hold a role that reads children's records "
                "(separation of duties)."
            )
        )
    if role == Role.SYSTEM_ADMIN and roles & CHILD_DATA_ROLES:
        return str(
            _(
                "Someone who holds a role that reads children's records cannot also be a "
                "system admin (separation of duties)."
            )
        )
    return None


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("E-mail is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(default=False)
    # Demo accounts exist only in the demo; the flag lets tooling find and remove them.
    is_demo = models.BooleanField(default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("user")

    def __str__(self) -> str:
        return self.full_name or self.email

    # --- roles -------------------------------------------------------------------------------
    def active_memberships(self) -> models.QuerySet[Membership]:
        return self.memberships.filter(is_active=True).select_related(
            "organization", "region_scope"
        )

    def primary_membership(self) -> Membership | None:
        cached = getattr(self, "_primary_membership", None)
        if cached is None:
            cached = self.active_memberships().order_by("-is_primary", "created_at").first()
            self._primary_membership = cached or False
        return cached or None

    def roles(self) -> set[str]:
        if not hasattr(self, "_roles"):
            self._roles = set(self.active_memberships().values_list("role", flat=True))
        return self._roles

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles() & set(roles))

    @property
    def requires_two_factor(self) -> bool:
        return self.has_role(*settings.TWO_FACTOR_REQUIRED_ROLES)


class Membership(BaseModel):
    """A user's role in one organisation. A user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # For Dinas Sosial / Suku Dinas users: the province, or one kota. Null = the organisation's
    # own jurisdiction (if any). A scoped role with no scope sees no region-scoped data.
    region_scope = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region scope"),
    )
    title = models.CharField(_("job title"), max_length=120, blank=True)
    is_primary = models.BooleanField(default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organization__name", "role"]
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"

    def clean(self) -> None:
        super().clean()
        if self.is_active and self.user_id:
            error = separation_of_duties_error(user=self.user, role=self.role, exclude_pk=self.pk)
            if error:
                raise ValidationError({"role": error})

    def effective_region_scope(self) -> Any:
        return self.region_scope or self.organization.jurisdiction


class Invitation(BaseModel):
    """An e-mailed link to join an organisation in a role. Only a hash of the token is kept."""

    email = models.EmailField(_("e-mail"))
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region_scope = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Maker-checker (APPROVAL_REQUIRED_ROLES): a second person approves before the link works.
    approval_required = models.BooleanField(default=False)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    refused_at = models.DateTimeField(null=True, blank=True)
    refused_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def awaits_approval(self) -> bool:
        return self.approval_required and self.approved_at is None and self.refused_at is None


class ApiToken(BaseModel):
    """A personal API token. Only a SHA-256 hash of the key is kept; the key is shown once.

    Tokens expire (API_TOKEN_VALID_DAYS); rotating issues a new one and revokes the old.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the key, so the owner can tell their tokens apart.
    prefix = models.CharField(_("starts with"), max_length=8)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired
