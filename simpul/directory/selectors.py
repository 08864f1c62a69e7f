"""Reads of the stakeholder directory. Every function takes the acting ``user`` and scopes the
result: a user who may not view the directory gets nothing (deny by default)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from simpul.accounts import permissions
from simpul.directory.models import (
    CapacityRecord,
    Location,
    Organization,
    Service,
    ServiceStatus,
    TaxonomyTerm,
)
from simpul.directory.partner_status import PartnerStatus, partner_statuses

if TYPE_CHECKING:
    from simpul.accounts.models import Membership, User


def _code(value: Any) -> str:
    """Filters may hold a model instance (region, taxonomy term) or its code."""
    if value is None:
        return ""
    return str(getattr(value, "code", value)).strip()


def _free_capacity_expr() -> Any:
    active_with_capacity = Q(
        services__status=ServiceStatus.ACTIVE, services__capacity_total__isnull=False
    )
    return Coalesce(
        Sum(
            F("services__capacity_total") - F("services__capacity_occupied"),
            filter=active_with_capacity,
            output_field=IntegerField(),
        ),
        Value(0),
    )


def organization_annotate_free_capacity(qs: QuerySet[Organization]) -> QuerySet[Organization]:
    """``free_capacity``: free places over the organisation's active capacity-bound services."""
    return qs.annotate(free_capacity=_free_capacity_expr())


# Kept under the name the brief used, too.
annotate_free_capacity = organization_annotate_free_capacity


def organization_free_capacity(org: Organization) -> int | None:
    """Free places of ``org`` (None when none of its active services is capacity-bound). Uses
    the active services prefetched by ``organization_list`` when they are there (no query)."""
    prefetched = getattr(org, "active_services", None)
    if prefetched is not None:
        services = [s for s in prefetched if s.capacity_total is not None]
    else:
        services = list(
            org.services.filter(status=ServiceStatus.ACTIVE, capacity_total__isnull=False)
        )
    if not services:
        return None
    return sum(s.capacity_free or 0 for s in services)


def _has_free_capacity_subquery() -> Exists:
    return Exists(
        Service.objects.filter(
            organization=OuterRef("pk"),
            status=ServiceStatus.ACTIVE,
            capacity_total__isnull=False,
            capacity_total__gt=F("capacity_occupied"),
        )
    )


def _visible_organizations(user: User) -> QuerySet[Organization]:
    if not permissions.can_view_directory(user):
        return Organization.objects.none()
    qs = Organization.objects.all()
    if not permissions.is_dinsos_admin(user):
        qs = qs.filter(Q(is_active=True) | Q(pk__in=permissions.member_organization_ids(user)))
    return qs


def organization_list(
    *, user: User, filters: dict[str, Any] | None = None
) -> QuerySet[Organization]:
    """Organisations the user may see, filtered.

    ``filters`` keys (all optional; values may be codes or model instances):
    ``q`` (name, description, service names), ``org_type``, ``category`` (PMKS child code),
    ``service_type`` (code), ``kota``, ``kecamatan`` (region codes), ``accreditation``
    (grade A/B/C), ``accreditation_current`` (bool), ``has_free_capacity`` (bool),
    ``include_inactive`` (bool; only honoured for Dinas Sosial admins).
    """
    filters = filters or {}
    qs = _visible_organizations(user)
    if not filters.get("include_inactive") or not permissions.is_dinsos_admin(user):
        qs = qs.filter(is_active=True)
    if q := (filters.get("q") or "").strip():
        matching_services = Service.objects.filter(organization=OuterRef("pk"), name__icontains=q)
        qs = qs.filter(
            Q(name__icontains=q) | Q(description__icontains=q) | Exists(matching_services)
        )
    if org_type := _code(filters.get("org_type")):
        qs = qs.filter(org_type=org_type)
    if category := _code(filters.get("category")):
        qs = qs.filter(
            Exists(
                Service.objects.filter(
                    organization=OuterRef("pk"),
                    status=ServiceStatus.ACTIVE,
                    categories_served__taxonomy=TaxonomyTerm.Taxonomy.PMKS_CHILD,
                    categories_served__code=category,
                )
            )
        )
    if service_type := _code(filters.get("service_type")):
        # A parent type (e.g. "atensi") also matches its sub-types.
        qs = qs.filter(
            Exists(
                Service.objects.filter(
                    Q(service_type__code=service_type) | Q(service_type__parent__code=service_type),
                    organization=OuterRef("pk"),
                    status=ServiceStatus.ACTIVE,
                )
            )
        )
    kota = _code(filters.get("kota"))
    kecamatan = _code(filters.get("kecamatan"))
    if kota:
        qs = qs.filter(kota_code=kota)
    if kecamatan and (not kota or kecamatan.startswith(kota + ".")):
        qs = qs.filter(kecamatan_code=kecamatan)
    if grade := _code(filters.get("accreditation")):
        qs = qs.filter(accreditation_grade=grade)
    if filters.get("accreditation_current"):
        qs = qs.exclude(accreditation_grade="").filter(
            accreditation_valid_until__gte=timezone.localdate()
        )
    if filters.get("has_free_capacity"):
        qs = qs.filter(_has_free_capacity_subquery())
    return (
        organization_annotate_free_capacity(qs)
        .select_related("kelurahan__parent__parent")
        .prefetch_related(
            Prefetch(
                "services",
                queryset=Service.objects.filter(status=ServiceStatus.ACTIVE)
                .select_related("service_type")
                .prefetch_related("categories_served"),
                to_attr="active_services",
            )
        )
        .order_by("name", "pk")
    )


