"""REST API of referrals (/api/v1/referrals/…): the same scoping as the screens.

A referral the caller may not see is a 404 (a partner never learns of a referral to another
partner). The receiving side reads only the shared fields of the child; the sender side the
referral itself. Status changes go through the one transition table (400 when illegal).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from simpul.accounts.permissions import member_organization_ids
from simpul.cases import selectors as case_selectors
from simpul.core.rest.serializers import StrictInputSerializer, StrictQuerySerializer
from simpul.directory.models import Organization, TaxonomyTerm
from simpul.referrals import selectors, services
from simpul.referrals.models import (
    BusinessOutcome,
    Referral,
    ReferralKind,
    ReferralStatus,
    SharedField,
    SkpdRequestType,
    Urgency,
)

# For the schema's enum names (settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] may name them).
ReferralUrgency = Urgency

ERRORS = {
    400: OpenApiResponse(description="Invalid input or a broken rule; `detail` says why."),
    403: OpenApiResponse(description="Signed in, but not allowed to do this."),
    404: OpenApiResponse(description="Not found, or not visible to you."),
}


class SharedValueSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField(allow_blank=True, allow_null=True)


class ReferralSerializer(serializers.ModelSerializer):
    from_organization_name = serializers.CharField(source="from_organization.name")
    to_organization_name = serializers.CharField(source="to_organization.name")
    service_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    is_overdue = serializers.SerializerMethodField()
    next_statuses = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "number",
            "case",
            "from_organization",
            "from_organization_name",
            "to_organization",
            "to_organization_name",
            "service_type",
            "urgency",
            "kind",
            "request_type",
            "request_details",
            "needs_summary",
            "status",
            "status_reason",
            "business_outcome",
            "outcome_note",
            "shared_fields",
            "sharing_basis",
            "claimed_by",
            "requested_at",
            "acknowledge_due",
            "decide_due",
            "start_due",
            "finish_due",
            "closed_at",
            "reassigned_from",
            "is_overdue",
            "next_statuses",
            "edit_version",
        ]
        read_only_fields = fields

    def get_is_overdue(self, obj: Referral) -> bool:
        return obj.is_overdue()

    def get_next_statuses(self, obj: Referral) -> list[str]:
        return [to for (before, to) in services.TRANSITIONS if before == obj.status]


class ReferralDetailSerializer(ReferralSerializer):
    shared = serializers.SerializerMethodField()

    class Meta(ReferralSerializer.Meta):
        fields = [*ReferralSerializer.Meta.fields, "shared"]
        read_only_fields = fields

    @extend_schema_field(SharedValueSerializer(many=True))
    def get_shared(self, obj: Referral) -> list[dict[str, Any]]:
        return [
            {"field": code, "label": label, "value": None if value is None else str(value)}
            for code, label, value in selectors.shared_values(obj)
        ]


class ReferralFilterSerializer(StrictQuerySerializer):
    box = serializers.ChoiceField(
        choices=[("all", "all"), ("incoming", "incoming"), ("outgoing", "outgoing")],
        required=False,
        default="all",
    )
    status = serializers.ChoiceField(choices=ReferralStatus.choices, required=False)


class ReferralCreateSerializer(StrictInputSerializer):
    case = serializers.UUIDField()
    to_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(is_active=True)
    )
    service_type = serializers.SlugRelatedField(
        slug_field="code",
        queryset=TaxonomyTerm.objects.filter(taxonomy="service-type"),
        required=False,
        allow_null=True,
        default=None,
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    kind = serializers.ChoiceField(choices=ReferralKind.choices, default=ReferralKind.SERVICE)
    request_type = serializers.ChoiceField(
        choices=SkpdRequestType.choices, required=False, allow_blank=True, default=""
    )
    request_details = serializers.DictField(required=False, default=dict)
    needs_summary = serializers.CharField(required=False, allow_blank=True, default="")
    shared_fields = serializers.ListField(
        child=serializers.ChoiceField(choices=SharedField.choices), required=False, default=list
    )


class ReferralStatusSerializer(StrictInputSerializer):
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    outcome = serializers.ChoiceField(
        choices=BusinessOutcome.choices, required=False, allow_blank=True, default=""
    )
    outcome_note = serializers.CharField(required=False, allow_blank=True, default="")
    edit_version = serializers.IntegerField(required=False, allow_null=True, default=None)


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ReferralListView(GenericAPIView):
    """Referrals visible to you: to your organisation, or from your side (case team, scope)."""

    queryset = Referral.objects.none()
    serializer_class = ReferralSerializer

    @extend_schema(
        parameters=[ReferralFilterSerializer],
        responses={200: ReferralSerializer(many=True)},
        summary="List referrals",
        operation_id="referrals_list",
    )
    def get(self, request: Request) -> Response:
        filters = _valid(ReferralFilterSerializer, request.query_params)
        if filters.get("box") == "incoming":
            qs = selectors.referrals_visible_to(request.user).filter(
                to_organization_id__in=member_organization_ids(request.user)
            )
        elif filters.get("box") == "outgoing":
            qs = selectors.outgoing(request.user)
        else:
            qs = selectors.referrals_visible_to(request.user)
        if filters.get("status"):
            qs = qs.filter(status=filters["status"])
        page = self.paginate_queryset(qs.order_by("-created_at", "pk"))
        return self.get_paginated_response(ReferralSerializer(page, many=True).data)

    @extend_schema(
        request=ReferralCreateSerializer,
        responses={201: ReferralDetailSerializer, **ERRORS},
        summary="Refer a case to an organisation",
    )
    def post(self, request: Request) -> Response:
        data = _valid(ReferralCreateSerializer, request.data)
        case, access = case_selectors.case_get(user=request.user, pk=data.pop("case"), write=True)
        if not access.can_edit:
            raise PermissionDenied
        with transaction.atomic():
            referral = services.referral_create(actor=request.user, case=case, **data)
        referral = selectors.referral_get(request.user, referral.pk)
        return Response(ReferralDetailSerializer(referral).data, status=status.HTTP_201_CREATED)


class ReferralDetailView(GenericAPIView):
    queryset = Referral.objects.none()
    serializer_class = ReferralDetailSerializer

    @extend_schema(
        responses={200: ReferralDetailSerializer, 404: ERRORS[404]},
        summary="Retrieve a referral",
        description="`shared` holds only the child's fields the sender chose to share.",
    )
    def get(self, request: Request, pk: Any) -> Response:
        return Response(ReferralDetailSerializer(selectors.referral_get(request.user, pk)).data)


class ReferralStatusView(GenericAPIView):
    queryset = Referral.objects.none()
    serializer_class = ReferralStatusSerializer

    @extend_schema(
        request=ReferralStatusSerializer,
        responses={200: ReferralDetailSerializer, **ERRORS},
        summary="Change a referral's status",
        description="FHIR Task statuses; an illegal change is refused with 400 and changes "
        "nothing. `reason` is required to reject, put on hold, fail or cancel; `outcome` "
        "(got_help or referred_elsewhere) to complete.",
    )
    def post(self, request: Request, pk: Any) -> Response:
        referral = selectors.referral_get(request.user, pk)
        data = _valid(ReferralStatusSerializer, request.data)
        services.referral_transition(
            referral=referral,
            actor=request.user,
            to_status=data["status"],
            reason=data["reason"],
            outcome=data["outcome"],
            outcome_note=data["outcome_note"],
            expected_version=data["edit_version"],
        )
        return Response(ReferralDetailSerializer(selectors.referral_get(request.user, pk)).data)


urlpatterns = [
    path("referrals/", ReferralListView.as_view(), name="referral-list"),
    path("referrals/<uuid:pk>/", ReferralDetailView.as_view(), name="referral-detail"),
    path("referrals/<uuid:pk>/status/", ReferralStatusView.as_view(), name="referral-status"),
]
