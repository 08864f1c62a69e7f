"""Reading agreements and protocols (the referrals app calls the first three)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from simpul.accounts import permissions
from simpul.agreements.models import (
    Agreement,
    AgreementDocument,
    CollaborationProtocol,
    ProtocolParticipant,
    ProtocolVersion,
)

if TYPE_CHECKING:
    from simpul.accounts.models import User
    from simpul.children.models import Category
    from simpul.directory.models import Organization


# --- interfaces for the referrals app -----------------------------------------------------------
def agreement_in_force(*, organization: Organization | Any, on: dt.date) -> Agreement | None:
    """The agreement in force on ``on`` with ``organization`` as a party (the one ending last),
    or None."""
    org_id = getattr(organization, "pk", organization)
    return (
        Agreement.objects.in_force(on)
        .filter(parties=org_id)
        .order_by("-end_date", "number")
        .first()
    )


def organizations_with_agreement(*, on: dt.date) -> set[Any]:
    """Ids of the organisations that are a party to an agreement in force on ``on``."""
    return set(
        Agreement.parties.through.objects.filter(
            agreement__in=Agreement.objects.in_force(on)
        ).values_list("organization_id", flat=True)
    )


def protocol_in_force(*, category: Category | Any, on: dt.date) -> ProtocolVersion | None:
    """The approved protocol version for ``category`` in force on ``on`` (the latest valid_from
    on or before it), with its participants prefetched; None when there is none."""
    category_id: Any = getattr(category, "pk", category)
    return (
        ProtocolVersion.objects.in_force(on)
        .filter(protocol__category_id=category_id)
        .select_related("protocol__category")
        .prefetch_related(_participants_prefetch())
        .first()
    )


def _participants_prefetch() -> Prefetch:
    return Prefetch(
        "participants",
        queryset=ProtocolParticipant.objects.select_related("organization").prefetch_related(
            "service_types"
        ),
    )


# --- agreements ---------------------------------------------------------------------------------
def agreements_visible_to(user: User) -> QuerySet[Agreement]:
    """Dinas Sosial / Suku Dinas staff and system admins see every agreement; a partner's staff
    see the agreements their organisation is a party to."""
    qs = Agreement.objects.select_related("government_side")
    if permissions.can_view_all_agreements(user):
        return qs
    if not permissions.can_view_agreements(user):
        return qs.none()
    return qs.filter(parties__in=permissions.member_organization_ids(user)).distinct()


def agreement_list(*, user: User, status: str = "", query: str = "") -> QuerySet[Agreement]:
    qs = agreements_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if query:
        from django.db.models import Q

        qs = qs.filter(
            Q(number__icontains=query)
            | Q(title__icontains=query)
            | Q(parties__name__icontains=query)
        ).distinct()
    return qs.prefetch_related("parties").expiring_first()  # type: ignore[attr-defined]


def agreement_get(*, user: User, pk: Any) -> Agreement:
    try:
        return (
            agreements_visible_to(user)
            .prefetch_related("parties", "categories", "service_types", "amendments__created_by")
            .get(pk=pk)
        )
    except (Agreement.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def document_get(*, user: User, pk: Any) -> AgreementDocument:
    """A signed document of an agreement the user sees (else 404)."""
    try:
        return AgreementDocument.objects.select_related("agreement").get(
            pk=pk, agreement__in=agreements_visible_to(user)
        )
    except (AgreementDocument.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def agreements_of_organization(*, user: User, organization: Organization) -> list[Agreement]:
    return list(agreements_visible_to(user).filter(parties=organization).order_by("-end_date"))


# --- protocols ----------------------------------------------------------------------------------
def protocol_list(*, user: User) -> QuerySet[CollaborationProtocol]:
    if not permissions.can_view_protocols(user):
        return CollaborationProtocol.objects.none()
    return CollaborationProtocol.objects.select_related("category").prefetch_related("versions")


def protocol_get(*, user: User, pk: Any) -> CollaborationProtocol:
    try:
        return protocol_list(user=user).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def version_get(*, user: User, pk: Any) -> ProtocolVersion:
    if not permissions.can_view_protocols(user):
        raise Http404
    try:
        return (
            ProtocolVersion.objects.select_related(
                "protocol__category", "approved_by", "created_by"
            )
            .prefetch_related(_participants_prefetch())
            .get(pk=pk)
        )
    except (ObjectDoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def versions_visible_to(user: User) -> QuerySet[ProtocolVersion]:
    if not permissions.can_view_protocols(user):
        return ProtocolVersion.objects.none()
    qs = ProtocolVersion.objects.select_related("protocol__category").prefetch_related(
        _participants_prefetch()
    )
    if not permissions.can_manage_protocols(user):
        qs = qs.exclude(status="draft")
    return qs
