"""The stakeholder directory: organisations, their services, locations and capacity.

Shaped after Open Referral HSDS 3.0 (organization, service, location, service_at_location,
phone, schedule, taxonomy_term) so the export is a mapping, not a translation.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simpul.core.concurrency import VersionedModel
from simpul.core.models import BaseModel, BilingualNameMixin

if TYPE_CHECKING:
    pass


class OrganizationType(models.TextChoices):
    DINSOS = "dinsos", _("Dinas Sosial")
    SUDINSOS = "sudinsos", _("Suku Dinas Sosial")
    PANTI = "panti", _("Panti Sosial / UPT")
    LKSA = "lksa", _("LKSA")
    RUMAH_SINGGAH = "rumah_singgah", _("Rumah Singgah")
    TAS = "tas", _("Taman Anak Sejahtera")
    YAYASAN = "yayasan", _("Yayasan")
    ORSOS = "orsos", _("Organisasi Sosial")
    SKPD = "skpd", _("SKPD")
    LBH = "lbh", _("Lembaga Bantuan Hukum")
    BUSINESS = "business", _("Dunia Usaha")
    COMMUNITY = "community", _("Komunitas / PSM")
    KARANG_TARUNA = "karang_taruna", _("Karang Taruna")
    OTHER = "other", _("Other")


# Organisation types whose staff act for the department itself (region-scoped government roles).
GOVERNMENT_SOCIAL_TYPES = (OrganizationType.DINSOS, OrganizationType.SUDINSOS)


class LegalStatus(models.TextChoices):
    GOVERNMENT = "government", _("Government agency")
    YAYASAN = "yayasan", _("Foundation (yayasan)")
    PERKUMPULAN = "perkumpulan", _("Association (perkumpulan)")
    COMPANY = "company", _("Company (PT/CV)")
    UNINCORPORATED = "unincorporated", _("Not a legal entity")
    OTHER = "other", _("Other")


class AccreditationGrade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


# Permensos 17/2012: validity of an accreditation by grade, in years.
ACCREDITATION_VALIDITY_YEARS = {"A": 5, "B": 3, "C": 2}


class TaxonomyTerm(BilingualNameMixin, BaseModel):
    """A term of one of Simpul's controlled vocabularies (HSDS taxonomy_term)."""

    class Taxonomy(models.TextChoices):
        SERVICE_TYPE = "service-type", _("Service type")
        PMKS_CHILD = "pmks-child", _("PMKS/PPKS child category")

    taxonomy = models.CharField(max_length=30, choices=Taxonomy.choices)
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=150)  # Bahasa Indonesia
    name_en = models.CharField(_("name (English)"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["taxonomy", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "code"], name="taxonomy_term_unique_code")
        ]

    def __str__(self) -> str:
        return self.localized_name


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def active(self) -> OrganizationQuerySet:
        return self.filter(is_active=True)


