"""Read-only REST API of agreements and collaboration protocols (/api/v1/agreements/…,
/api/v1/protocols/…): the same scoping as the pages. Partners see the agreements their
organisation is a party to; drafts of protocol versions only those who manage protocols."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from simpul.accounts import permissions
from simpul.agreements import selectors
from simpul.agreements.models import (
    Agreement,
    AgreementAmendment,
    AgreementKind,
    AgreementStatus,
    ProtocolParticipant,
    ProtocolVersion,
    VersionStatus,
)
from simpul.core.rest.serializers import StrictQuerySerializer


def _code_field(choices: Any) -> serializers.CharField:
    """A read-only code, its values in the description: agreements and protocol versions both
    have a "status" and a "kind", and named enums would collide with other apps' in the schema."""
    return serializers.CharField(
        read_only=True, help_text="One of: " + ", ".join(str(v) for v in choices.values)
    )


ERRORS = {
    403: OpenApiResponse(description="Signed in, but not allowed to do this."),
    404: OpenApiResponse(description="Not found, or not visible to you."),
}


class ClauseSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    present = serializers.BooleanField()
    detail = serializers.CharField()


class AmendmentSerializer(serializers.ModelSerializer):
    changes = serializers.JSONField()

    class Meta:
        model = AgreementAmendment
        fields = ["sequence", "reference", "reason", "changes", "created_at"]


class AgreementListSerializer(serializers.ModelSerializer):
    government_side = serializers.PrimaryKeyRelatedField(read_only=True)
    parties = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    in_force = serializers.SerializerMethodField()
    status = _code_field(AgreementStatus)
    kind = _code_field(AgreementKind)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "number",
            "title",
            "kind",
            "status",
            "government_side",
            "parties",
            "start_date",
            "end_date",
            "terminated_on",
            "in_force",
            "edit_version",
        ]

    def get_in_force(self, obj: Agreement) -> bool:
        return obj.in_force_on(timezone.localdate())


class AgreementDetailSerializer(AgreementListSerializer):
    categories = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    service_types = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    checklist = serializers.SerializerMethodField()
    amendments = AmendmentSerializer(many=True, read_only=True)

    class Meta(AgreementListSerializer.Meta):
        fields = [
            *AgreementListSerializer.Meta.fields,
            "categories",
            "service_types",
            "termination_reason",
            "response_deadline_days",
            "reporting_frequency",
            "review_date",
            "checklist",
            "amendments",
        ]

    @extend_schema_field(ClauseSerializer(many=True))
    def get_checklist(self, obj: Agreement) -> list[dict[str, Any]]:
        return [{**c, "label": str(c["label"]), "detail": str(c["detail"])} for c in obj.checklist]


class AgreementFilterSerializer(StrictQuerySerializer):
    status = serializers.RegexField(
        r"^(draft|active|expired|terminated)$",
        required=False,
        help_text="draft, active, expired or terminated",
    )


class ParticipantSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    organization = serializers.PrimaryKeyRelatedField(read_only=True)
    service_types = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = ProtocolParticipant
        fields = [
            "name",
            "org_type",
            "office",
            "organization",
            "role",
            "service_types",
            "services_note",
        ]


class StepDaysSerializer(serializers.Serializer):
    acknowledge = serializers.IntegerField()
    decide = serializers.IntegerField()
    start = serializers.IntegerField()
    finish = serializers.IntegerField()


class DeadlinesSerializer(serializers.Serializer):
    immediate = StepDaysSerializer()
    high = StepDaysSerializer()
    normal = StepDaysSerializer()


class EscalationStepSerializer(serializers.Serializer):
    after_working_days = serializers.IntegerField()
    notify = serializers.CharField()
    label = serializers.CharField()


class ProtocolVersionSerializer(serializers.ModelSerializer):
    protocol = serializers.PrimaryKeyRelatedField(read_only=True)
    category = serializers.CharField(source="protocol.category.code", read_only=True)
    title = serializers.CharField(source="protocol.title", read_only=True)
    participants = ParticipantSerializer(many=True, read_only=True)
    deadlines = serializers.SerializerMethodField()
    escalation_chain = serializers.SerializerMethodField()
    documents = serializers.ListField(child=serializers.CharField(), read_only=True)
    status = _code_field(VersionStatus)

    class Meta:
        model = ProtocolVersion
        fields = [
            "id",
            "protocol",
            "category",
            "title",
            "number",
            "status",
            "valid_from",
            "approved_at",
            "purpose",
            "participants",
            "deadlines",
            "escalation_chain",
            "documents",
            "closing_outcome",
        ]

    @extend_schema_field(DeadlinesSerializer)
    def get_deadlines(self, obj: ProtocolVersion) -> dict[str, dict[str, int]]:
        return {u: obj.deadlines(u) for u in ("immediate", "high", "normal")}

    @extend_schema_field(EscalationStepSerializer(many=True))
    def get_escalation_chain(self, obj: ProtocolVersion) -> list[dict[str, Any]]:
        return [{**s, "label": str(s["label"])} for s in obj.escalation_chain]


