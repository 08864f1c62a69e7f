"""REST API v1. Thin: parse the input, call one selector or service, serialise.

Visibility and permissions come from the directory selectors' permission-checked getters:
404 when the user may not know an object exists, 403 when they may see it but not act on it.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from simpul.api import serializers as s
from simpul.api.permissions import CanListDirectory, KnownQueryParameters
from simpul.core.concurrency import ConcurrentUpdate
from simpul.core.rest.concurrency import (
    ETAG,
    IF_MATCH,
    PRECONDITION_RESPONSES,
    conflict_response,
    if_match,
    with_etag,
)
from simpul.directory import selectors as directory
from simpul.directory import services as directory_services
from simpul.directory.models import CapacityRecord, Organization, Service
from simpul.regions import selectors as regions
from simpul.regions.models import Region

ERRORS = {
    400: OpenApiResponse(description="Invalid input or a broken rule; `detail` says why."),
    403: OpenApiResponse(description="Signed in, but not allowed to do this."),
    404: OpenApiResponse(description="Not found, or not visible to you."),
}


def _query(serializer_class: type[Serializer], request: Request) -> Serializer:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer


def _input(
    serializer_class: type[Serializer], request: Request, *, partial: bool = False
) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- organisations ----------------------------------------------------------------------------
class OrganizationViewSet(viewsets.GenericViewSet):
    """Organisations of the directory (partners, panti, LKSA, Suku Dinas, …)."""

    permission_classes = [IsAuthenticated, KnownQueryParameters, CanListDirectory]

    queryset = Organization.objects.none()  # for the schema; reads go through the selectors
    serializer_class = s.OrganizationSerializer

    @extend_schema(parameters=[s.OrganizationFilterSerializer], summary="List organisations")
    def list(self, request: Request) -> Response:
        filters = _query(s.OrganizationFilterSerializer, request).to_filters()  # type: ignore[attr-defined]
        qs = directory.organization_list(user=request.user, filters=filters)
        page = self.paginate_queryset(qs.prefetch_related("phones").select_related("kelurahan"))
        return self.get_paginated_response(s.OrganizationSerializer(page, many=True).data)

    @extend_schema(
        responses={200: s.OrganizationDetailSerializer, 404: ERRORS[404]},
        parameters=[ETAG],
        summary="Retrieve an organisation",
    )
    def retrieve(self, request: Request, pk: Any) -> Response:
        organization = directory.organization_get(user=request.user, pk=pk)
        return with_etag(Response(s.OrganizationDetailSerializer(organization).data), organization)

    @extend_schema(
        request=s.OrganizationUpdateSerializer,
        responses={200: s.OrganizationDetailSerializer, **ERRORS, **PRECONDITION_RESPONSES},
        parameters=[IF_MATCH, ETAG],
        summary="Update an organisation",
        description="Organisation admins may update their own organisation; Dinas Sosial "
        "admins any. Only Dinas Sosial admins may change `org_type` or `is_active`. "
        "`phones` replaces every phone number.",
    )
    def partial_update(self, request: Request, pk: Any) -> Response:
        organization = directory.organization_get_for_edit(user=request.user, pk=pk)
        expected = if_match(request)
        data = _input(s.OrganizationUpdateSerializer, request, partial=True)
        try:
            organization = directory_services.organization_update(
                actor=request.user, organization=organization, data=data, expected_version=expected
            )
        except ConcurrentUpdate as exc:
            organization = directory.organization_get(user=request.user, pk=pk)
            current = s.OrganizationDetailSerializer(organization).data
            return conflict_response(exc, organization, current)
        return with_etag(Response(s.OrganizationDetailSerializer(organization).data), organization)


# --- services ---------------------------------------------------------------------------------
class ServiceViewSet(viewsets.GenericViewSet):
    """Services that organisations give, with their capacity (places)."""

    permission_classes = [IsAuthenticated, KnownQueryParameters, CanListDirectory]

    queryset = Service.objects.none()
    serializer_class = s.ServiceSerializer

    @extend_schema(parameters=[s.ServiceFilterSerializer], summary="List services")
    def list(self, request: Request) -> Response:
        filters = _query(s.ServiceFilterSerializer, request).to_filters()  # type: ignore[attr-defined]
        page = self.paginate_queryset(directory.service_list(user=request.user, filters=filters))
        return self.get_paginated_response(s.ServiceSerializer(page, many=True).data)

    @extend_schema(
        responses={200: s.ServiceDetailSerializer, 404: ERRORS[404]},
        parameters=[ETAG],
        summary="Retrieve a service",
    )
    def retrieve(self, request: Request, pk: Any) -> Response:
        service = directory.service_get(user=request.user, pk=pk)
        return with_etag(Response(s.ServiceDetailSerializer(service).data), service)

    @extend_schema(
        request=s.ServiceUpdateSerializer,
        responses={200: s.ServiceDetailSerializer, **ERRORS, **PRECONDITION_RESPONSES},
        parameters=[IF_MATCH, ETAG],
        summary="Update a service",
        description="`service_type` and `categories_served` take taxonomy codes. Capacity is "
        "changed with the capacity endpoint.",
    )
    def partial_update(self, request: Request, pk: Any) -> Response:
        service = directory.service_get_for_edit(user=request.user, pk=pk)
        expected = if_match(request)
        data = _input(s.ServiceUpdateSerializer, request, partial=True)
        try:
            service = directory_services.service_update(
                actor=request.user, service=service, data=data, expected_version=expected
            )
        except ConcurrentUpdate as exc:
            service = directory.service_get(user=request.user, pk=pk)
            return conflict_response(exc, service, s.ServiceDetailSerializer(service).data)
        return with_etag(Response(s.ServiceDetailSerializer(service).data), service)


class ServiceCapacityView(GenericAPIView):
    """A service's capacity history (GET) and a new capacity record (POST)."""

    queryset = CapacityRecord.objects.none()
    serializer_class = s.CapacityRecordSerializer

    @extend_schema(
        responses={200: s.CapacityRecordSerializer(many=True), 404: ERRORS[404]},
        summary="Capacity history of a service",
    )
    def get(self, request: Request, pk: Any) -> Response:
        service = directory.service_get(user=request.user, pk=pk)
        history = directory.service_capacity_history(user=request.user, service=service)
        page = self.paginate_queryset(history)
        return self.get_paginated_response(s.CapacityRecordSerializer(page, many=True).data)

    @extend_schema(
        request=s.CapacityInputSerializer,
        responses={201: s.CapacityRecordSerializer, **ERRORS},
        summary="Record the current capacity of a service",
        description="Staff and admins of the organisation record the places (total, "
        "occupied). Occupied places cannot be more than the total.",
    )
    def post(self, request: Request, pk: Any) -> Response:
        service = directory.service_get_for_capacity(user=request.user, pk=pk)
        data = _input(s.CapacityInputSerializer, request)
        record = directory_services.service_capacity_update(
            actor=request.user, service=service, **data
        )
        return Response(s.CapacityRecordSerializer(record).data, status=status.HTTP_201_CREATED)


