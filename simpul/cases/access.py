"""Who sees which case and child, and how much of it. Deny by default.

- Dinas Sosial / Suku Dinas Sosial supervisors and data operators: cases in their region scope
  (the province, or one kota).
- Case workers (of Dinas Sosial / Suku Dinas): cases assigned to them or on whose team they are.
- Partner organisations (any role of a non-government organisation, and SKPD liaisons): a case only
  while their organisation has an active assignment on it (lead, plan action, placement, referral),
  and then only the parts needed for that work (no identity numbers, documents, assessments or notes
  of others).
- Analysts (aggregates only), donors and system admins: no case or child records.

Restricted cases (a restricted category such as AKTK or ABH, or marked sensitive): people who are not
assigned see the child's name masked in every list, and opening the case requires a reason, logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from simpul.accounts.models import Role
from simpul.cases.models import Case, CaseAssignment
from simpul.directory.models import GOVERNMENT_SOCIAL_TYPES

if TYPE_CHECKING:
    from simpul.accounts.models import Membership, User
    from simpul.children.models import Child

SCOPED_ROLES = (Role.SUPERVISOR, Role.DATA_OPERATOR)
PARTNER_ROLES = (Role.ORG_ADMIN, Role.ORG_STAFF, Role.CASE_WORKER, Role.SKPD_LIAISON)


def _memberships(user: User) -> list[Membership]:
    if not (user and user.is_authenticated and user.is_active):
        return []
    cached = getattr(user, "_case_memberships", None)
    if cached is None:
        cached = list(user.active_memberships())
        user._case_memberships = cached  # type: ignore[attr-defined]
    return cached


def _scope_q(prefix_field: str, scope_code: str) -> Q:
    # kota_code is "31.75"; a province scope "31" covers every kota beginning with "31.".
    if len(scope_code) <= 2:
        return Q(**{f"{prefix_field}__startswith": scope_code + "."})
    return Q(**{prefix_field: scope_code[:5]})


def region_scope_q(user: User) -> Q | None:
    """Q over Case.kota_code for the user's scoped memberships, or None if they have none."""
    q: Q | None = None
    for m in _memberships(user):
        if m.role in SCOPED_ROLES and m.organization.org_type in GOVERNMENT_SOCIAL_TYPES:
            scope = m.effective_region_scope()
            if scope is None:  # a scoped role with no scope sees nothing
                continue
            part = _scope_q("kota_code", scope.code)
            q = part if q is None else q | part
    return q


def partner_organization_ids(user: User) -> set:
    return {
        m.organization_id
        for m in _memberships(user)
        if m.role in PARTNER_ROLES and m.organization.org_type not in GOVERNMENT_SOCIAL_TYPES
    }


def is_government_case_worker(user: User) -> bool:
    return any(
        m.role == Role.CASE_WORKER and m.organization.org_type in GOVERNMENT_SOCIAL_TYPES
        for m in _memberships(user)
    )


def _active_assignment_exists(org_ids: set) -> Exists:
    return Exists(
        CaseAssignment.objects.filter(
            case=OuterRef("pk"), organization_id__in=org_ids, ended_at__isnull=True
        )
    )


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Every case the user may know exists. Start every case selector from here."""
    memberships = _memberships(user)
    if not memberships:
        return Case.objects.none()
    q = Q(pk__in=[])
    scope = region_scope_q(user)
    if scope is not None:
        q |= scope
    if is_government_case_worker(user):
        q |= Q(case_worker=user) | Q(team=user)
    org_ids = partner_organization_ids(user)
    qs = Case.objects.all()
    if org_ids:
        qs = qs.annotate(_partner=_active_assignment_exists(org_ids))
        q |= Q(_partner=True)
    return qs.filter(q).distinct()


def children_visible_to(user: User) -> QuerySet[Child]:
    """Children the user may know: those with a visible case, and (for region-scoped government
    roles) children registered in their scope without a case yet."""
    from simpul.children.models import Child

    visible_cases = cases_visible_to(user)
    q = Q(pk__in=visible_cases.values("child_id"))
    scope = None
    for m in _memberships(user):
        if (
            m.role in (*SCOPED_ROLES, Role.CASE_WORKER)
            and m.organization.org_type in GOVERNMENT_SOCIAL_TYPES
        ):
            region = m.effective_region_scope()
            if region is not None:
                part = _scope_q("current_kota_code", region.code) | Q(
                    cases__isnull=True, registered_by=user
                )
                scope = part if scope is None else scope | part
    if scope is not None:
        q |= scope
    if not _memberships(user):
        return Child.objects.none()
    return Child.objects.active().filter(q).distinct()


@dataclass(frozen=True)
class CaseAccess:
    """What one user may do with one case."""

    visible: bool = False
    full: bool = False  # every tab (assessments, notes, documents, identity numbers)
    is_assigned: bool = False  # case worker, team member, the case's supervisor
    is_partner: bool = False  # sees the case through an organisation assignment only
    restricted: bool = False  # restricted case: masked unless assigned, reason to open
    can_edit: bool = False
    can_approve: bool = False

    @property
    def show_identity(self) -> bool:
        return self.visible and (not self.restricted or self.is_assigned)


def is_restricted(case: Case) -> bool:
    if case.is_sensitive:
        return True
    if case.primary_category is not None and case.primary_category.is_restricted:
        return True
    return case.child.classifications.filter(
        ended_at__isnull=True, category__is_restricted=True
    ).exists()


def case_access(user: User, case: Case) -> CaseAccess:
    if not cases_visible_to(user).filter(pk=case.pk).exists():
        return CaseAccess()
    restricted = is_restricted(case)
    assigned = (
        case.case_worker_id == user.pk
        or case.supervisor_id == user.pk
        or case.team.filter(pk=user.pk).exists()
    )
    scope = region_scope_q(user)
    in_scope = scope is not None and Case.objects.filter(scope, pk=case.pk).exists()
    supervisor = in_scope and user.has_role(Role.SUPERVISOR)
    government = assigned or in_scope
    return CaseAccess(
        visible=True,
        full=government,
        is_assigned=assigned,
        is_partner=not government,
        restricted=restricted,
        can_edit=assigned or supervisor,
        can_approve=supervisor,
    )


def mask_name(name: str) -> str:
    """'Siti Nurhaliza' → 'S••• N•••' (for lists shown to people not assigned to a restricted case)."""
    return " ".join(f"{part[0]}•••" for part in name.split() if part) or "•••"
