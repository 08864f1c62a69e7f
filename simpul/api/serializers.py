"""Serializers of the REST API: output shapes and input validation only (writes go through
services). UUIDs only; nothing private (no staff lists, no who-recorded-what)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from simpul.accounts.models import Membership, User
from simpul.core.rest.serializers import CodeField, StrictInputSerializer, StrictQuerySerializer
from simpul.directory.models import (
    AccreditationGrade,
    CapacityRecord,
    LegalStatus,
    Location,
    Organization,
    OrganizationType,
    Phone,
    Schedule,
    Service,
    ServiceStatus,
    TaxonomyTerm,
)
from simpul.directory.selectors import organization_free_capacity
from simpul.regions.models import Region


# --- small shapes -----------------------------------------------------------------------------
class RegionSerializer(serializers.ModelSerializer):
    parent_code = serializers.SerializerMethodField()

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "kind", "parent_code", "postal_code"]

    def get_parent_code(self, obj: Region) -> str | None:
        return obj.parent.code if obj.parent is not None else None


class TermSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaxonomyTerm
        fields = ["id", "taxonomy", "code", "name", "name_en"]


class PhoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Phone
        fields = ["id", "number", "national", "kind", "label"]


class LocationSerializer(serializers.ModelSerializer):
    kelurahan_code = serializers.CharField(source="kelurahan.code", default=None, allow_null=True)

    class Meta:
        model = Location
        fields = ["id", "name", "address", "kelurahan_code", "postal_code", "latitude", "longitude"]


@extend_schema_field(
    {"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2})?$", "example": "08:00:00"}
)
class LocalTimeField(serializers.TimeField):
    """A local time of day in Asia/Jakarta, "HH:MM:SS" (OpenAPI's ``format: time`` is an RFC 3339
    time with a UTC offset, which opening hours do not have)."""


class ScheduleSerializer(serializers.ModelSerializer):
    opens_at = LocalTimeField()
    closes_at = LocalTimeField()

    class Meta:
        model = Schedule
        fields = ["weekday", "opens_at", "closes_at"]


class OrganizationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "org_type"]


class CapacitySerializer(serializers.Serializer):
    total = serializers.IntegerField(source="capacity_total", allow_null=True)
    occupied = serializers.IntegerField(source="capacity_occupied", allow_null=True)
    free = serializers.IntegerField(source="capacity_free", allow_null=True)
    updated_at = serializers.DateTimeField(source="capacity_updated_at", allow_null=True)


# --- services ---------------------------------------------------------------------------------
class ServiceSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer()
    service_type = TermSerializer()
    categories_served = TermSerializer(many=True)
    capacity = CapacitySerializer(source="*")

    class Meta:
        model = Service
        fields = [
            "id",
            "organization",
            "name",
            "description",
            "service_type",
            "categories_served",
            "min_age",
            "max_age",
            "eligibility",
            "is_free",
            "fees_description",
            "opening_hours",
            "status",
            "capacity",
            "created_at",
            "updated_at",
        ]


class ServiceDetailSerializer(ServiceSerializer):
    schedules = ScheduleSerializer(many=True)
    locations = LocationSerializer(many=True)

    class Meta(ServiceSerializer.Meta):
        fields = [*ServiceSerializer.Meta.fields, "schedules", "locations"]


class ServiceSummarySerializer(serializers.ModelSerializer):
    service_type = serializers.CharField(source="service_type.code")
    capacity = CapacitySerializer(source="*")

    class Meta:
        model = Service
        fields = ["id", "name", "service_type", "status", "capacity"]


class CapacityRecordSerializer(serializers.ModelSerializer):
    free = serializers.IntegerField(read_only=True)

    class Meta:
        model = CapacityRecord
        fields = ["total", "occupied", "free", "note", "recorded_at"]


# --- organisations ----------------------------------------------------------------------------
class AccreditationSerializer(serializers.Serializer):
    grade = serializers.CharField(source="accreditation_grade")
    number = serializers.CharField(source="accreditation_number")
    valid_from = serializers.DateField(source="accreditation_valid_from", allow_null=True)
    valid_until = serializers.DateField(source="accreditation_valid_until", allow_null=True)
    is_current = serializers.BooleanField(source="accreditation_is_current")


class OrganizationSerializer(serializers.ModelSerializer):
    org_type_display = serializers.CharField(source="get_org_type_display")
    accreditation = AccreditationSerializer(source="*")
    kelurahan_code = serializers.CharField(source="kelurahan.code", default=None, allow_null=True)
    kecamatan_code = serializers.CharField()
    kota_code = serializers.CharField()
    parent = serializers.UUIDField(source="parent_id", allow_null=True)
    phones = PhoneSerializer(many=True)
    free_capacity = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "org_type",
            "org_type_display",
            "parent",
            "description",
            "legal_status",
            "registration_number",
            "accreditation",
            "address",
            "kelurahan_code",
            "kecamatan_code",
            "kota_code",
            "postal_code",
            "latitude",
            "longitude",
            "email",
            "website",
            "phones",
            "free_capacity",
            "is_active",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(OpenApiTypes.INT)
    def get_free_capacity(self, obj: Organization) -> int:
        """Free places over the active capacity-bound services (0 when none)."""
        if hasattr(obj, "free_capacity"):
            return obj.free_capacity
        return organization_free_capacity(obj) or 0


class OrganizationDetailSerializer(OrganizationSerializer):
    locations = serializers.SerializerMethodField()
    services = serializers.SerializerMethodField()

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "locations", "services"]

    @extend_schema_field(LocationSerializer(many=True))
    def get_locations(self, obj: Organization) -> list[dict[str, Any]]:
        locations = obj.locations.select_related("kelurahan").order_by("name")
        return LocationSerializer(locations, many=True).data

    @extend_schema_field(ServiceSummarySerializer(many=True))
    def get_services(self, obj: Organization) -> list[dict[str, Any]]:
        services = obj.services.select_related("service_type").order_by("name")
        return ServiceSummarySerializer(services, many=True).data


# --- input ------------------------------------------------------------------------------------
class OrganizationUpdateSerializer(StrictInputSerializer):
    """Fields an organisation admin may PATCH (type and status: Dinas Sosial admins only)."""

    name = serializers.CharField(max_length=255)
    org_type = serializers.ChoiceField(choices=OrganizationType.choices)
    description = serializers.CharField(allow_blank=True)
    legal_status = serializers.ChoiceField(choices=LegalStatus.choices, allow_blank=True)
    registration_number = serializers.CharField(max_length=100, allow_blank=True)
    accreditation_grade = serializers.ChoiceField(
        choices=AccreditationGrade.choices, allow_blank=True
    )
    accreditation_number = serializers.CharField(max_length=100, allow_blank=True)
    accreditation_valid_from = serializers.DateField(allow_null=True)
    accreditation_valid_until = serializers.DateField(allow_null=True)
    address = serializers.CharField(max_length=255, allow_blank=True)
    kelurahan = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.filter(level=4),
        allow_null=True,
        help_text=_("Kemendagri code of the kelurahan, e.g. 31.71.01.1001."),
    )
    postal_code = serializers.CharField(max_length=5, allow_blank=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    email = serializers.EmailField(allow_blank=True)
    website = serializers.URLField(allow_blank=True)
    is_active = serializers.BooleanField()
    phones = serializers.ListField(
        child=serializers.CharField(max_length=30),
        max_length=20,
        help_text=_("Replaces every phone number of the organisation."),
    )


class ServiceUpdateSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=255)
    description = serializers.CharField(allow_blank=True)
    service_type = serializers.SlugRelatedField(
        slug_field="code",
        queryset=TaxonomyTerm.objects.filter(taxonomy=TaxonomyTerm.Taxonomy.SERVICE_TYPE),
    )
    categories_served = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=TaxonomyTerm.objects.filter(taxonomy=TaxonomyTerm.Taxonomy.PMKS_CHILD),
    )
    min_age = serializers.IntegerField(min_value=0, max_value=25, allow_null=True)
    max_age = serializers.IntegerField(min_value=0, max_value=25, allow_null=True)
    eligibility = serializers.CharField(allow_blank=True)
    is_free = serializers.BooleanField()
    fees_description = serializers.CharField(max_length=255, allow_blank=True)
    opening_hours = serializers.CharField(max_length=255, allow_blank=True)
    status = serializers.ChoiceField(choices=ServiceStatus.choices)


class CapacityInputSerializer(StrictInputSerializer):
    total = serializers.IntegerField(min_value=0)
    occupied = serializers.IntegerField(min_value=0)
    note = serializers.CharField(max_length=255, allow_blank=True, required=False, default="")


# --- filters (query parameters) ---------------------------------------------------------------
class OrganizationFilterSerializer(StrictQuerySerializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=200)
    type = serializers.ChoiceField(choices=OrganizationType.choices, required=False)
    category = CodeField(
        required=False, max_length=40, help_text=_("PMKS child category code, e.g. AJ.")
    )
    service_type = CodeField(
        required=False, max_length=40, help_text=_("Service type code, e.g. residential-care.")
    )
    kota = CodeField(required=False, max_length=5, help_text=_("e.g. 31.71"))
    kecamatan = CodeField(required=False, max_length=8, help_text=_("e.g. 31.71.01"))
    accreditation = serializers.ChoiceField(choices=AccreditationGrade.choices, required=False)
    has_free_capacity = serializers.BooleanField(required=False, default=False)

    def to_filters(self) -> dict[str, Any]:
        data = self.validated_data
        return {
            "q": data.get("search", ""),
            "org_type": data.get("type", ""),
            "category": data.get("category", ""),
            "service_type": data.get("service_type", ""),
            "kota": data.get("kota", ""),
            "kecamatan": data.get("kecamatan", ""),
            "accreditation": data.get("accreditation", ""),
            "has_free_capacity": data.get("has_free_capacity", False),
        }


class ServiceFilterSerializer(StrictQuerySerializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=200)
    organization = serializers.UUIDField(required=False)
    service_type = CodeField(required=False, max_length=40)
    category = CodeField(required=False, max_length=40)
    kota = CodeField(required=False, max_length=5)
    kecamatan = CodeField(required=False, max_length=8)
    status = serializers.ChoiceField(choices=ServiceStatus.choices, required=False)
    has_free_capacity = serializers.BooleanField(required=False, default=False)

    def to_filters(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        data["q"] = data.pop("search", "")
        return data


class RegionFilterSerializer(StrictQuerySerializer):
    level = serializers.ChoiceField(choices=Region.Level.choices, required=False)
    parent = CodeField(
        required=False, max_length=13, help_text=_("Kemendagri code of the parent region.")
    )


# --- me ---------------------------------------------------------------------------------------
class MembershipSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer()
    region_scope = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["organization", "role", "title", "region_scope"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_region_scope(self, obj: Membership) -> str | None:
        """Kemendagri code of the region the role covers (None: no region scope)."""
        scope = obj.effective_region_scope()
        return scope.code if scope else None


class MeSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "memberships"]

    @extend_schema_field(MembershipSerializer(many=True))
    def get_memberships(self, obj: User) -> list[dict[str, Any]]:
        memberships = obj.active_memberships().select_related("organization__jurisdiction")
        return MembershipSerializer(memberships, many=True).data
