"""A small synthetic directory for the API tests: organisations with phones and locations,
services with categories, schedules and capacity."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pytest
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from simpul.accounts.models import Role
from simpul.directory import services
from simpul.directory.models import (
    AccreditationGrade,
    LegalStatus,
    OrganizationType,
    Schedule,
    ServiceStatus,
)
from simpul.regions.models import Region
from simpul.testing.factories import OrganizationFactory, make_user, term

SCHEMAS = Path(__file__).resolve().parents[2] / "directory" / "hsds" / "schemas"


@cache
def hsds_validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def hsds_errors(name: str, document: dict) -> list[str]:
    """Every validation error of ``document`` against the vendored HSDS schema ``name``."""
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in hsds_validator(name).iter_errors(document)
    ]


def _kelurahan(kota_code: str) -> Region:
    return Region.objects.filter(level=4, code__startswith=kota_code + ".").order_by("code").first()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def directory(db):  # type: ignore[no-untyped-def]
    """Two organisations in different kota, three services (two capacity-bound)."""
    kel_pusat = _kelurahan("31.71")
    kel_timur = _kelurahan("31.75")
    harapan = services.organization_create(
        actor=None,
        name="LKSA Harapan Bangsa",
        org_type=OrganizationType.LKSA,
        description="Panti asuhan untuk anak telantar dan anak jalanan.",
        legal_status=LegalStatus.YAYASAN,
        registration_number="AHU-0012345.AH.01.04",
        accreditation_grade=AccreditationGrade.A,
        accreditation_number="123/LKS/2024",
        accreditation_valid_from=dt.date(2024, 1, 1),
        accreditation_valid_until=dt.date(2029, 1, 1),
        address="Jl. Melati No. 5",
        kelurahan=kel_pusat,
        postal_code="10110",
        latitude=Decimal("-6.180000"),
        longitude=Decimal("106.830000"),
        email="info@harapan.example.test",
        website="https://harapan.example.test",
        phones=["021-3456789", "0812-3456-7890"],
    )
    singgah = services.organization_create(
        actor=None,
        name="Rumah Singgah Pelangi",
        org_type=OrganizationType.RUMAH_SINGGAH,
        address="Jl. Kenanga 9",
        kelurahan=kel_timur,
    )
    residential = services.service_create(
        actor=None,
        organization=harapan,
        name="Pengasuhan anak dalam panti",
        description="Pengasuhan 24 jam.",
        service_type=term("service-type", "residential-care"),
        categories_served=[term("pmks-child", "AT"), term("pmks-child", "AJ")],
        min_age=6,
        max_age=17,
        eligibility="Anak telantar usia 6–17 tahun dengan rujukan Suku Dinas Sosial.",
        opening_hours="Senin–Jumat 08.00–16.00, Sabtu 08.00–12.00",
        capacity_total=30,
        capacity_occupied=12,
    )
    for day in ("MO", "TU", "WE", "TH", "FR"):
        Schedule.objects.create(
            service=residential, weekday=day, opens_at=dt.time(8), closes_at=dt.time(16)
        )
    Schedule.objects.create(
        service=residential, weekday="SA", opens_at=dt.time(8), closes_at=dt.time(12)
    )
    counselling = services.service_create(
        actor=None,
        organization=harapan,
        name="Konseling psikososial",
        service_type=term("service-type", "psychosocial"),
        categories_served=[term("pmks-child", "AKTK")],
        is_free=False,
        fees_description="Rp50.000 per sesi",
        status=ServiceStatus.TEMPORARILY_CLOSED,
    )
    shelter = services.service_create(
        actor=None,
        organization=singgah,
        name="Penampungan sementara anak jalanan",
        service_type=term("service-type", "temporary-shelter"),
        categories_served=[term("pmks-child", "AJ")],
        capacity_total=10,
        capacity_occupied=10,
    )
    return SimpleNamespace(
        harapan=harapan,
        singgah=singgah,
        residential=residential,
        counselling=counselling,
        shelter=shelter,
        harapan_admin=make_user(Role.ORG_ADMIN, harapan),
        harapan_staff=make_user(Role.ORG_STAFF, harapan),
        singgah_admin=make_user(Role.ORG_ADMIN, singgah),
    )


@pytest.fixture
def outsider(db):  # type: ignore[no-untyped-def]
    """Staff of another partner: sees the public directory, edits nothing in it."""
    return make_user(Role.ORG_STAFF, OrganizationFactory(name="Yayasan Lain"))