class ProtocolFilterSerializer(StrictQuerySerializer):
    category = serializers.RegexField(r"^[A-Za-z0-9_-]{1,30}$", required=False)
    in_force_on = serializers.DateField(required=False)


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class AgreementListView(GenericAPIView):
    """Agreements visible to you, active ones ending soonest first."""

    queryset = Agreement.objects.none()
    serializer_class = AgreementListSerializer

    @extend_schema(
        parameters=[AgreementFilterSerializer],
        responses={200: AgreementListSerializer(many=True), 403: ERRORS[403]},
        summary="List agreements",
        operation_id="agreements_list",
    )
    def get(self, request: Request) -> Response:
        if not permissions.can_view_agreements(request.user):
            raise PermissionDenied
        filters = _valid(AgreementFilterSerializer, request.query_params)
        qs = selectors.agreement_list(user=request.user, status=filters.get("status", ""))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(AgreementListSerializer(page, many=True).data)


class AgreementDetailView(GenericAPIView):
    queryset = Agreement.objects.none()
    serializer_class = AgreementDetailSerializer

    @extend_schema(
        responses={200: AgreementDetailSerializer, **ERRORS},
        summary="Retrieve an agreement",
        operation_id="agreements_retrieve",
    )
    def get(self, request: Request, pk: Any) -> Response:
        if not permissions.can_view_agreements(request.user):
            raise PermissionDenied
        agreement = selectors.agreement_get(user=request.user, pk=pk)
        return Response(AgreementDetailSerializer(agreement).data)


class ProtocolVersionListView(GenericAPIView):
    """Protocol versions (drafts only for those who manage protocols). ``in_force_on``: only the
    version in force on that day for each category."""

    queryset = ProtocolVersion.objects.none()
    serializer_class = ProtocolVersionSerializer

    @extend_schema(
        parameters=[ProtocolFilterSerializer],
        responses={200: ProtocolVersionSerializer(many=True), 403: ERRORS[403]},
        summary="List protocol versions",
        operation_id="protocol_versions_list",
    )
    def get(self, request: Request) -> Response:
        if not permissions.can_view_protocols(request.user):
            raise PermissionDenied
        filters = _valid(ProtocolFilterSerializer, request.query_params)
        qs = selectors.versions_visible_to(request.user).order_by(
            "protocol__category__sort_order", "protocol__category__code", "-number"
        )
        if filters.get("category"):
            qs = qs.filter(protocol__category__code=filters["category"])
        on: dt.date | None = filters.get("in_force_on")
        if on is not None:
            ids = [
                v.pk
                for v in (
                    selectors.protocol_in_force(category=p, on=on)
                    for p in qs.values_list("protocol__category_id", flat=True).distinct()
                )
                if v is not None
            ]
            qs = qs.filter(pk__in=ids)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ProtocolVersionSerializer(page, many=True).data)


class ProtocolVersionDetailView(GenericAPIView):
    queryset = ProtocolVersion.objects.none()
    serializer_class = ProtocolVersionSerializer

    @extend_schema(
        responses={200: ProtocolVersionSerializer, **ERRORS},
        summary="Retrieve a protocol version",
        operation_id="protocol_versions_retrieve",
    )
    def get(self, request: Request, pk: Any) -> Response:
        if not permissions.can_view_protocols(request.user):
            raise PermissionDenied
        try:
            version = selectors.versions_visible_to(request.user).get(pk=pk)
        except ProtocolVersion.DoesNotExist as exc:
            raise Http404 from exc
        return Response(ProtocolVersionSerializer(version).data)


urlpatterns = [
    path("agreements/", AgreementListView.as_view(), name="agreement-list"),
    path("agreements/<uuid:pk>/", AgreementDetailView.as_view(), name="agreement-detail"),
    path("protocols/", ProtocolVersionListView.as_view(), name="protocol-version-list"),
    path(
        "protocols/<uuid:pk>/",
        ProtocolVersionDetailView.as_view(),
        name="protocol-version-detail",
    ),
]
