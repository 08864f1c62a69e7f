from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from simpul.core.exceptions import ApplicationError
from simpul.core.models import AuditEvent
from simpul.directory import services
from simpul.directory.imports import ORGANISATION_COLUMNS, SERVICE_COLUMNS
from simpul.directory.models import Organization, Phone, Service
from simpul.testing.auth import login
from simpul.testing.factories import OrganizationFactory, kelurahan

pytestmark = pytest.mark.django_db


def org_row(name: str, kel: str, phone: str = "021 5551234", **extra) -> list:
    values = {
        "name": name,
        "type": "lksa",
        "legal_status": "yayasan",
        "registration_number": "AHU-1",
        "accreditation_grade": "B",
        "accreditation_valid_from": "2024-01-15",
        "accreditation_valid_until": "2027-01-14",
        "address": "Jl. Mawar 1",
        "kelurahan_code": kel,
        "latitude": "-6.2",
        "longitude": "106.8",
        "phone": phone,
        "email": "a@example.org",
        "website": "example.org",
    }
    values.update(extra)
    return [values[c] for c in ORGANISATION_COLUMNS]


def service_row(org: str, name: str, **extra) -> list:
    values = {
        "organisation_name": org,
        "name": name,
        "service_type_code": "residential-care",
        "categories": "AT; ABT",
        "min_age": 0,
        "max_age": 17,
        "eligibility": "",
        "is_free": "yes",
        "opening_hours": "24 jam",
        "capacity_total": 30,
        "capacity_occupied": 21,
    }
    values.update(extra)
    return [values[c] for c in SERVICE_COLUMNS]


def workbook(orgs: list[list], svcs: list[list] | None = None) -> SimpleUploadedFile:
    wb = Workbook()
    sheet = wb.active
    sheet.title = "organisations"
    sheet.append(ORGANISATION_COLUMNS)
    for row in orgs:
        sheet.append(row)
    if svcs is not None:
        s = wb.create_sheet("services")
        s.append(SERVICE_COLUMNS)
        for row in svcs:
            s.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("directory.xlsx", buffer.getvalue())


def counts() -> tuple[int, int, int]:
    return Organization.objects.count(), Service.objects.count(), Phone.objects.count()


def test_valid_workbook_imports_everything(dinsos_admin):
    kel = kelurahan().code
    before = counts()
    result = services.directory_import(
        actor=dinsos_admin,
        file=workbook(
            [org_row("LKSA Satu", kel, "021 5551234; 0812-3456-7890"), org_row("LKSA Dua", kel)],
            [service_row("LKSA Satu", "Pengasuhan"), service_row("LKSA Dua", "Pengasuhan")],
        ),
        kind="",
    )
    assert (result.organizations_created, result.services_created) == (2, 2)
    assert counts() == (before[0] + 2, before[1] + 2, before[2] + 3)
    one = Organization.objects.get(name="LKSA Satu")
    assert one.kelurahan.code == kel and one.accreditation_grade == "B"
    assert one.website == "https://example.org"
    assert set(one.phones.values_list("number", flat=True)) == {"+62215551234", "+6281234567890"}
    service = one.services.get()
    assert service.capacity_free == 9 and service.capacity_history.count() == 1
    assert sorted(c.code for c in service.categories_served.all()) == ["ABT", "AT"]
    assert service.locations.count() == 1
    event = AuditEvent.objects.get(action="directory.import.completed")
    assert event.data["organizations_created"] == 2 and event.data["services_created"] == 2


