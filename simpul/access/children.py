"""Who sees which child's record, and how much of it. Deny by default: a child is visible
through a visible case (:mod:`simpul.access.cases`), or — for Dinas Sosial / Suku Dinas roles —
through the region scope of its current address (:mod:`simpul.access.scope`), or to the worker
who registered it while it has no case yet.

Restricted children (a restricted category, or a sensitive case): names masked for people not
assigned; opening the record needs a reason, which is logged (:mod:`simpul.access.restricted`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from simpul.access.cases import case_access, cases_visible_to
from simpul.access.scope import (
    CHILD_SCOPED_ROLES,
    government_scope_covers,
    government_scopes,
    mask_name,
    memberships,
    partner_organization_ids,
    scope_q,
)
from simpul.cases.models import Case
from simpul.children.models import Child, ChildCategory

if TYPE_CHECKING:
    from simpul.accounts.models import User


def children_visible_to(user: User) -> QuerySet[Child]:
    """Children the user may know: those with a visible case, and (for region-scoped government
    roles) children whose current address is in their scope, and those they registered that
    have no case yet."""
    if not memberships(user):
        return Child.objects.none()
    q = Q(pk__in=cases_visible_to(user).values("child_id"))
    for code in government_scopes(user, CHILD_SCOPED_ROLES):
        q |= scope_q("current_kota_code", code) | Q(cases__isnull=True, registered_by=user)
    return Child.objects.active().filter(q).distinct()


@dataclass(frozen=True)
class ChildAccess:
    """What one user may see and do with one child's record (the policy returned with it)."""

    visible: bool = False
    full: bool = False  # identity numbers (masked, revealable), documents, consents
    is_partner: bool = False  # sees the child only through an organisation's case assignment
    is_assigned: bool = False  # case worker / team / supervisor of a case, or the registrar
    restricted: bool = False
    can_edit: bool = False
    partner_org_ids: frozenset = field(default_factory=frozenset)

    @property
    def needs_reason(self) -> bool:
        """A restricted record opened by someone not assigned: a reason first, logged."""
        return self.visible and self.restricted and not self.is_assigned

    @property
    def show_name(self) -> bool:
        return self.visible and (not self.restricted or self.is_assigned)


def restricted_q() -> Q:
    """Children with a sensitive or restricted-category case, or a restricted classification."""
    return Q(
        Exists(
            Case.objects.filter(
                Q(is_sensitive=True) | Q(primary_category__is_restricted=True), child=OuterRef("pk")
            )
        )
    ) | Q(
        Exists(
            ChildCategory.objects.filter(
                child=OuterRef("pk"), ended_at__isnull=True, category__is_restricted=True
            )
        )
    )


def assigned_q(user: User) -> Q:
    mine = Case.objects.filter(child=OuterRef("pk")).filter(
        Q(case_worker=user) | Q(supervisor=user) | Q(team=user)
    )
    return Q(Exists(mine)) | Q(registered_by=user)


def with_masking(qs: QuerySet[Child], user: User) -> QuerySet[Child]:
    """Annotate ``restricted_flag`` and ``assigned_flag``; templates mask when restricted and
    not assigned (see :func:`display_name`)."""
    return qs.annotate(
        restricted_flag=ExpressionWrapper(restricted_q(), output_field=BooleanField()),
        assigned_flag=ExpressionWrapper(assigned_q(user), output_field=BooleanField()),
    )


def display_name(child: Child) -> str:
    if getattr(child, "restricted_flag", False) and not getattr(child, "assigned_flag", False):
        return mask_name(child.full_name)
    return child.full_name


def child_is_restricted(child: Child) -> bool:
    return Child.objects.filter(pk=child.pk).filter(restricted_q()).exists()


def _scope_covers_child(user: User, child: Child) -> bool:
    if child.registered_by_id == user.pk and not child.cases.exists():
        return True
    return government_scope_covers(user, child.current_kota_code, CHILD_SCOPED_ROLES)


def child_access(user: User, child: Child) -> ChildAccess:
    if not children_visible_to(user).filter(pk=child.pk).exists():
        return ChildAccess()
    accesses = [case_access(user, c) for c in cases_visible_to(user).filter(child=child)]
    in_scope = _scope_covers_child(user, child)
    full = in_scope or any(a.full for a in accesses)
    assigned = child.registered_by_id == user.pk or any(a.is_assigned for a in accesses)
    return ChildAccess(
        visible=True,
        full=full,
        is_partner=not full,
        is_assigned=assigned,
        restricted=child_is_restricted(child),
        can_edit=full and (in_scope or any(a.can_edit for a in accesses)),
        partner_org_ids=frozenset(partner_organization_ids(user)) if not full else frozenset(),
    )