def _parse_uuid(pk: Any) -> uuid.UUID:
    try:
        return pk if isinstance(pk, uuid.UUID) else uuid.UUID(str(pk))
    except (TypeError, ValueError, AttributeError) as exc:
        raise Http404 from exc


def organization_get(*, user: User, pk: Any) -> Organization:
    """One organisation the user may see; Http404 otherwise (no hint that it exists)."""
    org = (
        _visible_organizations(user)
        .select_related("kelurahan__parent__parent", "parent")
        .filter(pk=_parse_uuid(pk))
        .first()
    )
    if org is None:
        raise Http404
    return org


def organization_get_for_edit(*, user: User, pk: Any) -> Organization:
    """404 if the user may not see it, 403 if they may see it but not edit it."""
    org = organization_get(user=user, pk=pk)
    if not permissions.can_edit_organization(user, org):
        raise PermissionDenied
    return org


def organization_get_for_capacity(*, user: User, pk: Any) -> Organization:
    org = organization_get(user=user, pk=pk)
    if not permissions.can_update_capacity(user, org):
        raise PermissionDenied
    return org


def organization_services(*, user: User, organization: Organization) -> QuerySet[Service]:
    """Services of one (already permission-checked) organisation, for its profile."""
    if not permissions.can_view_directory(user):
        return Service.objects.none()
    return (
        organization.services.all()
        .select_related("service_type")
        .prefetch_related("categories_served", "locations")
        .order_by("name")
    )


def organization_locations(*, user: User, organization: Organization) -> QuerySet[Location]:
    if not permissions.can_view_directory(user):
        return Location.objects.none()
    return organization.locations.select_related("kelurahan__parent__parent").order_by("name")


def organization_staff(*, user: User, organization: Organization) -> QuerySet[Membership]:
    """Active memberships (the private part of a profile); empty for outsiders."""
    from simpul.accounts.models import Membership

    if not permissions.can_view_organization_private(user, organization):
        return Membership.objects.none()
    return (
        Membership.objects.filter(organization=organization, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "role")
    )


def organization_pending_invitation_count(*, user: User, organization: Organization) -> int:
    from simpul.accounts.models import Invitation

    if not permissions.can_view_organization_private(user, organization):
        return 0
    return Invitation.objects.filter(
        organization=organization,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).count()


def organization_profile(*, user: User, pk: Any) -> dict[str, Any]:
    """Everything the profile page shows; the private part only for those allowed."""
    org = organization_get(user=user, pk=pk)
    private = permissions.can_view_organization_private(user, org)
    return {
        "org": org,
        "services": organization_services(user=user, organization=org),
        "locations": organization_locations(user=user, organization=org),
        "phones": org.phones.all(),
        "free_capacity": organization_free_capacity(org),
        "private": private,
        "staff": organization_staff(user=user, organization=org) if private else [],
        "pending_invitations": (
            organization_pending_invitation_count(user=user, organization=org) if private else 0
        ),
        "can_edit": permissions.can_edit_organization(user, org),
        "can_update_capacity": permissions.can_update_capacity(user, org),
        # Other apps' statuses (the agreement in force, …): [(label, PartnerStatus | None)].
        "partner_statuses": partner_statuses(user=user, organizations=[org]).get(org.pk, []),
    }


def _visible_services(user: User) -> QuerySet[Service]:
    orgs = _visible_organizations(user)
    return Service.objects.filter(organization__in=orgs)


