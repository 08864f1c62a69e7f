"""REST API of the children's registry (/api/v1/children/). Same scoping and masking as the
pages: list and retrieve start from ``children_visible_to``; restricted names are masked for
people not assigned; partners get the limited view; every retrieve writes the access log."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from simpul.access.cases import CASE_STATUS_CHOICES
from simpul.access.children import ChildAccess, display_name
from simpul.access.restricted import restricted_grant_active, restricted_open
from simpul.accounts import permissions
from simpul.children import selectors, services
from simpul.children.classification_data import category_filter_codes
from simpul.children.identity import MAX_ESTIMATED_AGE, mask_number, warning_text
from simpul.children.models import (
    AgeEstimateReason,
    BirthCertificateStatus,
    Category,
    Child,
    ChildAlias,
    DisabilityType,
    Guardian,
    Religion,
    SchoolStatus,
    Sex,
)
from simpul.core.concurrency import ConcurrentUpdate
from simpul.core.exceptions import ApplicationError
from simpul.core.models import AccessLog
from simpul.core.rest.concurrency import (
    ETAG,
    IF_MATCH,
    PRECONDITION_RESPONSES,
    conflict_response,
    if_match,
    with_etag,
)
from simpul.core.rest.serializers import StrictInputSerializer, StrictQuerySerializer


# --- output -----------------------------------------------------------------------------------
class CategoryRefSerializer(serializers.Serializer):
    scheme = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()
    subtype = serializers.CharField(allow_null=True)
    is_primary = serializers.BooleanField()
    age_rule_met = serializers.BooleanField(allow_null=True)


class GuardianOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = Guardian
        fields = [
            "id",
            "relationship",
            "full_name",
            "phone",
            "is_primary_contact",
            "lives_with_child",
            "is_alleged_perpetrator",
        ]


class ChildListSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField(
        help_text='Masked ("S••• N•••") for restricted records you are not assigned to.'
    )
    age = serializers.IntegerField(allow_null=True, read_only=True)
    age_is_estimated = serializers.BooleanField(read_only=True)
    restricted = serializers.SerializerMethodField()

    class Meta:
        model = Child
        fields = [
            "id",
            "registration_number",
            "name",
            "sex",
            "age",
            "age_is_estimated",
            "current_kota_code",
            "restricted",
        ]

    def get_name(self, obj: Child) -> str:
        return display_name(obj)

    def get_restricted(self, obj: Child) -> bool:
        return bool(getattr(obj, "restricted_flag", False))


def _categories(child: Child) -> list[dict[str, Any]]:
    return [
        {
            "scheme": r["obj"].category.scheme,
            "code": r["obj"].category.code,
            "name": str(r["obj"].category),
            "subtype": r["obj"].subtype.code if r["obj"].subtype_id else None,
            "is_primary": r["obj"].is_primary,
            "age_rule_met": r["age_ok"],
        }
        for r in selectors.classification_rows(child)
    ]


class ChildPartnerSerializer(serializers.Serializer):
    """What a partner organisation sees: no identity numbers, documents or notes."""

    view = serializers.CharField(default="partner")
    id = serializers.UUIDField()
    registration_number = serializers.CharField()
    name = serializers.CharField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    age = serializers.IntegerField(allow_null=True)
    age_is_estimated = serializers.BooleanField()
    categories = CategoryRefSerializer(many=True)
    has_disability = serializers.BooleanField()
    disability_types = serializers.ListField(
        child=serializers.ChoiceField(choices=DisabilityType.choices)
    )
    functional_needs = serializers.CharField()
    guardians = GuardianOutSerializer(
        many=True, help_text="Only with consent to share with your organisation (or a legal basis)."
    )


class ChildDetailSerializer(ChildPartnerSerializer):
    """The full record (government staff with access). NIK and No. KK are masked."""

    view = serializers.CharField(default="full")
    birth_date = serializers.DateField(allow_null=True)
    estimated_age = serializers.IntegerField(allow_null=True)
    age_estimated_on = serializers.DateField(allow_null=True)
    age_estimate_reason = serializers.CharField()
    eighteenth_birthday = serializers.DateField(allow_null=True)
    nik_masked = serializers.CharField()
    no_kk_masked = serializers.CharField()
    identity_warnings = serializers.ListField(child=serializers.CharField())
    birth_certificate_status = serializers.CharField()
    religion = serializers.CharField()
    mother_name = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    current_kelurahan = serializers.CharField(allow_null=True)
    current_address = serializers.CharField()
    current_spot = serializers.CharField()
    origin_region_code = serializers.CharField()
    origin_region_name = serializers.CharField()
    school_status = serializers.CharField()
    school_name = serializers.CharField()


def _serialize(child: Child, access: ChildAccess, profile: dict[str, Any]) -> dict[str, Any]:
    base = {
        "id": child.pk,
        "registration_number": child.registration_number,
        "name": profile["name"],
        "sex": child.sex,
        "age": child.age,
        "age_is_estimated": child.age_is_estimated,
        "categories": _categories(child),
        "has_disability": child.has_disability,
        "disability_types": child.disability_types,
        "functional_needs": child.functional_needs,
        "guardians": profile.get("guardians", []),
    }
    if not access.full:
        return ChildPartnerSerializer({**base, "view": "partner"}).data
    return ChildDetailSerializer(
        {
            **base,
            "view": "full",
            "birth_date": child.birth_date,
            "estimated_age": child.estimated_age,
            "age_estimated_on": child.age_estimated_on,
            "age_estimate_reason": child.age_estimate_reason,
            "eighteenth_birthday": child.eighteenth_birthday(),
            "nik_masked": mask_number(child.nik),
            "no_kk_masked": mask_number(child.no_kk),
            "identity_warnings": [warning_text(w) for w in child.identity_warnings],
            "birth_certificate_status": child.birth_certificate_status,
            "religion": child.religion,
            "mother_name": child.mother_name,
            "aliases": [a.name for a in child.aliases.all()],
            "current_kelurahan": child.current_kelurahan.code if child.current_kelurahan else None,
            "current_address": child.current_address,
            "current_spot": child.current_spot,
            "origin_region_code": child.origin_region_code,
            "origin_region_name": child.origin_region_name,
            "school_status": child.school_status,
            "school_name": child.school_name,
        }
    ).data


class ReasonSerializer(serializers.Serializer):
    text = serializers.CharField()
    agrees = serializers.BooleanField()


class CandidateSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=["likely", "possible"])
    score = serializers.FloatField()
    visible = serializers.BooleanField(
        help_text="False: a record you may not see; only a masked summary is given."
    )
    child_id = serializers.UUIDField(allow_null=True)
    name = serializers.CharField()
    registration_number = serializers.CharField()
    summary = serializers.CharField()
    reasons = ReasonSerializer(many=True)


# --- input ------------------------------------------------------------------------------------
class ChildSearchSerializer(StrictQuerySerializer):
    q = serializers.CharField(
        required=False, allow_blank=True, help_text="Name (spelling variants are found)."
    )
    nik = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Full NIK, a prefix, or masked (3171••••••••0001).",
    )
    category = serializers.ChoiceField(
        choices=category_filter_codes(),
        required=False,
        allow_blank=True,
        help_text="Category code, e.g. AJ or ampk:4.",
    )
    kota = serializers.CharField(required=False, allow_blank=True)
    kecamatan = serializers.CharField(required=False, allow_blank=True)
    case_status = serializers.ChoiceField(
        required=False, allow_blank=True, choices=CASE_STATUS_CHOICES
    )

    def to_filters(self) -> selectors.SearchFilters:
        d = self.validated_data
        category = None
        if d.get("category"):
            scheme, _sep, code = d["category"].rpartition(":")
            category = Category.objects.filter(scheme=scheme or "pmks", code=code).first()
            if category is None:
                raise serializers.ValidationError({"category": _("Unknown category.")})
        return selectors.SearchFilters(
            q=d.get("q", ""),
            nik=d.get("nik", ""),
            category=category,
            kota=d.get("kota", ""),
            kecamatan=d.get("kecamatan", ""),
            case_status=d.get("case_status", ""),
        )


class AliasInSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=150)
    kind = serializers.ChoiceField(
        choices=ChildAlias.Kind.choices, default=ChildAlias.Kind.NICKNAME
    )


class GuardianInSerializer(StrictInputSerializer):
    relationship = serializers.ChoiceField(choices=Guardian.Relationship.choices)
    full_name = serializers.CharField(max_length=150)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    is_primary_contact = serializers.BooleanField(default=False)
    lives_with_child = serializers.BooleanField(default=False)
    is_alleged_perpetrator = serializers.BooleanField(default=False)


class ChildCreateSerializer(StrictInputSerializer):
    full_name = serializers.CharField(max_length=150)
    sex = serializers.ChoiceField(choices=Sex.choices)
    birth_date = serializers.DateField(required=False, allow_null=True)
    estimated_age = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_ESTIMATED_AGE
    )
    age_estimate_reason = serializers.ChoiceField(
        choices=AgeEstimateReason.choices, required=False, allow_blank=True
    )
    age_estimate_note = serializers.CharField(required=False, allow_blank=True)
    nik = serializers.CharField(required=False, allow_blank=True)
    no_kk = serializers.CharField(required=False, allow_blank=True)
    birth_certificate_status = serializers.ChoiceField(
        choices=BirthCertificateStatus.choices, required=False
    )
    birth_certificate_number = serializers.CharField(required=False, allow_blank=True)
    religion = serializers.ChoiceField(choices=Religion.choices, required=False)
    mother_name = serializers.CharField(required=False, allow_blank=True)
    current_kelurahan = serializers.CharField(
        required=False, allow_blank=True, help_text="Kemendagri code, e.g. 31.75.01.1001"
    )
    current_address = serializers.CharField(required=False, allow_blank=True)
    current_spot = serializers.CharField(required=False, allow_blank=True)
    origin_region_code = serializers.CharField(required=False, allow_blank=True)
    school_status = serializers.ChoiceField(choices=SchoolStatus.choices, required=False)
    school_name = serializers.CharField(required=False, allow_blank=True)
    has_disability = serializers.BooleanField(required=False)
    disability_types = serializers.ListField(
        child=serializers.ChoiceField(choices=DisabilityType.choices), required=False
    )
    functional_needs = serializers.CharField(required=False, allow_blank=True)
    conditions = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Condition codes."
    )
    aliases = AliasInSerializer(many=True, required=False)
    guardians = GuardianInSerializer(many=True, required=False)
    confirm_not_duplicate = serializers.BooleanField(
        default=False,
        help_text="true: register even though probable duplicates were found (this choice is audited).",
    )
    confirm_not_duplicate_of = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        default=list,
        help_text="The ids of every candidate found that is a different child (audited); "
        "registration is refused while any candidate found is not listed.",
    )


class ChildUpdateSerializer(ChildCreateSerializer):
    """The identity fields to change; the others keep their values (aliases, guardians, consent
    and documents have their own actions on the child's page)."""

    aliases = None  # type: ignore[assignment]
    guardians = None  # type: ignore[assignment]
    confirm_not_duplicate = None  # type: ignore[assignment]
    confirm_not_duplicate_of = None  # type: ignore[assignment]


# --- views ------------------------------------------------------------------------------------
class ChildViewSet(viewsets.GenericViewSet):
    """Children's records, scoped like the pages."""

    queryset = Child.objects.none()  # reads go through the selectors
    serializer_class = ChildListSerializer

    @extend_schema(
        parameters=[ChildSearchSerializer],
        summary="Search children",
        responses={200: ChildListSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        if not permissions.can_view_children(request.user):
            raise PermissionDenied
        query = ChildSearchSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.to_filters()
        qs = selectors.child_search(user=request.user, filters=filters)
        if not filters.is_empty():
            selectors.access_log(
                user=request.user, action=AccessLog.Action.SEARCH, target_repr=filters.loggable()
            )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ChildListSerializer(page, many=True).data)

    @extend_schema(
        summary="Retrieve a child",
        parameters=[
            OpenApiParameter(
                "reason",
                OpenApiTypes.STR,
                description="Required to open a restricted record you are not assigned to (logged).",
            ),
            ETAG,
        ],
        responses={
            200: ChildDetailSerializer,
            403: OpenApiResponse(description="A reason is needed."),
            404: OpenApiResponse(description="Not found or not visible."),
        },
        description="Government staff get the full record (identity numbers masked); partners the limited view. Every call is written to the access log.",
    )
    def retrieve(self, request: Request, pk: Any) -> Response:
        child, access = selectors.child_get(user=request.user, pk=pk)
        if access.needs_reason:
            reason = (request.query_params.get("reason") or "").strip()
            opened = restricted_grant_active(
                session=getattr(request, "session", None), child_id=child.pk
            )
            if not reason and not opened:
                return Response(
                    {
                        "detail": _(
                            "This record is restricted: give a reason (?reason=…) to open it; it is logged."
                        ),
                        "code": "reason_required",
                    },
                    status=status.HTTP_403_FORBIDDEN,
                )
            if reason:
                try:
                    restricted_open(
                        user=request.user,
                        child_id=child.pk,
                        target=child,
                        target_repr=child.registration_number,
                        reason=reason,
                    )
                except ApplicationError as exc:
                    return Response(
                        {"detail": exc.message, "code": "reason_invalid"},
                        status=status.HTTP_400_BAD_REQUEST,
                    )
        selectors.access_log(user=request.user, action=AccessLog.Action.VIEW, child=child)
        profile = selectors.child_profile(
            user=request.user, child=child, access=access, opened=access.needs_reason
        )
        return with_etag(Response(_serialize(child, access, profile)), child)

    @extend_schema(
        request=ChildCreateSerializer,
        responses={
            201: ChildDetailSerializer,
            400: OpenApiResponse(description="Invalid input; `fields` says which."),
            409: inline_serializer(
                "DuplicateConflict",
                {"detail": serializers.CharField(), "candidates": CandidateSerializer(many=True)},
            ),
        },
        summary="Register a child",
        description="Runs the duplicate check first. If probable duplicates exist, nothing is saved and the answer is 409 "
        "with the candidates (masked when you may not see them), unless `confirm_not_duplicate` is true.",
    )
    def create(self, request: Request) -> Response:
        if not permissions.can_register_child(request.user):
            raise PermissionDenied
        ser = ChildCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        confirm = data.pop("confirm_not_duplicate")
        declared = [str(x) for x in data.pop("confirm_not_duplicate_of", [])]
        aliases = [dict(a) for a in data.pop("aliases", [])]
        guardians = [dict(g) for g in data.pop("guardians", [])]
        try:
            child = services.child_register(
                actor=request.user,
                data=data,
                aliases=aliases,
                guardians=guardians,
                confirm_not_duplicate_of=declared if confirm else None,
            )
        except services.DuplicateSuspected as exc:
            return Response(
                {
                    "detail": str(exc.message),
                    "candidates": CandidateSerializer(exc.extra["candidates"], many=True).data,
                },
                status=status.HTTP_409_CONFLICT,
            )
        child, access = selectors.child_get(user=request.user, pk=child.pk)
        profile = selectors.child_profile(user=request.user, child=child, access=access)
        return Response(_serialize(child, access, profile), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ChildUpdateSerializer,
        responses={
            200: ChildDetailSerializer,
            400: OpenApiResponse(description="Invalid input; `fields` says which."),
            403: OpenApiResponse(description="You may see but not change this record."),
            404: OpenApiResponse(description="Not found or not visible."),
            **PRECONDITION_RESPONSES,
        },
        parameters=[IF_MATCH, ETAG],
        summary="Change a child's identity fields",
        description="Only the fields sent change. The same checks as on the edit page (a NIK that disagrees with the "
        "date of birth or sex is a warning, never a silent fix); blocking keys and name counts follow.",
    )
    def partial_update(self, request: Request, pk: Any) -> Response:
        child, access = selectors.child_get(user=request.user, pk=pk)
        if not access.can_edit:
            raise PermissionDenied
        expected = if_match(request)
        ser = ChildUpdateSerializer(data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        try:
            services.child_update_identity(
                actor=request.user,
                child=child,
                data=dict(ser.validated_data),
                expected_version=expected,
            )
        except ConcurrentUpdate as exc:
            child, access = selectors.child_get(user=request.user, pk=pk)
            profile = selectors.child_profile(user=request.user, child=child, access=access)
            return conflict_response(exc, child, _serialize(child, access, profile))
        child, access = selectors.child_get(user=request.user, pk=pk)
        profile = selectors.child_profile(user=request.user, child=child, access=access)
        return with_etag(Response(_serialize(child, access, profile)), child)

    @extend_schema(
        summary="Probable duplicates of a child",
        responses={
            200: CandidateSerializer(many=True),
            404: OpenApiResponse(description="Not found or not visible."),
        },
    )
    @action(detail=True, methods=["get"])
    def duplicates(self, request: Request, pk: Any) -> Response:
        child, access = selectors.child_get(user=request.user, pk=pk)
        if not access.full:
            raise PermissionDenied
        if access.needs_reason:
            return Response(
                {
                    "detail": _("This record is restricted: open it with a reason first."),
                    "code": "reason_required",
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        selectors.access_log(
            user=request.user, action=AccessLog.Action.VIEW, child=child, reason="duplicate check"
        )
        views = selectors.child_duplicates_of(user=request.user, child=child)
        page = self.paginate_queryset([v.__dict__ for v in views])  # a list like every other
        return self.get_paginated_response(CandidateSerializer(page, many=True).data)
