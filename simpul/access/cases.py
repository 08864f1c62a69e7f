"""Who sees which case, and how much of it. Deny by default.

- Dinas Sosial / Suku Dinas Sosial supervisors and data operators: cases in their region scope
  (:mod:`simpul.access.scope`).
- Case workers (of Dinas Sosial / Suku Dinas): cases assigned to them or on whose team they are.
- Partner organisations (any role of a non-government organisation, and SKPD liaisons): a case
  only while their organisation has an active assignment on it (``CaseAssignment``: lead, plan
  action, placement, referral — a new app grants access by adding a kind), and then only the
  parts needed for that work (no identity numbers, documents, assessments or notes of others).
- Analysts (aggregates only), donors and system admins: no case or child records.

Restricted cases (a restricted category such as AKTK or ABH, or marked sensitive): people who are
not assigned see the child's name masked in every list, and opening the case requires a reason,
logged (:mod:`simpul.access.restricted`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from simpul.access.scope import (
    is_government_case_worker,
    memberships,
    partner_organization_ids,
    region_scope_q,
)
from simpul.accounts.models import Role
from simpul.cases.models import Case, CaseAssignment, CaseStatus

if TYPE_CHECKING:
    from simpul.accounts.models import User


# The statuses a case can have, for filters outside the cases app (the children search): they
# read them here, through the access package, and import nothing of cases.
CASE_STATUS_CHOICES = CaseStatus.choices


def _active_assignment_exists(org_ids: set) -> Exists:
    return Exists(
        CaseAssignment.objects.filter(
            case=OuterRef("pk"), organization_id__in=org_ids, ended_at__isnull=True
        )
    )


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Every case the user may know exists. Start every case selector from here."""
    if not memberships(user):
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


@dataclass(frozen=True)
class CaseAccess:
    """What one user may do with one case (the policy returned with the record)."""

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


# The services check the same user's access to the same case several times in one request
# (require_edit, then a plan rule, then the audit). The decision is memoised on the instance
# under a private name, keyed by the user; it is an implementation detail of this module, not
# the policy callers read (they get the CaseAccess returned by ``case_get``).
_MEMO = "_simpul_case_access"


def case_access_memo(user: User, case: Case) -> CaseAccess:
    """``case_access``, computed once per (instance, user) until ``forget_case_access``."""
    cached = getattr(case, _MEMO, None)
    if cached is not None and cached[0] == user.pk:
        return cached[1]
    access = case_access(user, case)
    setattr(case, _MEMO, (user.pk, access))
    return access


def forget_case_access(case: Case) -> None:
    """Drop the memoised decision (after a change of assignment, kota or team)."""
    if hasattr(case, _MEMO):
        delattr(case, _MEMO)
