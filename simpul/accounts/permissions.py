"""Who may do what. Every rule is a named function; views and selectors call these.

Deny by default: a user with no active membership may do nothing, and each function answers
``False`` unless a rule grants the action.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simpul.accounts.models import Role
from simpul.directory.models import GOVERNMENT_SOCIAL_TYPES, Organization, OrganizationType

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from simpul.accounts.models import User


def _active(user: User) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_system_admin(user: User) -> bool:
    return _active(user) and user.has_role(Role.SYSTEM_ADMIN)


def is_dinsos_admin(user: User) -> bool:
    """System admins, and organisation admins of Dinas Sosial itself, administer all partners."""
    return is_system_admin(user) or (
        _active(user)
        and user.memberships.filter(
            is_active=True, role=Role.ORG_ADMIN, organization__org_type=OrganizationType.DINSOS
        ).exists()
    )


def member_organization_ids(user: User) -> set:
    if not _active(user):
        return set()
    return {m.organization_id for m in user.active_memberships()}


def can_view_directory(user: User) -> bool:
    return _active(user) and bool(user.roles())


def can_export_directory(user: User) -> bool:
    return can_view_directory(user) and not user.roles() <= {Role.DONOR}


def can_view_organization_private(user: User, organization: Organization) -> bool:
    """Staff lists, users and invitations: the organisation's own people and Dinsos admins."""
    return is_dinsos_admin(user) or organization.pk in member_organization_ids(user)


def can_edit_organization(user: User, organization: Organization) -> bool:
    if is_dinsos_admin(user):
        return True
    return (
        _active(user)
        and user.memberships.filter(
            is_active=True, role=Role.ORG_ADMIN, organization=organization
        ).exists()
    )


def can_update_capacity(user: User, organization: Organization) -> bool:
    if can_edit_organization(user, organization):
        return True
    return (
        _active(user)
        and user.memberships.filter(
            is_active=True, role=Role.ORG_STAFF, organization=organization
        ).exists()
    )


def can_create_organization(user: User) -> bool:
    return is_dinsos_admin(user)


def can_import_directory(user: User) -> bool:
    if is_dinsos_admin(user):
        return True
    return (
        _active(user)
        and user.memberships.filter(
            is_active=True,
            role=Role.DATA_OPERATOR,
            organization__org_type__in=GOVERNMENT_SOCIAL_TYPES,
        ).exists()
    )


def can_view_audit(user: User) -> bool:
    return is_system_admin(user)


def manageable_organizations(user: User) -> QuerySet[Organization]:
    """Organisations whose users this user may manage (invite, change role, deactivate)."""
    if is_system_admin(user):
        return Organization.objects.all()
    if not _active(user):
        return Organization.objects.none()
    return Organization.objects.filter(
        memberships__user=user, memberships__is_active=True, memberships__role=Role.ORG_ADMIN
    ).distinct()


def can_manage_users(user: User, organization: Organization) -> bool:
    return manageable_organizations(user).filter(pk=organization.pk).exists()


# Roles that act for the department itself; only Dinas Sosial / Suku Dinas Sosial hold them.
GOVERNMENT_ONLY_ROLES = frozenset({Role.SUPERVISOR, Role.ANALYST, Role.DATA_OPERATOR})


def grantable_roles(user: User, organization: Organization) -> list[str]:
    """Roles ``user`` may give (invite, change to) in ``organization``; empty if none.

    System admins may grant any role. Organisation admins may grant the partner roles, and, in
    Dinas Sosial / Suku Dinas Sosial, also the department roles (supervisor, analyst, data
    operator). Only a system admin makes another system admin.
    """
    if not can_manage_users(user, organization):
        return []
    if is_system_admin(user):
        return [value for value, _label in Role.choices]
    government = organization.org_type in GOVERNMENT_SOCIAL_TYPES
    return [
        value
        for value, _label in Role.choices
        if value != Role.SYSTEM_ADMIN and (government or value not in GOVERNMENT_ONLY_ROLES)
    ]


# --- cases (per-case rules are in simpul.access.cases: cases_visible_to, case_access) ----------
def _government_roles(user: User) -> set[str]:
    """The roles the user holds in Dinas Sosial or a Suku Dinas (for cases and children)."""
    if not _active(user):
        return set()
    return {
        m.role
        for m in user.active_memberships()
        if m.organization.org_type in GOVERNMENT_SOCIAL_TYPES
    }


def can_open_case(user: User) -> bool:
    """Dinas Sosial / Suku Dinas case workers, supervisors and data operators, and the staff of
    a partner organisation (which then leads the case)."""
    if not _active(user):
        return False
    if _government_roles(user) & {Role.CASE_WORKER, Role.SUPERVISOR, Role.DATA_OPERATOR}:
        return True
    return user.has_role(Role.ORG_ADMIN, Role.ORG_STAFF, Role.CASE_WORKER)


