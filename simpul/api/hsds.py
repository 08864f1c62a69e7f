"""Open Referral HSDS 3.0 API over the directory, at /api/v1/hsds/.

Same authentication and visibility as the rest of the API (deny by default). Documents are
built by :mod:`simpul.directory.hsds.serializers` and validate against the vendored compiled
HSDS 3.0 schemas.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from simpul.api.permissions import CanListDirectory, KnownQueryParameters
from simpul.core.rest.serializers import StrictQuerySerializer
from simpul.directory.hsds import selectors as hsds
from simpul.directory.hsds import serializers as documents
from simpul.directory.models import TaxonomyTerm

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200

DOCUMENT = OpenApiResponse(OpenApiTypes.OBJECT, description="An HSDS 3.0 document.")
PAGE = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="An HSDS Page: total_items, total_pages, page_number, size, first_page, "
    "last_page, empty and contents.",
)
NOT_FOUND = OpenApiResponse(description="Not found, or not visible to you.")


class HsdsListParams(StrictQuerySerializer):
    page = serializers.IntegerField(required=False, min_value=1, default=1)
    per_page = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PER_PAGE, default=DEFAULT_PER_PAGE
    )
    search = serializers.CharField(required=False, allow_blank=True, max_length=200)
    organization_id = serializers.UUIDField(required=False)
    taxonomy_term_id = serializers.UUIDField(
        required=False, help_text=_("Id of a service-type or PMKS child category term.")
    )
    modified_after = serializers.DateTimeField(required=False)


def _hsds_schema(
    operation_id: str, summary: str, *, is_list: bool = False, detail: bool = False
) -> Any:
    responses: dict[int, OpenApiResponse] = {200: PAGE if is_list else DOCUMENT}
    if detail:
        responses[404] = NOT_FOUND
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        tags=["hsds"],
        responses=responses,
        parameters=[HsdsListParams] if is_list else None,
    )


def _list(request: Request, select: Any, mapper: Any) -> Response:
    params = HsdsListParams(data=request.query_params)
    params.is_valid(raise_exception=True)
    data = dict(params.validated_data)
    page_number, per_page = data.pop("page"), data.pop("per_page")
    items = select(user=request.user, params=data)
    doc = documents.page(items, page_number=page_number, per_page=per_page, mapper=mapper)
    return Response(doc)


class HsdsRootView(APIView):
    @_hsds_schema("getAPIMetaInformation", "HSDS: about this API")
    def get(self, request: Request) -> Response:
        return Response(
            {
                "version": documents.HSDS_VERSION,
                "profile": settings.SITE_URL + reverse("api:hsds-profile"),
                "openapi_url": settings.SITE_URL + reverse("api:schema"),
                "description": str(
                    _(
                        "The Simpul stakeholder directory of Dinas Sosial DKI Jakarta "
                        "and its partners, as HSDS 3.0."
                    )
                ),
                "publisher": {
                    "name": "Dinas Sosial Provinsi DKI Jakarta",
                    "website": settings.SITE_URL,
                },
            }
        )


class HsdsProfileView(APIView):
    @_hsds_schema("getHsdsProfile", "HSDS: Simpul profile")
    def get(self, request: Request) -> Response:
        return Response(
            {
                "name": "simpul",
                "hsds_version": documents.HSDS_VERSION,
                "description": str(
                    _(
                        "HSDS 3.0 with one extension: a service's `capacities` "
                        "(places total, occupied and available), shaped like HSDS 3.1 "
                        "service_capacity. Addresses are in Indonesia (country ID, "
                        "state_province DKI Jakarta, city = kota, region = kecamatan)."
                    )
                ),
                "taxonomies": [
                    {"id": value, "name": str(label)}
                    for value, label in TaxonomyTerm.Taxonomy.choices
                ],
                "extensions": {"service": ["capacities"]},
            }
        )


class HsdsOrganizationListView(APIView):
    permission_classes = [IsAuthenticated, KnownQueryParameters, CanListDirectory]

    @_hsds_schema("getPaginatedListOfOrganizations", "HSDS: organizations", is_list=True)
    def get(self, request: Request) -> Response:
        return _list(request, hsds.hsds_organization_list, documents.organization_shallow)


class HsdsOrganizationView(APIView):
    @_hsds_schema("getFullyNestedOrganizationById", "HSDS: one organization", detail=True)
    def get(self, request: Request, id: Any) -> Response:
        organization = hsds.hsds_organization_get(user=request.user, pk=id)
        return Response(documents.organization_full(organization))


class HsdsServiceListView(APIView):
    permission_classes = [IsAuthenticated, KnownQueryParameters, CanListDirectory]

    @_hsds_schema("getPaginatedListOfServices", "HSDS: services", is_list=True)
    def get(self, request: Request) -> Response:
        return _list(request, hsds.hsds_service_list, documents.service_shallow)


class HsdsServiceView(APIView):
    @_hsds_schema("getFullyNestedServiceById", "HSDS: a fully nested service", detail=True)
    def get(self, request: Request, id: Any) -> Response:
        service = hsds.hsds_service_get(user=request.user, pk=id)
        return Response(documents.service_full(service))


class HsdsServiceAtLocationListView(APIView):
    permission_classes = [IsAuthenticated, KnownQueryParameters, CanListDirectory]

    @_hsds_schema(
        "getPaginatedListOfServiceAtLocation", "HSDS: services at locations", is_list=True
    )
    def get(self, request: Request) -> Response:
        return _list(
            request, hsds.hsds_service_at_location_list, documents.service_at_location_shallow
        )


class HsdsServiceAtLocationView(APIView):
    @_hsds_schema(
        "getFullyNestedServiceAtLocationById", "HSDS: a service at a location", detail=True
    )
    def get(self, request: Request, id: Any) -> Response:
        link = hsds.hsds_service_at_location_get(user=request.user, pk=id)
        return Response(documents.service_at_location_full(link))
