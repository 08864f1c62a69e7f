"""Bulk import of the directory from a spreadsheet (XLSX via python-calamine) or CSV.

Two kinds of rows: organisations and services. Every row of every sheet is validated first
and problems are reported row by row (row number as the spreadsheet shows it, column, plain
message); nothing is written unless every row is valid, and then all in one transaction.
"""

from __future__ import annotations

import csv
import decimal
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from simpul.core import events
from simpul.core.audit import audit_log
from simpul.core.exceptions import ApplicationError
from simpul.core.spreadsheets import SheetRow as _Row
from simpul.core.spreadsheets import blank as _blank
from simpul.core.spreadsheets import cell_text as _text
from simpul.core.spreadsheets import formula_error, open_workbook, sheet_table
from simpul.core.spreadsheets import is_xlsx as _is_xlsx
from simpul.core.spreadsheets import parse_date as _date
from simpul.core.spreadsheets import parse_int as _int
from simpul.core.spreadsheets import read_bytes as _read_bytes
from simpul.core.spreadsheets import table_to_rows as _table_to_rows
from simpul.directory.models import (
    AccreditationGrade,
    CapacityRecord,
    LegalStatus,
    Location,
    Organization,
    OrganizationType,
    Phone,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from simpul.regions.models import Region

if TYPE_CHECKING:
    from simpul.accounts.models import User

ORGANISATIONS = "organisations"
SERVICES = "services"
KINDS = (ORGANISATIONS, SERVICES)

ORGANISATION_COLUMNS = [
    "name",
    "type",
    "legal_status",
    "registration_number",
    "accreditation_grade",
    "accreditation_valid_from",
    "accreditation_valid_until",
    "address",
    "kelurahan_code",
    "latitude",
    "longitude",
    "phone",
    "email",
    "website",
]
SERVICE_COLUMNS = [
    "organisation_name",
    "name",
    "service_type_code",
    "categories",
    "min_age",
    "max_age",
    "eligibility",
    "is_free",
    "opening_hours",
    "capacity_total",
    "capacity_occupied",
]
COLUMNS = {ORGANISATIONS: ORGANISATION_COLUMNS, SERVICES: SERVICE_COLUMNS}
REQUIRED = {
    ORGANISATIONS: {"name", "type"},
    SERVICES: {"organisation_name", "name", "service_type_code"},
}

TRUE_WORDS = {"1", "true", "yes", "ya", "y", "gratis", "free"}
FALSE_WORDS = {"0", "false", "no", "tidak", "t", "n", "berbayar", "paid"}
MAX_ROWS = 5000


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ImportResult:
    organizations_created: int = 0
    services_created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --- reading ---------------------------------------------------------------------------------
def read_tables(*, data: bytes, name: str, kind: str) -> dict[str, tuple[list[str], list[_Row]]]:
    """{kind: (header, rows)} for the sheets or CSV file given."""
    if _is_xlsx(data, name):
        workbook = open_workbook(data)
        names = {n.strip().lower(): n for n in workbook.sheet_names}
        tables: dict[str, tuple[list[str], list[_Row]]] = {}
        for wanted in KINDS:
            if wanted in names:
                tables[wanted] = _table_to_rows(sheet_table(workbook, names[wanted]))
        if not tables:
            raise ApplicationError(
                _(
                    'The workbook has no sheet named "organisations" or "services". '
                    "Use the template."
                )
            )
        return tables
    if kind not in KINDS:
        raise ApplicationError(_("Choose whether the CSV file holds organisations or services."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    table = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    return {kind: _table_to_rows(table)}


# --- value parsing ---------------------------------------------------------------------------
def _decimal(value: Any) -> decimal.Decimal:
    try:
        return decimal.Decimal(_text(value).replace(",", ".")).quantize(decimal.Decimal("0.000001"))
    except decimal.InvalidOperation as exc:
        raise ValueError(value) from exc


def _phone_text(value: Any) -> str:
    """Spreadsheets often store phone numbers as numbers, losing the leading 0."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = str(int(value))
        return digits if digits.startswith("62") else "0" + digits
    return _text(value)


def _choice(value: str, choices: Any) -> str | None:
    """Accept a choice code or its label, case-insensitively."""
    wanted = value.strip().lower()
    for code, label in choices.choices:
        if wanted in (str(code).lower(), str(label).lower()):
            return str(code)
    return None


# --- validation ------------------------------------------------------------------------------
class _Validator:
    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.kelurahan = {r.code: r for r in Region.objects.filter(level=4)}
        self.service_types = {
            t.code.lower(): t for t in TaxonomyTerm.objects.filter(taxonomy="service-type")
        }
        self.categories = {
            t.code.lower(): t for t in TaxonomyTerm.objects.filter(taxonomy="pmks-child")
        }

    def error(self, sheet: str, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(sheet=sheet, row=row, column=column, message=message))

    def formulas(self, sheet: str, row: _Row) -> None:
        """Refuse text cells that a spreadsheet program would run as a formula."""
        for column, value in row.values.items():
            message = formula_error(value)
            if message:
                self.error(sheet, row.number, column, message)

    def header(self, sheet: str, header: list[str]) -> bool:
        missing = [c for c in COLUMNS[sheet] if c in REQUIRED[sheet] and c not in header]
        for column in missing:
            self.error(
                sheet,
                1,
                column,
                _("The required column “%(column)s” is missing.") % {"column": column},
            )
        return not missing

    # organisations ---------------------------------------------------------------------------
    def organisations(self, rows: list[_Row]) -> list[dict[str, Any]]:
        sheet = ORGANISATIONS
        out: list[dict[str, Any]] = []
        seen: dict[str, int] = {}
        for row in rows:
            v = row.values
            n = row.number
            count_before = len(self.errors)
            self.formulas(sheet, row)
            item: dict[str, Any] = {"row": n, "phones": []}
            name = _text(v.get("name"))
            if not name:
                self.error(sheet, n, "name", _("The organisation name is missing."))
            elif len(name) > 255:
                self.error(sheet, n, "name", _("The name is longer than 255 characters."))
            else:
                key = name.casefold()
                if key in seen:
                    self.error(
                        sheet,
                        n,
                        "name",
                        _("“%(name)s” already appears in row %(row)s of this file.")
                        % {"name": name, "row": seen[key]},
                    )
                else:
                    seen[key] = n
            item["name"] = name
            org_type = (
                _choice(_text(v.get("type")), OrganizationType) if _text(v.get("type")) else None
            )
            if not _text(v.get("type")):
                self.error(sheet, n, "type", _("The organisation type is missing."))
            elif org_type is None:
                self.error(
                    sheet,
                    n,
                    "type",
                    _("Unknown organisation type “%(value)s”. Use one of: %(codes)s.")
                    % {"value": _text(v.get("type")), "codes": ", ".join(OrganizationType.values)},
                )
            item["org_type"] = org_type
            legal = _text(v.get("legal_status"))
            item["legal_status"] = ""
            if legal:
                code = _choice(legal, LegalStatus)
                if code is None:
                    self.error(
                        sheet,
                        n,
                        "legal_status",
                        _("Unknown legal status “%(value)s”. Use one of: %(codes)s.")
                        % {"value": legal, "codes": ", ".join(LegalStatus.values)},
                    )
                item["legal_status"] = code or ""
            item["registration_number"] = _text(v.get("registration_number"))[:100]
            grade = _text(v.get("accreditation_grade")).upper()
            if grade and grade not in AccreditationGrade.values:
                self.error(
                    sheet,
                    n,
                    "accreditation_grade",
                    _("The accreditation grade must be A, B or C (or empty)."),
                )
            item["accreditation_grade"] = grade if grade in AccreditationGrade.values else ""
            for column in ("accreditation_valid_from", "accreditation_valid_until"):
                item[column] = None
                if not _blank(v.get(column)):
                    try:
                        item[column] = _date(v.get(column))
                    except ValueError:
                        self.error(
                            sheet,
                            n,
                            column,
                            _("“%(value)s” is not a date. Write it as YYYY-MM-DD, e.g. 2026-01-31.")
                            % {"value": _text(v.get(column))},
                        )
            if (
                item["accreditation_valid_from"]
                and item["accreditation_valid_until"]
                and item["accreditation_valid_until"] < item["accreditation_valid_from"]
            ):
                self.error(
                    sheet,
                    n,
                    "accreditation_valid_until",
                    _("The accreditation ends before it starts."),
                )
            item["address"] = _text(v.get("address"))[:255]
            code = _text(v.get("kelurahan_code"))
            item["kelurahan"] = None
            if code:
                region = self.kelurahan.get(code)
                if region is None:
                    self.error(
                        sheet,
                        n,
                        "kelurahan_code",
                        _("Unknown kelurahan code “%(code)s” (expected e.g. 31.71.01.1001).")
                        % {"code": code},
                    )
                item["kelurahan"] = region
            for column, low, high in (("latitude", -11, 6), ("longitude", 95, 141)):
                item[column] = None
                if not _blank(v.get(column)):
                    try:
                        number = _decimal(v.get(column))
                        if not low <= number <= high:
                            raise ValueError(number)
                        item[column] = number
                    except ValueError:
                        self.error(
                            sheet,
                            n,
                            column,
                            _("“%(value)s” is not a valid %(column)s for Indonesia.")
                            % {"value": _text(v.get(column)), "column": column},
                        )
            phones = v.get("phone")
            if not _blank(phones):
                raw_numbers = (
                    [_phone_text(phones)]
                    if not isinstance(phones, str)
                    else [p.strip() for p in phones.replace(",", ";").split(";")]
                )
                from simpul.directory.phones import phone_normalize

                for raw in raw_numbers:
                    if not raw:
                        continue
                    try:
                        item["phones"].append(phone_normalize(raw))
                    except ApplicationError as exc:
                        self.error(sheet, n, "phone", str(exc.message))
            for column, validator in (("email", EmailValidator()), ("website", URLValidator())):
                value = _text(v.get(column))
                if column == "website" and value and "://" not in value:
                    value = "https://" + value
                item[column] = value
                if value:
                    try:
                        validator(value)
                    except ValidationError:
                        self.error(
                            sheet,
                            n,
                            column,
                            _("“%(value)s” is not a valid %(column)s.")
                            % {"value": _text(v.get(column)), "column": column},
                        )
            if len(self.errors) == count_before and name and item["kelurahan"] is not None:
                exists = Organization.objects.filter(
                    name__iexact=name, kelurahan=item["kelurahan"]
                ).exists()
                if exists:
                    self.error(
                        sheet,
                        n,
                        "name",
                        _("An organisation named “%(name)s” already exists in this kelurahan.")
                        % {"name": name},
                    )
            out.append(item)
        return out

    # services --------------------------------------------------------------------------------
    def services(self, rows: list[_Row], new_org_names: set[str]) -> list[dict[str, Any]]:
        sheet = SERVICES
        out: list[dict[str, Any]] = []
        seen: dict[tuple[str, str], int] = {}
        existing: dict[str, list[Organization]] = {}
        for row in rows:
            v = row.values
            n = row.number
            self.formulas(sheet, row)
            item: dict[str, Any] = {"row": n}
            org_name = _text(v.get("organisation_name"))
            item["organisation_name"] = org_name
            item["organization"] = None
            if not org_name:
                self.error(sheet, n, "organisation_name", _("The organisation name is missing."))
            elif org_name.casefold() not in new_org_names:
                key = org_name.casefold()
                if key not in existing:
                    existing[key] = list(Organization.objects.filter(name__iexact=org_name)[:2])
                matches = existing[key]
                if not matches:
                    self.error(
                        sheet,
                        n,
                        "organisation_name",
                        _("No organisation named “%(name)s” exists or is in this import.")
                        % {"name": org_name},
                    )
                elif len(matches) > 1:
                    self.error(
                        sheet,
                        n,
                        "organisation_name",
                        _(
                            "Several organisations are named “%(name)s”; the service cannot be matched."
                        )
                        % {"name": org_name},
                    )
                else:
                    item["organization"] = matches[0]
            name = _text(v.get("name"))
            item["name"] = name
            if not name:
                self.error(sheet, n, "name", _("The service name is missing."))
            elif org_name:
                key2 = (org_name.casefold(), name.casefold())
                if key2 in seen:
                    self.error(
                        sheet,
                        n,
                        "name",
                        _("This service already appears in row %(row)s of this file.")
                        % {"row": seen[key2]},
                    )
                else:
                    seen[key2] = n
                if (
                    item["organization"] is not None
                    and item["organization"].services.filter(name__iexact=name).exists()
                ):
                    self.error(
                        sheet,
                        n,
                        "name",
                        _("“%(org)s” already has a service named “%(name)s”.")
                        % {"org": org_name, "name": name},
                    )
            code = _text(v.get("service_type_code")).lower()
            item["service_type"] = self.service_types.get(code)
            if not code:
                self.error(sheet, n, "service_type_code", _("The service type code is missing."))
            elif item["service_type"] is None:
                self.error(
                    sheet,
                    n,
                    "service_type_code",
                    _("Unknown service type code “%(code)s”.") % {"code": code},
                )
            item["categories"] = []
            for cat in (_text(v.get("categories")).replace(",", ";")).split(";"):
                cat = cat.strip()
                if not cat:
                    continue
                term = self.categories.get(cat.lower())
                if term is None:
                    self.error(
                        sheet,
                        n,
                        "categories",
                        _("Unknown child category code “%(code)s”. Use one of: %(codes)s.")
                        % {
                            "code": cat,
                            "codes": ", ".join(t.code for t in self.categories.values()),
                        },
                    )
                else:
                    item["categories"].append(term)
            for column in ("min_age", "max_age"):
                item[column] = None
                if not _blank(v.get(column)):
                    try:
                        age = _int(v.get(column))
                        if not 0 <= age <= 25:
                            raise ValueError(age)
                        item[column] = age
                    except ValueError:
                        self.error(
                            sheet,
                            n,
                            column,
                            _("“%(value)s” is not an age between 0 and 25.")
                            % {"value": _text(v.get(column))},
                        )
            if (
                item["min_age"] is not None
                and item["max_age"] is not None
                and item["max_age"] < item["min_age"]
            ):
                self.error(sheet, n, "max_age", _("The maximum age is lower than the minimum age."))
            item["eligibility"] = _text(v.get("eligibility"))
            free = v.get("is_free")
            item["is_free"] = True
            if not _blank(free):
                word = (
                    _text(free).lower()
                    if not isinstance(free, bool)
                    else ("true" if free else "false")
                )
                if word in TRUE_WORDS:
                    item["is_free"] = True
                elif word in FALSE_WORDS:
                    item["is_free"] = False
                else:
                    self.error(
                        sheet,
                        n,
                        "is_free",
                        _("Write yes or no for “is_free” (not “%(value)s”).")
                        % {"value": _text(free)},
                    )
            item["opening_hours"] = _text(v.get("opening_hours"))[:255]
            capacity: dict[str, int | None] = {}
            for column in ("capacity_total", "capacity_occupied"):
                capacity[column] = None
                if not _blank(v.get(column)):
                    try:
                        places = _int(v.get(column))
                        if places < 0:
                            raise ValueError(places)
                        capacity[column] = places
                    except ValueError:
                        self.error(
                            sheet,
                            n,
                            column,
                            _("“%(value)s” is not a whole number of places.")
                            % {"value": _text(v.get(column))},
                        )
            total, occupied = capacity["capacity_total"], capacity["capacity_occupied"]
            if _blank(v.get("capacity_total")) != _blank(v.get("capacity_occupied")):
                missing = (
                    "capacity_total" if _blank(v.get("capacity_total")) else "capacity_occupied"
                )
                self.error(
                    sheet,
                    n,
                    missing,
                    _("Give both capacity_total and capacity_occupied, or neither."),
                )
            elif total is not None and occupied is not None and occupied > total:
                self.error(
                    sheet,
                    n,
                    "capacity_occupied",
                    _("More places are occupied than exist in total."),
                )
            item["capacity_total"], item["capacity_occupied"] = total, occupied
            out.append(item)
        return out


# --- running ---------------------------------------------------------------------------------
def run_import(*, actor: User | None, file: Any, kind: str) -> ImportResult:
    data = _read_bytes(file)
    name = getattr(file, "name", "") or ""
    if not data:
        raise ApplicationError(_("The file is empty."))
    tables = read_tables(data=data, name=name, kind=kind)
    validator = _Validator()
    orgs: list[dict[str, Any]] = []
    services: list[dict[str, Any]] = []
    total_rows = sum(len(rows) for _header, rows in tables.values())
    if total_rows == 0:
        raise ApplicationError(_("The file has no data rows."))
    if total_rows > MAX_ROWS:
        raise ApplicationError(
            _("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS}
        )
    if ORGANISATIONS in tables:
        header, rows = tables[ORGANISATIONS]
        if validator.header(ORGANISATIONS, header):
            orgs = validator.organisations(rows)
    if SERVICES in tables:
        header, rows = tables[SERVICES]
        if validator.header(SERVICES, header):
            services = validator.services(rows, {o["name"].casefold() for o in orgs if o["name"]})
    if validator.errors:
        errors = sorted(validator.errors, key=lambda e: (KINDS.index(e.sheet), e.row))
        raise ApplicationError(
            _(
                "Nothing was imported: %(count)s problem(s) were found. Correct them and upload the file again."
            )
            % {"count": len(errors)},
            extra={"errors": [e.as_dict() for e in errors]},
        )
    return _save(actor=actor, orgs=orgs, services=services, file_name=name)


@transaction.atomic
def _save(
    *,
    actor: User | None,
    orgs: list[dict[str, Any]],
    services: list[dict[str, Any]],
    file_name: str,
) -> ImportResult:
    result = ImportResult()
    created: dict[str, Organization] = {}
    for item in orgs:
        org = Organization(
            name=item["name"],
            org_type=item["org_type"],
            legal_status=item["legal_status"],
            registration_number=item["registration_number"],
            accreditation_grade=item["accreditation_grade"],
            accreditation_valid_from=item["accreditation_valid_from"],
            accreditation_valid_until=item["accreditation_valid_until"],
            address=item["address"],
            kelurahan=item["kelurahan"],
            latitude=item["latitude"],
            longitude=item["longitude"],
            email=item["email"],
            website=item["website"],
        )
        _clean(org, ORGANISATIONS, item["row"])
        org.save()
        location = Location(
            organization=org,
            name=org.name,
            address=org.address,
            kelurahan=org.kelurahan,
            latitude=org.latitude,
            longitude=org.longitude,
        )
        location.save()
        for e164, national, kind in dict.fromkeys(item["phones"]):
            Phone.objects.create(organization=org, number=e164, national=national, kind=kind)
        created[org.name.casefold()] = org
        result.organizations_created += 1
    for item in services:
        org = item["organization"] or created[item["organisation_name"].casefold()]
        service = Service(
            organization=org,
            name=item["name"],
            service_type=item["service_type"],
            min_age=item["min_age"],
            max_age=item["max_age"],
            eligibility=item["eligibility"],
            is_free=item["is_free"],
            opening_hours=item["opening_hours"],
            capacity_total=item["capacity_total"],
            capacity_occupied=item["capacity_occupied"],
        )
        if service.capacity_total is not None:
            from django.utils import timezone

            service.capacity_updated_at = timezone.now()
        _clean(service, SERVICES, item["row"])
        service.save()
        service.categories_served.set(item["categories"])
        for location in org.locations.all():
            ServiceAtLocation.objects.create(service=service, location=location)
        if service.capacity_total is not None:
            CapacityRecord.objects.create(
                service=service,
                total=service.capacity_total,
                occupied=service.capacity_occupied or 0,
                recorded_by=actor if actor is not None and actor.is_authenticated else None,
                note=events.stored("directory.capacity.imported"),
            )
        result.services_created += 1
    audit_log(
        actor=actor,
        action="directory.import.completed",
        data={
            "file": file_name,
            "organizations_created": result.organizations_created,
            "services_created": result.services_created,
        },
    )
    return result


def _clean(instance: Any, sheet: str, row: int) -> None:
    """A last model-level check; any failure aborts the whole import (one transaction)."""
    try:
        instance.full_clean()
    except ValidationError as exc:
        messages = "; ".join(exc.messages)
        error = RowError(sheet=sheet, row=row, column="", message=messages)
        raise ApplicationError(
            _("Nothing was imported: row %(row)s could not be saved.") % {"row": row},
            extra={"errors": [error.as_dict()]},
        ) from exc


def template_workbook() -> bytes:
    """An XLSX template with both sheets, their headers and one example row each."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    orgs = workbook.active
    orgs.title = ORGANISATIONS
    orgs.append(ORGANISATION_COLUMNS)
    orgs.append(
        [
            "LKSA Contoh Harapan",
            "lksa",
            "yayasan",
            "AHU-0001.AH.01.04.2020",
            "B",
            "2024-01-15",
            "2027-01-14",
            "Jl. Contoh No. 1",
            "31.71.01.1001",
            "-6.200000",
            "106.816666",
            "021 5551234; 0812-3456-7890",
            "info@example.org",
            "https://example.org",
        ]
    )
    services = workbook.create_sheet(SERVICES)
    services.append(SERVICE_COLUMNS)
    services.append(
        [
            "LKSA Contoh Harapan",
            "Pengasuhan anak",
            "residential-care",
            "AT; ABT",
            0,
            17,
            "Anak telantar usia 0–17 tahun",
            "yes",
            "Senin–Jumat 08.00–16.00",
            30,
            21,
        ]
    )
    help_sheet = workbook.create_sheet("codes")
    help_sheet.append(["list", "code", "name"])
    for code, label in OrganizationType.choices:
        help_sheet.append(["type", code, str(label)])
    for code, label in LegalStatus.choices:
        help_sheet.append(["legal_status", code, str(label)])
    for term in TaxonomyTerm.objects.filter(taxonomy="service-type").order_by("sort_order"):
        help_sheet.append(["service_type_code", term.code, term.name])
    for term in TaxonomyTerm.objects.filter(taxonomy="pmks-child").order_by("sort_order"):
        help_sheet.append(["categories", term.code, term.name])
    for sheet in (orgs, services, help_sheet):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 22
    # Phone and region codes are text: keep Excel from turning them into numbers.
    for row in orgs.iter_rows(min_row=2):
        for cell in row:
            cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