def can_use_caseload(user: User) -> bool:
    return bool(
        _government_roles(user) & {Role.CASE_WORKER, Role.SUPERVISOR, Role.DATA_OPERATOR}
    ) or (
        _active(user)
        and user.has_role(Role.ORG_ADMIN, Role.ORG_STAFF, Role.CASE_WORKER, Role.SKPD_LIAISON)
    )


def can_use_referrals(user: User) -> bool:
    """The "Rujukan" pages: those who send referrals from cases (government case workers,
    supervisors, data operators) and the staff of organisations that receive them."""
    return can_use_caseload(user)


def can_supervise_cases(user: User) -> bool:
    """The approval queue and the overdue list: Dinas Sosial / Suku Dinas supervisors."""
    return Role.SUPERVISOR in _government_roles(user)


def can_manage_sla(user: User) -> bool:
    """Draft and edit versions of the case deadline table."""
    return is_system_admin(user) or can_supervise_cases(user)


def can_approve_sla(user: User) -> bool:
    """Only supervisors approve a version (and never one they created)."""
    return can_supervise_cases(user)


# --- children (per-child visibility is in simpul.access.children.children_visible_to) -----------
CHILD_REGISTRAR_ROLES = frozenset({Role.CASE_WORKER, Role.SUPERVISOR, Role.DATA_OPERATOR})
CHILD_VIEWER_ROLES = frozenset(
    {
        Role.CASE_WORKER,
        Role.SUPERVISOR,
        Role.DATA_OPERATOR,
        Role.ORG_ADMIN,
        Role.ORG_STAFF,
        Role.SKPD_LIAISON,
    }
)


def can_view_children(user: User) -> bool:
    """The "Anak" pages (search, profile): roles that may see some children through cases."""
    return _active(user) and bool(user.roles() & CHILD_VIEWER_ROLES)


def can_register_child(user: User) -> bool:
    """Dinas Sosial / Suku Dinas case workers, supervisors and data operators register children."""
    return bool(_government_roles(user) & CHILD_REGISTRAR_ROLES)


def can_search_children_by_nik(user: User) -> bool:
    """Identity numbers are searched only by those who may see them (government roles)."""
    return can_register_child(user)


def can_merge_children(user: User) -> bool:
    """Merging records, undoing merges and the registry-wide duplicate scan: supervisors."""
    return Role.SUPERVISOR in _government_roles(user)


def can_record_legal_basis(user: User) -> bool:
    """Recording a legal basis for sharing without consent: supervisors."""
    return Role.SUPERVISOR in _government_roles(user)


def can_import_children(user: User) -> bool:
    """Importing children from a spreadsheet: Dinas Sosial / Suku Dinas data operators, case
    workers and supervisors (the roles that register children)."""
    return bool(_government_roles(user) & {Role.DATA_OPERATOR, Role.CASE_WORKER, Role.SUPERVISOR})


# --- agreements and collaboration protocols (simpul.agreements; docs/agreements.md) -------------
def can_view_agreements(user: User) -> bool:
    """The agreements pages: government staff (every agreement) and organisation admins and
    staff of partners (the agreements their organisation is a party to)."""
    return can_view_all_agreements(user) or (
        _active(user) and user.has_role(Role.ORG_ADMIN, Role.ORG_STAFF, Role.SKPD_LIAISON)
    )


def can_view_all_agreements(user: User) -> bool:
    return is_system_admin(user) or bool(_government_roles(user) - {Role.DONOR})


def can_manage_agreements(user: User) -> bool:
    """Create, edit, amend, activate and terminate agreements, upload the signed document:
    organisation admins of Dinas Sosial itself and system admins."""
    return is_dinsos_admin(user)


def can_view_protocols(user: User) -> bool:
    """The protocols are the department's written ground rules: every user with a role reads the
    approved versions."""
    return _active(user) and bool(user.roles())


def can_manage_protocols(user: User) -> bool:
    """Draft and edit protocol versions: Dinas Sosial org admins, system admins and Dinas Sosial
    supervisors."""
    return is_dinsos_admin(user) or _dinsos_supervisor(user)


def can_approve_protocols(user: User) -> bool:
    """Approve a version (never one they drafted, see simpul.agreements.services): a Dinas
    Sosial supervisor, a Dinas Sosial org admin or a system admin."""
    return is_dinsos_admin(user) or _dinsos_supervisor(user)


def _dinsos_supervisor(user: User) -> bool:
    return _active(user) and any(
        m.role == Role.SUPERVISOR and m.organization.org_type == OrganizationType.DINSOS
        for m in user.active_memberships()
    )