# --- regions ----------------------------------------------------------------------------------
class RegionViewSet(viewsets.GenericViewSet):
    """Kemendagri regions of DKI Jakarta, looked up by code (e.g. 31.71)."""

    queryset = Region.objects.none()
    serializer_class = s.RegionSerializer
    lookup_field = "code"

    @extend_schema(parameters=[s.RegionFilterSerializer], summary="List regions")
    def list(self, request: Request) -> Response:
        params = _query(s.RegionFilterSerializer, request).validated_data
        qs = regions.region_list(level=params.get("level"), parent_code=params.get("parent", ""))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.RegionSerializer(page, many=True).data)

    @extend_schema(
        responses={200: s.RegionSerializer, 404: ERRORS[404]}, summary="Retrieve a region by code"
    )
    def retrieve(self, request: Request, code: str) -> Response:
        return Response(s.RegionSerializer(regions.region_get(code=code)).data)

    @extend_schema(
        responses={200: s.RegionSerializer(many=True), 404: ERRORS[404]},
        summary="Children of a region",
    )
    def children(self, request: Request, code: str) -> Response:
        region = regions.region_get(code=code)
        page = self.paginate_queryset(regions.region_list(parent_code=region.code))
        return self.get_paginated_response(s.RegionSerializer(page, many=True).data)


# --- me ---------------------------------------------------------------------------------------
class MeView(GenericAPIView):
    serializer_class = s.MeSerializer

    @extend_schema(summary="The signed-in user and their memberships")
    def get(self, request: Request) -> Response:
        return Response(s.MeSerializer(request.user).data)