def service_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Service]:
    """Services the user may see.

    ``filters``: ``q``, ``organization`` (pk or instance), ``service_type``, ``category``,
    ``kota``, ``kecamatan``, ``status`` (default: any), ``has_free_capacity``.
    """
    filters = filters or {}
    qs = _visible_services(user)
    if not filters.get("organization"):
        qs = qs.filter(organization__is_active=True)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q))
    if org := filters.get("organization"):
        qs = qs.filter(organization_id=getattr(org, "pk", org))
    if service_type := _code(filters.get("service_type")):
        qs = qs.filter(
            Q(service_type__code=service_type) | Q(service_type__parent__code=service_type)
        )
    if category := _code(filters.get("category")):
        qs = qs.filter(categories_served__code=category, categories_served__taxonomy="pmks-child")
    if kota := _code(filters.get("kota")):
        qs = qs.filter(organization__kota_code=kota)
    if kecamatan := _code(filters.get("kecamatan")):
        qs = qs.filter(organization__kecamatan_code=kecamatan)
    if status := _code(filters.get("status")):
        qs = qs.filter(status=status)
    if filters.get("has_free_capacity"):
        qs = qs.filter(
            status=ServiceStatus.ACTIVE,
            capacity_total__isnull=False,
            capacity_total__gt=F("capacity_occupied"),
        )
    return (
        qs.select_related("organization", "service_type")
        .prefetch_related("categories_served")
        .distinct()
        .order_by("organization__name", "name", "pk")
    )


def service_get(*, user: User, pk: Any) -> Service:
    service = (
        _visible_services(user)
        .select_related("organization", "service_type")
        .filter(pk=_parse_uuid(pk))
        .first()
    )
    if service is None:
        raise Http404
    return service


def service_get_for_edit(*, user: User, pk: Any) -> Service:
    service = service_get(user=user, pk=pk)
    if not permissions.can_edit_organization(user, service.organization):
        raise PermissionDenied
    return service


def service_get_for_capacity(*, user: User, pk: Any) -> Service:
    service = service_get(user=user, pk=pk)
    if not permissions.can_update_capacity(user, service.organization):
        raise PermissionDenied
    return service


def location_get_for_edit(*, user: User, pk: Any) -> Location:
    location = (
        Location.objects.filter(organization__in=_visible_organizations(user))
        .select_related("organization", "kelurahan__parent__parent")
        .filter(pk=_parse_uuid(pk))
        .first()
    )
    if location is None:
        raise Http404
    if not permissions.can_edit_organization(user, location.organization):
        raise PermissionDenied
    return location


def service_capacity_history(*, user: User, service: Service) -> QuerySet[CapacityRecord]:
    if not permissions.can_view_directory(user):
        return CapacityRecord.objects.none()
    return service.capacity_history.select_related("recorded_by").order_by("-recorded_at", "-id")


def taxonomy_terms(taxonomy: str) -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.filter(taxonomy=taxonomy).order_by("sort_order", "code")


def organization_counts_by_type(*, user: User) -> dict[str, int]:
    rows = (
        _visible_organizations(user)
        .filter(is_active=True)
        .values("org_type")
        .annotate(n=Count("pk"))
    )
    return {r["org_type"]: r["n"] for r in rows}


# --- the partner picker (plan actions, consent "shared with") ---------------------------------
PICKER_PAGE_SIZE = 8


def organization_picker_search(
    *,
    user: User,
    q: str = "",
    org_type: str = "",
    kecamatan: str = "",
    category: str = "",
    free_only: bool = False,
) -> QuerySet[Organization]:
    """Active organisations the user may choose as a partner, by name (or description or service
    name), type, kecamatan and child category served, in name order; ``free_only``: with free
    places. Services and categories are prefetched for ``organization_picker_rows``."""
    return organization_list(
        user=user,
        filters={
            "q": q,
            "org_type": org_type,
            "kecamatan": kecamatan,
            "category": category,
            "has_free_capacity": free_only,
        },
    )


@dataclass(frozen=True)
class PickerRow:
    """What the picker shows of one organisation."""

    organization: Organization
    type_label: str
    kecamatan: str
    categories: list[str]
    free_capacity: int | None  # None: no capacity-bound service
    statuses: list[tuple[str, PartnerStatus | None]]  # other apps' columns (agreement, …)


def organization_picker_rows(
    *, user: User, organizations: Sequence[Organization]
) -> list[PickerRow]:
    """Rows for one page of ``organization_picker_search`` (no query per row)."""
    organizations = list(organizations)
    statuses = partner_statuses(user=user, organizations=organizations)
    rows = []
    for org in organizations:
        categories: dict[str, str] = {}
        for service in getattr(org, "active_services", []):
            for term in service.categories_served.all():
                categories.setdefault(term.code, term.localized_name)
        kecamatan = org.kelurahan.parent if org.kelurahan is not None else None
        rows.append(
            PickerRow(
                organization=org,
                type_label=str(org.get_org_type_display()),
                kecamatan=kecamatan.name if kecamatan is not None else "",
                categories=list(categories.values()),
                free_capacity=organization_free_capacity(org),
                statuses=statuses.get(org.pk, []),
            )
        )
    return rows
