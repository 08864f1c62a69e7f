"""The (filtered) directory as an XLSX workbook: one sheet of organisations, one of services."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils import timezone

from simpul.accounts import permissions
from simpul.core.spreadsheets import append_row
from simpul.directory.models import Service
from simpul.directory.selectors import organization_list

if TYPE_CHECKING:
    from simpul.accounts.models import User

ORGANISATION_HEADER = [
    "id",
    "name",
    "type",
    "legal_status",
    "registration_number",
    "accreditation_grade",
    "accreditation_valid_from",
    "accreditation_valid_until",
    "address",
    "kelurahan_code",
    "kelurahan",
    "kecamatan",
    "kota",
    "latitude",
    "longitude",
    "phone",
    "email",
    "website",
    "free_places",
]
SERVICE_HEADER = [
    "id",
    "organisation_id",
    "organisation_name",
    "name",
    "service_type_code",
    "categories",
    "min_age",
    "max_age",
    "eligibility",
    "is_free",
    "opening_hours",
    "status",
    "capacity_total",
    "capacity_occupied",
    "capacity_free",
    "capacity_updated_at",
]


def _region_names(org: Any) -> tuple[str, str, str]:
    kel = org.kelurahan
    kec = kel.parent if kel else None
    kota = kec.parent if kec else None
    return (kel.name if kel else "", kec.name if kec else "", kota.name if kota else "")


def directory_export_xlsx(*, user: User, filters: dict[str, Any]) -> bytes:
    """Workbook bytes of the organisations matching ``filters`` (as in the directory list)."""
    if not permissions.can_export_directory(user):
        raise PermissionDenied
    from openpyxl import Workbook
    from openpyxl.styles import Font

    orgs = (
        organization_list(user=user, filters=filters)
        .select_related("kelurahan__parent__parent")
        .prefetch_related(
            "phones",
            Prefetch(
                "services",
                queryset=Service.objects.select_related("service_type")
                .prefetch_related("categories_served")
                .order_by("name"),
                to_attr="all_services",
            ),
        )
    )
    workbook = Workbook()
    org_sheet = workbook.active
    org_sheet.title = "organisations"
    append_row(org_sheet, ORGANISATION_HEADER)
    svc_sheet = workbook.create_sheet("services")
    append_row(svc_sheet, SERVICE_HEADER)
    for org in orgs.iterator(chunk_size=500):
        kel, kec, kota = _region_names(org)
        append_row(
            org_sheet,
            [
                str(org.pk),
                org.name,
                org.org_type,
                org.legal_status,
                org.registration_number,
                org.accreditation_grade,
                org.accreditation_valid_from,
                org.accreditation_valid_until,
                org.address,
                org.kelurahan.code if org.kelurahan else "",
                kel,
                kec,
                kota,
                float(org.latitude) if org.latitude is not None else None,
                float(org.longitude) if org.longitude is not None else None,
                "; ".join(p.national for p in org.phones.all()),
                org.email,
                org.website,
                getattr(org, "free_capacity", None),
            ],
        )
        for s in org.all_services:
            updated = s.capacity_updated_at
            append_row(
                svc_sheet,
                [
                    str(s.pk),
                    str(org.pk),
                    org.name,
                    s.name,
                    s.service_type.code,
                    "; ".join(c.code for c in s.categories_served.all()),
                    s.min_age,
                    s.max_age,
                    s.eligibility,
                    "yes" if s.is_free else "no",
                    s.opening_hours,
                    s.status,
                    s.capacity_total,
                    s.capacity_occupied,
                    s.capacity_free,
                    timezone.localtime(updated).replace(tzinfo=None) if updated else None,
                ],
            )
    for sheet in (org_sheet, svc_sheet):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
