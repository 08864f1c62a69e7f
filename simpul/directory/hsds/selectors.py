"""Reads for the HSDS 3.0 API. Each builds on the directory selectors (same visibility rules,
deny by default) and prefetches what :mod:`simpul.directory.hsds.serializers` reads."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from simpul.directory import selectors
from simpul.directory.models import (
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

if TYPE_CHECKING:
    from simpul.accounts.models import User


class HsdsParams(TypedDict, total=False):
    """Query parameters of the HSDS list endpoints (already parsed)."""

    search: str
    organization_id: uuid.UUID | None
    taxonomy_term_id: uuid.UUID | None
    modified_after: dt.datetime | None


_LOCATIONS = Location.objects.select_related("kelurahan__parent__parent").order_by("name")


def _term_filters(term_id: uuid.UUID | None) -> dict[str, Any] | None:
    """Directory filters for an HSDS ``taxonomy_term_id``; None when the term does not exist."""
    if not term_id:
        return {}
    term = TaxonomyTerm.objects.filter(pk=term_id).first()
    if term is None:
        return None
    key = "service_type" if term.taxonomy == TaxonomyTerm.Taxonomy.SERVICE_TYPE else "category"
    return {key: term.code}


def _service_filters(params: HsdsParams) -> dict[str, Any] | None:
    filters = _term_filters(params.get("taxonomy_term_id"))
    if filters is None:
        return None
    filters["q"] = params.get("search") or ""
    if params.get("organization_id"):
        filters["organization"] = params["organization_id"]
    return filters


def hsds_organization_list(*, user: User, params: HsdsParams) -> QuerySet[Organization]:
    filters = _term_filters(params.get("taxonomy_term_id"))
    if filters is None:
        return Organization.objects.none()
    filters["q"] = params.get("search") or ""
    qs = selectors.organization_list(user=user, filters=filters)
    if organization_id := params.get("organization_id"):
        qs = qs.filter(pk=organization_id)
    if params.get("modified_after"):
        qs = qs.filter(updated_at__gte=params["modified_after"])
    return qs.select_related("kelurahan__parent__parent")


def hsds_organization_get(*, user: User, pk: Any) -> Organization:
    organization = selectors.organization_get(user=user, pk=pk)
    services = selectors.organization_services(user=user, organization=organization)
    return (
        Organization.objects.filter(pk=organization.pk)
        .select_related("kelurahan__parent__parent")
        .prefetch_related(
            "phones",
            Prefetch("locations", queryset=_LOCATIONS),
            Prefetch("services", queryset=services.select_related("organization")),
        )
        .get()
    )


def hsds_service_list(*, user: User, params: HsdsParams) -> QuerySet[Service]:
    filters = _service_filters(params)
    if filters is None:
        return Service.objects.none()
    qs = selectors.service_list(user=user, filters=filters)
    if params.get("modified_after"):
        qs = qs.filter(updated_at__gte=params["modified_after"])
    return qs.select_related("organization__kelurahan__parent__parent")


def _service_prefetches() -> tuple[Any, ...]:
    return (
        "schedules",
        "categories_served",
        "organization__phones",
        Prefetch(
            "at_locations",
            queryset=ServiceAtLocation.objects.select_related(
                "location__kelurahan__parent__parent"
            ).order_by("location__name"),
        ),
    )


def hsds_service_get(*, user: User, pk: Any) -> Service:
    service = selectors.service_get(user=user, pk=pk)
    return (
        Service.objects.filter(pk=service.pk)
        .select_related("organization__kelurahan__parent__parent", "service_type")
        .prefetch_related(*_service_prefetches())
        .get()
    )


def _service_at_locations(services: QuerySet[Service]) -> QuerySet[ServiceAtLocation]:
    return (
        ServiceAtLocation.objects.filter(service__in=services.values("pk"))
        .select_related(
            "service__organization__kelurahan__parent__parent",
            "service__service_type",
            "location__kelurahan__parent__parent",
        )
        .order_by("service__organization__name", "service__name", "location__name", "pk")
    )


def hsds_service_at_location_list(*, user: User, params: HsdsParams) -> QuerySet[ServiceAtLocation]:
    filters = _service_filters(params)
    if filters is None:
        return ServiceAtLocation.objects.none()
    qs = _service_at_locations(selectors.service_list(user=user, filters=filters))
    if params.get("modified_after"):
        qs = qs.filter(service__updated_at__gte=params["modified_after"])
    return qs


def hsds_service_at_location_get(*, user: User, pk: Any) -> ServiceAtLocation:
    try:
        key = pk if isinstance(pk, uuid.UUID) else uuid.UUID(str(pk))
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    links = ServiceAtLocation.objects.filter(pk=key)
    service_id = links.values_list("service_id", flat=True).first()
    if service_id is None:
        raise Http404
    service = selectors.service_get(user=user, pk=service_id)  # Http404 when not visible
    return (
        _service_at_locations(Service.objects.filter(pk=service.pk))
        .prefetch_related("service__schedules", "service__categories_served")
        .get(pk=key)
    )