def test_bad_rows_are_reported_and_nothing_is_saved(dinsos_admin):
    kel = kelurahan()
    OrganizationFactory(name="LKSA Sudah Ada", kelurahan=kel)
    before = counts()
    upload = workbook(
        [
            org_row("LKSA Baik", kel.code),  # row 2: valid
            org_row("LKSA Kode Salah", "31.99.99.9999"),  # row 3: unknown kelurahan
            org_row("LKSA Telepon", kel.code, phone="12345"),  # row 4: invalid phone
            org_row("", kel.code),  # row 5: missing name
            org_row("LKSA Baik", kel.code),  # row 6: duplicate in file
            org_row("LKSA Sudah Ada", kel.code),  # row 7: already exists
        ],
        [service_row("LKSA Baik", "Pengasuhan", service_type_code="nope", min_age=12, max_age=5)],
    )
    with pytest.raises(ApplicationError) as excinfo:
        services.directory_import(actor=dinsos_admin, file=upload, kind="")
    errors = excinfo.value.extra["errors"]
    by_row = {(e["sheet"], e["row"]): e for e in errors}
    assert by_row[("organisations", 3)]["column"] == "kelurahan_code"
    assert "31.99.99.9999" in by_row[("organisations", 3)]["message"]
    assert by_row[("organisations", 4)]["column"] == "phone"
    assert "12345" in by_row[("organisations", 4)]["message"]
    assert by_row[("organisations", 5)]["column"] == "name"
    assert by_row[("organisations", 6)]["column"] == "name"
    assert by_row[("organisations", 7)]["column"] == "name"
    assert ("organisations", 2) not in by_row
    service_columns = {e["column"] for e in errors if e["sheet"] == "services"}
    assert {"service_type_code", "max_age"} <= service_columns
    assert counts() == before
    assert not AuditEvent.objects.filter(action="directory.import.completed").exists()


def test_csv_services_for_existing_org(dinsos_admin):
    org = OrganizationFactory(name="Panti Lama")
    lines = [
        ",".join(SERVICE_COLUMNS),
        ",".join(str(v) for v in service_row("Panti Lama", "Rehabilitasi", categories="ABH")),
    ]
    upload = SimpleUploadedFile("services.csv", ("\n".join(lines) + "\n").encode())
    result = services.directory_import(actor=dinsos_admin, file=upload, kind="services")
    assert result.services_created == 1
    assert org.services.get().categories_served.get().code == "ABH"


def test_csv_unknown_category_and_organisation(dinsos_admin):
    lines = [
        ",".join(SERVICE_COLUMNS),
        ",".join(str(v) for v in service_row("Tidak Ada", "X", categories="ZZZ")),
    ]
    upload = SimpleUploadedFile("services.csv", ("\n".join(lines) + "\n").encode())
    with pytest.raises(ApplicationError) as excinfo:
        services.directory_import(actor=dinsos_admin, file=upload, kind="services")
    columns = {e["column"] for e in excinfo.value.extra["errors"]}
    assert columns == {"organisation_name", "categories"}


def test_import_page_lists_row_errors(client, dinsos_admin):
    login(client, dinsos_admin)
    before = counts()
    response = client.post(
        reverse("directory:import"),
        {"file": workbook([org_row("LKSA X", "31.99.99.9999")]), "kind": ""},
    )
    assert response.status_code == 422
    content = response.content.decode()
    assert "31.99.99.9999" in content and "kelurahan_code" in content
    assert counts() == before


def test_import_page_saves_valid_file(client, dinsos_admin):
    login(client, dinsos_admin)
    response = client.post(
        reverse("directory:import"),
        {"file": workbook([org_row("LKSA Y", kelurahan().code)]), "kind": ""},
    )
    assert response.status_code == 302
    assert Organization.objects.filter(name="LKSA Y").exists()


def test_import_denied_for_partner_staff(client, lksa_admin):
    login(client, lksa_admin)
    assert client.get(reverse("directory:import")).status_code == 403
    assert client.get(reverse("directory:import_template")).status_code == 403


def test_template_download_is_importable(client, dinsos_admin):
    login(client, dinsos_admin)
    response = client.get(reverse("directory:import_template"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb["organisations"][1]] == ORGANISATION_COLUMNS
    assert [c.value for c in wb["services"][1]] == SERVICE_COLUMNS
    # The example rows in the template are themselves valid.
    result = services.directory_import(
        actor=dinsos_admin, file=SimpleUploadedFile("t.xlsx", response.content), kind=""
    )
    assert (result.organizations_created, result.services_created) == (1, 1)
