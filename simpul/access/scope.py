"""The one region-scope rule: which kota a government role covers, and which organisations a
partner acts for. Every visibility rule in :mod:`simpul.access.cases` and
:mod:`simpul.access.children` is built from these, for querysets and single records alike.

- Supervisors and data operators of Dinas Sosial / a Suku Dinas Sosial cover their region scope
  (the province "31" covers every kota "31.xx"; a kota scope covers that kota).
- Case workers of Dinas Sosial / a Suku Dinas see the children of their scope (for registration
  and duplicate checks) and the cases assigned to them.
- Partner organisations (non-government; any case role, and SKPD liaisons) act through their
  organisation's active case assignments only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from simpul.accounts.models import Role
from simpul.directory.models import GOVERNMENT_SOCIAL_TYPES

if TYPE_CHECKING:
    from simpul.accounts.models import Membership, User

SCOPED_ROLES = (Role.SUPERVISOR, Role.DATA_OPERATOR)
# Government roles that see the children registered in their scope.
CHILD_SCOPED_ROLES = (*SCOPED_ROLES, Role.CASE_WORKER)
PARTNER_ROLES = (Role.ORG_ADMIN, Role.ORG_STAFF, Role.CASE_WORKER, Role.SKPD_LIAISON)


def memberships(user: User) -> list[Membership]:
    """The user's active memberships (cached on the user object for one request)."""
    if not (user and user.is_authenticated and user.is_active):
        return []
    cached = getattr(user, "_case_memberships", None)
    if cached is None:
        cached = list(user.active_memberships())
        user._case_memberships = cached  # type: ignore[attr-defined]
    return cached


def scope_q(field: str, scope_code: str) -> Q:
    """Q over a kota-code field ("31.75") for one scope: the province "31" covers every kota
    beginning with "31."; a kota (or finer) scope covers that kota."""
    if len(scope_code) <= 2:
        return Q(**{f"{field}__startswith": scope_code + "."})
    return Q(**{field: scope_code[:5]})


def scope_covers(scope_code: str, kota_code: str) -> bool:
    """The same rule as :func:`scope_q`, for one value."""
    if not kota_code:
        return False
    if len(scope_code) <= 2:
        return kota_code.startswith(scope_code + ".")
    return kota_code == scope_code[:5]


def government_scopes(user: User, roles: tuple[str, ...] = SCOPED_ROLES) -> list[str]:
    """Region codes covered by the user's Dinas Sosial / Suku Dinas memberships with ``roles``
    (a scoped role without a scope covers nothing)."""
    out = []
    for m in memberships(user):
        if m.role in roles and m.organization.org_type in GOVERNMENT_SOCIAL_TYPES:
            scope = m.effective_region_scope()
            if scope is not None:
                out.append(scope.code)
    return out


def region_scope_q(
    user: User, field: str = "kota_code", roles: tuple[str, ...] = SCOPED_ROLES
) -> Q | None:
    """Q over ``field`` for the user's scoped memberships, or None if they have none."""
    q: Q | None = None
    for code in government_scopes(user, roles):
        part = scope_q(field, code)
        q = part if q is None else q | part
    return q


def government_scope_covers(
    user: User, kota_code: str, roles: tuple[str, ...] = SCOPED_ROLES
) -> bool:
    return any(scope_covers(code, kota_code) for code in government_scopes(user, roles))


def partner_organization_ids(user: User) -> set:
    return {
        m.organization_id
        for m in memberships(user)
        if m.role in PARTNER_ROLES and m.organization.org_type not in GOVERNMENT_SOCIAL_TYPES
    }


def is_government_case_worker(user: User) -> bool:
    return any(
        m.role == Role.CASE_WORKER and m.organization.org_type in GOVERNMENT_SOCIAL_TYPES
        for m in memberships(user)
    )


def mask_name(name: str) -> str:
    """'Siti Nurhaliza' → 'S••• N•••' (for lists shown to people not assigned to a restricted case)."""
    return " ".join(f"{part[0]}•••" for part in name.split() if part) or "•••"