class Organization(VersionedModel, BaseModel):
    name = models.CharField(_("name"), max_length=255)
    org_type = models.CharField(_("type"), max_length=20, choices=OrganizationType.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("parent organisation"),
    )
    description = models.TextField(_("description"), blank=True)
    legal_status = models.CharField(
        _("legal status"), max_length=20, choices=LegalStatus.choices, blank=True
    )
    registration_number = models.CharField(_("registration number"), max_length=100, blank=True)
    accreditation_grade = models.CharField(
        _("accreditation grade"), max_length=1, choices=AccreditationGrade.choices, blank=True
    )
    accreditation_number = models.CharField(
        _("accreditation certificate"), max_length=100, blank=True
    )
    accreditation_valid_from = models.DateField(_("accredited from"), null=True, blank=True)
    accreditation_valid_until = models.DateField(_("accredited until"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    kelurahan = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kelurahan"),
        limit_choices_to={"level": 4},
    )
    # Denormalised kota and kecamatan codes, so directory filters are one indexed lookup.
    kota_code = models.CharField(max_length=5, blank=True, db_index=True, editable=False)
    kecamatan_code = models.CharField(max_length=8, blank=True, db_index=True, editable=False)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-11), MaxValueValidator(6)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(95), MaxValueValidator(141)],
    )
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # For Dinas Sosial (the province) and each Suku Dinas Sosial (one kota): the default region
    # scope of its staff.
    jurisdiction = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("jurisdiction"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        indexes = [models.Index(fields=["org_type", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(accreditation_valid_until__isnull=True)
                | Q(accreditation_valid_from__isnull=True)
                | Q(accreditation_valid_until__gte=F("accreditation_valid_from")),
                name="organization_accreditation_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        code = self.kelurahan.code if self.kelurahan is not None else ""
        self.kota_code = code[:5]
        self.kecamatan_code = code[:8]
        super().save(*args, **kwargs)

    @property
    def is_government_social(self) -> bool:
        return self.org_type in GOVERNMENT_SOCIAL_TYPES

    @property
    def accreditation_is_current(self) -> bool:
        if not self.accreditation_grade or not self.accreditation_valid_until:
            return False
        return self.accreditation_valid_until >= timezone.localdate()

    def accreditation_expires_soon(self, days: int = 90) -> bool:
        if not self.accreditation_is_current:
            return False
        assert self.accreditation_valid_until is not None
        return self.accreditation_valid_until <= timezone.localdate() + dt.timedelta(days=days)


class Phone(BaseModel):
    class Kind(models.TextChoices):
        LANDLINE = "landline", _("Landline")
        MOBILE = "mobile", _("Mobile")
        OTHER = "other", _("Other")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("number (E.164)"), max_length=20)
    national = models.CharField(_("number"), max_length=25)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.LANDLINE)
    label = models.CharField(_("label"), max_length=60, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.national


class Location(BaseModel):
    """A place where an organisation gives services (HSDS location)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(_("name"), max_length=255)
    address = models.CharField(_("address"), max_length=255, blank=True)
    kelurahan = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kelurahan"),
        limit_choices_to={"level": 4},
    )
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")
    DEFUNCT = "defunct", _("Defunct")


class ServiceQuerySet(models.QuerySet["Service"]):
    def with_free_capacity(self) -> ServiceQuerySet:
        return self.filter(capacity_total__gt=F("capacity_occupied"))


class Service(VersionedModel, BaseModel):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="services",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    service_type = models.ForeignKey(
        TaxonomyTerm,
        on_delete=models.PROTECT,
        related_name="services",
        limit_choices_to={"taxonomy": TaxonomyTerm.Taxonomy.SERVICE_TYPE},
        verbose_name=_("service type"),
    )
    categories_served = models.ManyToManyField(
        TaxonomyTerm,
        blank=True,
        related_name="services_for_category",
        limit_choices_to={"taxonomy": TaxonomyTerm.Taxonomy.PMKS_CHILD},
        verbose_name=_("child categories served"),
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[MaxValueValidator(25)]
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age"), null=True, blank=True, validators=[MaxValueValidator(25)]
    )
    eligibility = models.TextField(_("eligibility"), blank=True)
    is_free = models.BooleanField(_("free of charge"), default=True)
    fees_description = models.CharField(_("fees"), max_length=255, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    # Places (beds, slots) for services that have a capacity; both null = not capacity-bound.
    capacity_total = models.PositiveIntegerField(_("places total"), null=True, blank=True)
    capacity_occupied = models.PositiveIntegerField(_("places occupied"), null=True, blank=True)
    capacity_updated_at = models.DateTimeField(_("capacity updated"), null=True, blank=True)
    locations: models.ManyToManyField[Location, ServiceAtLocation] = models.ManyToManyField(
        Location, through="ServiceAtLocation", related_name="services", blank=True
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "name"]
        verbose_name = _("service")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(max_age__gte=F("min_age")),
                name="service_age_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(capacity_total__isnull=True, capacity_occupied__isnull=True)
                | Q(
                    capacity_total__isnull=False,
                    capacity_occupied__isnull=False,
                    capacity_occupied__lte=F("capacity_total"),
                ),
                name="service_capacity_consistent",
            ),
        ]
        indexes = [models.Index(fields=["service_type", "status"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization.name})"

    @property
    def capacity_free(self) -> int | None:
        if self.capacity_total is None or self.capacity_occupied is None:
            return None
        return self.capacity_total - self.capacity_occupied


class ServiceAtLocation(BaseModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_links")
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"], name="service_at_location_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_id} @ {self.location_id}"


class Schedule(BaseModel):
    """Weekly opening hours of a service (HSDS schedule, freq=WEEKLY)."""

    class Weekday(models.TextChoices):
        MO = "MO", _("Monday")
        TU = "TU", _("Tuesday")
        WE = "WE", _("Wednesday")
        TH = "TH", _("Thursday")
        FR = "FR", _("Friday")
        SA = "SA", _("Saturday")
        SU = "SU", _("Sunday")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    weekday = models.CharField(max_length=2, choices=Weekday.choices)
    opens_at = models.TimeField()
    closes_at = models.TimeField()

    class Meta:
        ordering = ["service", "weekday"]

    def __str__(self) -> str:
        return f"{self.weekday} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class CapacityRecord(models.Model):
    """History of a service's capacity: one row per update (append-only)."""

    id = models.BigAutoField(primary_key=True)  # never exposed
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="capacity_history")
    total = models.PositiveIntegerField()
    occupied = models.PositiveIntegerField()
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.occupied}/{self.total} @ {self.recorded_at:%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return self.total - self.occupied
