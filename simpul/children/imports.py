"""Import of children from a spreadsheet of the kind Suku Dinas operators keep (XLSX, read with
python-calamine).

The flow (services here; thin views in ``import_views``, tasks in ``tasks``):

1. ``child_import_upload`` stores the file under MEDIA_ROOT/protected/imports/ and enqueues
   ``validate_child_import`` on commit.
2. ``child_import_validate`` (background) checks every row — name, sex, date of birth or an
   estimated age with its reason (a date is never derived from a NIK), NIK / No. KK (identity
   rules of :mod:`simpul.children.identity`), region codes, category and condition codes with the
   age rule, names repeated within the file, and the duplicate check against the registry
   (:func:`simpul.children.selectors.child_duplicate_candidates`, masked as for the importer) —
   updating ``processed_rows`` as it goes. Nothing is saved but the report.
3. The importer reviews the preview; rows with possible duplicates need a decision ("different
   child, import" / "skip: same as an existing record") — ``child_import_decide``.
4. ``child_import_accept`` (refused while any row has an error) enqueues ``run_child_import``;
   ``child_import_run`` re-reads and re-checks the file and registers every accepted row in ONE
   transaction through ``child_register`` (blocking keys, name-token counts and audit events as
   for a registration by hand). If anything fails nothing is saved and the job shows the error.
5. The uploaded file is deleted once the import is done, has failed, or is cancelled.

Row numbers in messages are those the spreadsheet shows; columns are named as in the file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import io
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from simpul import matching
from simpul.accounts import permissions
from simpul.children import selectors
from simpul.children.identity import (
    MAX_CHILD_AGE,
    MAX_ESTIMATED_AGE,
    age_on,
    clean_identity,
    record_from_values,
    warning_text,
)
from simpul.children.models import (
    AgeEstimateReason,
    Category,
    CategorySubtype,
    ChildImport,
    Condition,
    SchoolStatus,
    Sex,
)
from simpul.core.audit import audit_log
from simpul.core.exceptions import ApplicationError
from simpul.core.jobs import enqueue_on_commit
from simpul.core.spreadsheets import (
    SheetRow,
    blank,
    cell_text,
    formula_error,
    open_workbook,
    parse_date,
    parse_int,
    read_bytes,
    row_is_blank,
    sheet_table,
    table_to_rows,
)
from simpul.regions.models import Region

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from simpul.accounts.models import User

logger = logging.getLogger(__name__)

# The columns of the template, in order (Indonesian, as operators write them).
COLUMNS = (
    "nama_lengkap",
    "nama_panggilan",
    "jenis_kelamin",
    "tanggal_lahir",
    "usia_perkiraan",
    "alasan_perkiraan",
    "nik",
    "no_kk",
    "nama_ibu",
    "kelurahan_kode",
    "alamat",
    "lokasi_jalanan",
    "asal_daerah_kode",
    "status_sekolah",
    "kategori",
    "kondisi",
    "catatan",
)
# Other ways operators head the same column (compared after normalising: lower case, no
# accents, words joined by "_", anything in brackets dropped).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "nama_lengkap": ("nama", "nama_anak", "nama_lengkap_anak", "full_name", "name"),
    "nama_panggilan": ("panggilan", "nama_alias", "alias", "nickname", "nama_lain"),
    "jenis_kelamin": ("jk", "lp", "l_p", "kelamin", "sex", "gender", "jenis_kelamin_anak"),
    "tanggal_lahir": (
        "tgl_lahir",
        "tgl_lhr",
        "tanggal_lhr",
        "birth_date",
        "tanggal_kelahiran",
        "tgllahir",
    ),
    "usia_perkiraan": (
        "usia",
        "umur",
        "perkiraan_usia",
        "umur_perkiraan",
        "perkiraan_umur",
        "estimated_age",
        "usia_tahun",
    ),
    "alasan_perkiraan": (
        "alasan",
        "alasan_perkiraan_usia",
        "dasar_perkiraan",
        "sumber_usia",
        "alasan_usia",
    ),
    "nik": ("no_nik", "nomor_nik", "nik_anak", "nomor_induk_kependudukan"),
    "no_kk": ("kk", "nomor_kk", "no_kartu_keluarga", "nomor_kartu_keluarga", "nokk"),
    "nama_ibu": ("ibu", "nama_ibu_kandung", "mother_name", "ibu_kandung"),
    "kelurahan_kode": (
        "kode_kelurahan",
        "kode_kel",
        "kd_kel",
        "kelurahan",
        "kode_wilayah",
        "kelurahan_code",
    ),
    "alamat": ("alamat_sekarang", "alamat_domisili", "domisili", "address"),
    "lokasi_jalanan": (
        "lokasi",
        "titik_lokasi",
        "lokasi_ditemukan",
        "tempat_ditemukan",
        "titik_jalanan",
    ),
    "asal_daerah_kode": (
        "kode_asal_daerah",
        "asal_daerah",
        "kode_daerah_asal",
        "daerah_asal",
        "asal",
    ),
    "status_sekolah": ("sekolah", "pendidikan", "status_pendidikan"),
    "kategori": ("kategori_pmks", "pmks", "ppks", "kategori_ppks", "jenis_pmks"),
    "kondisi": ("kriteria", "kondisi_anak"),
    "catatan": ("keterangan", "ket", "notes", "catatan_petugas"),
}
REQUIRED_COLUMNS = ("nama_lengkap", "jenis_kelamin")
MAX_ROWS = 10_000
MAX_BYTES = 10 * 1024 * 1024
PROGRESS_EVERY = 20
CANDIDATE_LIMIT = 5
NOTE_LIMIT = 1000
IMPORT = "import"
SKIP = "skip"
STATUSES = ("ok", "warning", "duplicate", "error")

SEX_WORDS = {
    "l": Sex.MALE,
    "lk": Sex.MALE,
    "laki": Sex.MALE,
    "laki-laki": Sex.MALE,
    "laki laki": Sex.MALE,
    "pria": Sex.MALE,
    "m": Sex.MALE,
    "male": Sex.MALE,
    "p": Sex.FEMALE,
    "pr": Sex.FEMALE,
    "perempuan": Sex.FEMALE,
    "wanita": Sex.FEMALE,
    "w": Sex.FEMALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
}
# Words in "alasan_perkiraan" → the reason of the estimate (first match wins).
REASON_WORDS: tuple[tuple[str, str], ...] = (
    ("medis", AgeEstimateReason.MEDICAL),
    ("dokter", AgeEstimateReason.MEDICAL),
    ("gigi", AgeEstimateReason.MEDICAL),
    ("medical", AgeEstimateReason.MEDICAL),
    ("dokumen", AgeEstimateReason.DOCUMENT),
    ("akta", AgeEstimateReason.DOCUMENT),
    ("surat", AgeEstimateReason.DOCUMENT),
    ("ijazah", AgeEstimateReason.DOCUMENT),
    ("rapor", AgeEstimateReason.DOCUMENT),
    ("document", AgeEstimateReason.DOCUMENT),
    ("orang tua", AgeEstimateReason.CAREGIVER),
    ("ortu", AgeEstimateReason.CAREGIVER),
    ("pengasuh", AgeEstimateReason.CAREGIVER),
    ("keluarga", AgeEstimateReason.CAREGIVER),
    ("ibu", AgeEstimateReason.CAREGIVER),
    ("ayah", AgeEstimateReason.CAREGIVER),
    ("wali", AgeEstimateReason.CAREGIVER),
    ("caregiver", AgeEstimateReason.CAREGIVER),
    ("petugas", AgeEstimateReason.OFFICER),
    ("penampilan", AgeEstimateReason.OFFICER),
    ("fisik", AgeEstimateReason.OFFICER),
    ("officer", AgeEstimateReason.OFFICER),
    ("anak", AgeEstimateReason.SELF_REPORT),
    ("sendiri", AgeEstimateReason.SELF_REPORT),
    ("self", AgeEstimateReason.SELF_REPORT),
    ("lain", AgeEstimateReason.OTHER),
    ("other", AgeEstimateReason.OTHER),
)
SCHOOL_WORDS: dict[str, str] = {
    "belum sekolah": SchoolStatus.NOT_YET,
    "belum usia sekolah": SchoolStatus.NOT_YET,
    "belum": SchoolStatus.NOT_YET,
    "sekolah": SchoolStatus.IN_SCHOOL,
    "masih sekolah": SchoolStatus.IN_SCHOOL,
    "bersekolah": SchoolStatus.IN_SCHOOL,
    "non formal": SchoolStatus.NON_FORMAL,
    "nonformal": SchoolStatus.NON_FORMAL,
    "pkbm": SchoolStatus.NON_FORMAL,
    "paket": SchoolStatus.NON_FORMAL,
    "kejar paket": SchoolStatus.NON_FORMAL,
    "putus sekolah": SchoolStatus.DROPPED_OUT,
    "putus": SchoolStatus.DROPPED_OUT,
    "ds": SchoolStatus.DROPPED_OUT,
    "tidak pernah sekolah": SchoolStatus.NEVER,
    "tidak sekolah": SchoolStatus.NEVER,
    "tidak pernah": SchoolStatus.NEVER,
    "tidak diketahui": SchoolStatus.UNKNOWN,
    "tidak tahu": SchoolStatus.UNKNOWN,
    "-": SchoolStatus.UNKNOWN,
}
# identity field (clean_identity) → column of the sheet
FIELD_COLUMNS = {
    "full_name": "nama_lengkap",
    "sex": "jenis_kelamin",
    "birth_date": "tanggal_lahir",
    "estimated_age": "usia_perkiraan",
    "age_estimate_reason": "alasan_perkiraan",
    "age_estimated_on": "usia_perkiraan",
    "age_estimate_note": "alasan_perkiraan",
    "nik": "nik",
    "no_kk": "no_kk",
    "mother_name": "nama_ibu",
    "current_kelurahan": "kelurahan_kode",
    "current_address": "alamat",
    "current_spot": "lokasi_jalanan",
    "origin_region_code": "asal_daerah_kode",
    "school_status": "status_sekolah",
}
_SPLIT = re.compile(r"[;,\n]+")
_BRACKETS = re.compile(r"\(.*?\)|\[.*?\]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_FLOAT_EXACT = 2**53
_AGE = re.compile(r"^\s*(\d{1,2})\s*(?:tahun|thn|th)?\.?\s*$", re.IGNORECASE)


# --- headers ---------------------------------------------------------------------------------
def normalise_header(value: Any) -> str:
    """ "Jenis Kelamin (L/P)" → "jenis_kelamin"; "Tgl. Lahir" → "tgl_lahir"."""
    text = (
        unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode().lower()
    )
    text = _BRACKETS.sub(" ", text)
    return _NON_WORD.sub("_", text).strip("_")


_HEADER_LOOKUP: dict[str, str] = {}
for _canonical in COLUMNS:
    _HEADER_LOOKUP[_canonical] = _canonical
    _HEADER_LOOKUP[_canonical.replace("_", "")] = _canonical
    for _alias in HEADER_ALIASES.get(_canonical, ()):
        _HEADER_LOOKUP[_alias] = _canonical
        _HEADER_LOOKUP[_alias.replace("_", "")] = _canonical


def column_for_header(value: Any) -> str:
    """The template column a header cell means, or "" (exact after normalising, else a close
    spelling of a known header)."""
    key = normalise_header(value)
    if not key:
        return ""
    if key in _HEADER_LOOKUP:
        return _HEADER_LOOKUP[key]
    if key.replace("_", "") in _HEADER_LOOKUP:
        return _HEADER_LOOKUP[key.replace("_", "")]
    close = difflib.get_close_matches(key, list(_HEADER_LOOKUP), n=1, cutoff=0.85)
    return _HEADER_LOOKUP[close[0]] if close else ""


@dataclass
class Sheet:
    name: str
    header_row: int  # as the spreadsheet shows it
    columns: dict[str, str]  # template column → header as written in the file
    ignored: list[str]  # headers not recognised
    rows: list[SheetRow]


def _find_sheet(data: bytes) -> Sheet:
    """The first sheet with a header row naming at least the child's name and one more template
    column; the header may follow a few title lines."""
    workbook = open_workbook(data)
    for sheet_name in workbook.sheet_names:
        table = sheet_table(workbook, sheet_name)
        seen = 0
        for index, raw in enumerate(table):
            if row_is_blank(raw):
                continue
            seen += 1
            if seen > 10:
                break
            header = [column_for_header(c) for c in raw]
            if "nama_lengkap" not in header or len(set(header) - {""}) < 2:
                continue
            columns: dict[str, str] = {}
            ignored: list[str] = []
            final: list[str] = []
            for cell, canonical in zip(raw, header, strict=False):
                text = cell_text(cell)
                if canonical and canonical not in columns:
                    columns[canonical] = text
                    final.append(canonical)
                else:
                    if text:
                        ignored.append(text)
                    final.append("")
            _header, rows = table_to_rows(table, header_index=index, header=final)
            return Sheet(
                name=sheet_name, header_row=index + 1, columns=columns, ignored=ignored, rows=rows
            )
    raise ApplicationError(
        _(
            "No sheet of this file has the columns of the template (at least “nama_lengkap” and "
            "“jenis_kelamin”). Download the template and copy your rows into it."
        )
    )


def read_sheet(data: bytes) -> Sheet:
    """The sheet to import, with the file-level checks (required columns, row count)."""
    sheet = _find_sheet(data)
    missing = [c for c in REQUIRED_COLUMNS if c not in sheet.columns]
    if "tanggal_lahir" not in sheet.columns and "usia_perkiraan" not in sheet.columns:
        missing.append("tanggal_lahir")
    if missing:
        raise ApplicationError(
            _("The sheet “%(sheet)s” has no column %(columns)s. Use the template's column names.")
            % {"sheet": sheet.name, "columns": ", ".join(f"“{c}”" for c in missing)}
        )
    if not sheet.rows:
        raise ApplicationError(
            _("The sheet “%(sheet)s” has no rows of children.") % {"sheet": sheet.name}
        )
    if len(sheet.rows) > MAX_ROWS:
        raise ApplicationError(
            _(
                "The file has %(count)s rows; at most %(max)s can be imported at once. Split it into smaller files."
            )
            % {"count": len(sheet.rows), "max": MAX_ROWS}
        )
    return sheet


# --- rows ------------------------------------------------------------------------------------
@dataclass
class ParsedRow:
    number: int
    name: str = ""
    data: dict[str, Any] = field(default_factory=dict)  # for child_register
    aliases: list[str] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    category_flags: dict[str, str] = field(default_factory=dict)  # category pk → override reason
    subtypes: dict[str, CategorySubtype] = field(default_factory=dict)  # category pk → subtype
    note: str = ""
    age: int | None = None
    birth_year: int | None = None
    errors: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.errors:
            return "error"
        if self.candidates:
            return "duplicate"
        if self.warnings:
            return "warning"
        return "ok"


def _split(value: Any) -> list[str]:
    return [p.strip() for p in _SPLIT.split(cell_text(value)) if p.strip()]


def _reason(text: str) -> str | None:
    wanted = " ".join(text.lower().split())
    if wanted in AgeEstimateReason.values:
        return wanted
    for code, label in AgeEstimateReason.choices:
        if wanted == str(label).lower():
            return code
    for word, code in REASON_WORDS:
        if word in wanted:
            return code
    return None


def _school(text: str) -> str | None:
    wanted = " ".join(text.lower().replace("_", " ").split())
    if wanted.replace(" ", "_") in SchoolStatus.values:
        return wanted.replace(" ", "_")
    for code, label in SchoolStatus.choices:
        if wanted == str(label).lower():
            return code
    return SCHOOL_WORDS.get(wanted)


def _kelurahan_code(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    if "." not in text and len(digits) == 10:  # 3175011001 → 31.75.01.1001
        return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"
    return text.strip()


_age_at = age_on


class RowParser:
    """Checks rows one by one; reference data (regions, categories, conditions) loaded once."""

    def __init__(self, columns: dict[str, str], *, today: dt.date | None = None) -> None:
        self.columns = columns
        self.today = today or timezone.localdate()
        self.regions = {r.code: r for r in Region.objects.filter(code__startswith="31.")}
        self.kelurahan_names: dict[str, list[Region]] = {}
        for region in self.regions.values():
            if region.level == Region.Level.VILLAGE:
                self.kelurahan_names.setdefault(" ".join(region.name.lower().split()), []).append(
                    region
                )
        cats = list(Category.objects.all())
        self.categories: dict[str, Category] = {}
        for cat in cats:  # PMKS codes first, then Jakarta field labels; names too
            if cat.scheme == Category.Scheme.PMKS:
                self.categories[cat.code.lower()] = cat
        for cat in cats:
            if cat.scheme == Category.Scheme.FIELD:
                self.categories.setdefault(cat.code.lower(), cat)
                self.categories.setdefault(cat.code.lower().replace("_", " "), cat)
                self.categories.setdefault(cat.code.lower().replace("_", "-"), cat)
        for cat in cats:
            if cat.scheme in (Category.Scheme.PMKS, Category.Scheme.FIELD):
                self.categories.setdefault(cat.name.lower(), cat)
        self.subtypes: dict[tuple[Any, str], CategorySubtype] = {
            (st.category_id, st.code.lower()): st for st in CategorySubtype.objects.all()
        }
        self.conditions: dict[str, Condition] = {}
        for cond in Condition.objects.all():
            self.conditions[cond.code.lower()] = cond
            self.conditions.setdefault(cond.name.lower(), cond)
        self.pmks_codes = ", ".join(c.code for c in cats if c.scheme == Category.Scheme.PMKS)
        self.seen_names: dict[tuple[str, int | None], int] = {}
        self.seen_niks: dict[str, int] = {}

    def column(self, canonical: str) -> str:
        """The column as headed in the file (the template name when the file has none)."""
        return self.columns.get(canonical) or canonical

    def _error(self, row: ParsedRow, canonical: str, message: str) -> None:
        row.errors.append({"column": self.column(canonical), "message": message})

    def _warning(self, row: ParsedRow, canonical: str, message: str) -> None:
        row.warnings.append({"column": self.column(canonical), "message": message})

    def parse(self, sheet_row: SheetRow) -> ParsedRow:
        v = sheet_row.values
        row = ParsedRow(number=sheet_row.number)
        data: dict[str, Any] = {}
        for column, value in v.items():
            message = formula_error(value)
            if message:
                self._error(row, column, message)

        name = " ".join(cell_text(v.get("nama_lengkap")).split())
        row.name = name
        data["full_name"] = name
        if not name:
            self._error(row, "nama_lengkap", _("The child's full name is missing."))
        row.aliases = [a for a in _split(v.get("nama_panggilan")) if a.lower() != name.lower()]

        sex_text = cell_text(v.get("jenis_kelamin")).lower()
        data["sex"] = SEX_WORDS.get(sex_text, "")
        if not sex_text:
            self._error(
                row, "jenis_kelamin", _("The sex is missing: write L (laki-laki) or P (perempuan).")
            )
        elif not data["sex"]:
            self._error(
                row,
                "jenis_kelamin",
                _("“%(value)s” is not a sex: write L (laki-laki) or P (perempuan).")
                % {"value": cell_text(v.get("jenis_kelamin"))},
            )

        self._parse_age(row, v, data)

        for key, canonical in (("nik", "nik"), ("no_kk", "no_kk")):
            raw = v.get(canonical)
            data[key] = cell_text(raw)
            if isinstance(raw, float) and not isinstance(raw, bool) and raw >= _FLOAT_EXACT:
                self._warning(
                    row,
                    canonical,
                    _(
                        "This number was stored as a number in the sheet and may have been "
                        "rounded. Check it, and format the column as text."
                    ),
                )
        data["mother_name"] = cell_text(v.get("nama_ibu"))

        kel_text = cell_text(v.get("kelurahan_kode"))
        data["current_kelurahan"] = None
        if kel_text:
            code = _kelurahan_code(kel_text)
            region = self.regions.get(code)
            by_name = (
                self.kelurahan_names.get(" ".join(kel_text.lower().split()), [])
                if region is None
                else []
            )
            if len(by_name) == 1:  # a kelurahan's name instead of its code, when unambiguous
                region = by_name[0]
            if len(by_name) > 1:
                self._error(
                    row,
                    "kelurahan_kode",
                    _(
                        "Several kelurahan are named “%(name)s”: give the code instead "
                        "(e.g. 31.75.01.1001)."
                    )
                    % {"name": kel_text},
                )
            elif region is None:
                self._error(
                    row,
                    "kelurahan_kode",
                    _(
                        "Unknown kelurahan code “%(code)s”: use a Kemendagri code such as "
                        "31.75.01.1001."
                    )
                    % {"code": kel_text},
                )
            elif region.level != Region.Level.VILLAGE:
                self._error(
                    row,
                    "kelurahan_kode",
                    _(
                        "“%(code)s” is the code of %(name)s, not of a kelurahan: use a "
                        "kelurahan code such as 31.75.01.1001."
                    )
                    % {"code": kel_text, "name": region.name},
                )
            else:
                data["current_kelurahan"] = region
        data["current_address"] = cell_text(v.get("alamat"))
        data["current_spot"] = cell_text(v.get("lokasi_jalanan"))
        data["origin_region_code"] = cell_text(v.get("asal_daerah_kode"))

        school = cell_text(v.get("status_sekolah"))
        data["school_status"] = SchoolStatus.UNKNOWN
        if school:
            school_code = _school(school)
            if school_code is None:
                self._error(
                    row,
                    "status_sekolah",
                    _(
                        "“%(value)s” is not a school status: write e.g. sekolah, putus "
                        "sekolah, tidak pernah sekolah, belum sekolah, non formal."
                    )
                    % {"value": school},
                )
            else:
                data["school_status"] = school_code

        condition_codes: list[str] = []
        for token in _split(v.get("kondisi")):
            cond = self.conditions.get(token.lower()) or self.conditions.get(
                token.lower().replace(" ", "_")
            )
            if cond is None:
                self._error(
                    row,
                    "kondisi",
                    _(
                        "Unknown condition “%(code)s”: use the condition codes of the template's "
                        "“kode” sheet."
                    )
                    % {"code": token},
                )
            elif cond.code not in condition_codes:
                condition_codes.append(cond.code)
        data["conditions"] = condition_codes

        for token in _split(v.get("kategori")):
            # "ABH:korban" or "AJ/on_street": a category with its subtype.
            head, sep, sub = token.replace("/", ":").partition(":")
            key = head.strip().lower()
            cat = self.categories.get(key) or self.categories.get(key.replace(" ", "_"))
            subtype = None
            if cat is not None and sep:
                subtype = self.subtypes.get((cat.pk, sub.strip().lower().replace(" ", "_")))
                if subtype is None:
                    codes = ", ".join(sorted(c for (pk, c) in self.subtypes if pk == cat.pk)) or "—"
                    self._error(
                        row,
                        "kategori",
                        _(
                            "Unknown subtype “%(sub)s” of %(category)s: use one of %(codes)s, "
                            "e.g. %(category)s:%(example)s."
                        )
                        % {
                            "sub": sub.strip(),
                            "category": cat.code,
                            "codes": codes,
                            "example": codes.split(", ")[0],
                        },
                    )
                    continue
            if cat is None:
                self._error(
                    row,
                    "kategori",
                    _("Unknown category “%(code)s”: use the PMKS codes %(codes)s (separated by ;).")
                    % {"code": token, "codes": self.pmks_codes},
                )
                continue
            if cat in row.categories:
                continue
            row.categories.append(cat)
            if subtype is not None:
                row.subtypes[str(cat.pk)] = subtype
                if subtype.age_fits(row.age) is False:
                    self._warning(
                        row,
                        "kategori",
                        _(
                            "The subtype %(subtype)s does not fit the child's age (%(age)s years). "
                            "It will be recorded and flagged."
                        )
                        % {"subtype": subtype.code, "age": row.age},
                    )
                    row.category_flags.setdefault(
                        str(cat.pk),
                        _("Imported from a spreadsheet; the subtype's age rule was not met."),
                    )
            if cat.age_fits(row.age) is False:
                rule = cat.age_rule_note or _("age rule not met")
                self._warning(
                    row,
                    "kategori",
                    _(
                        "%(category)s does not fit the child's age (%(age)s years): %(rule)s. "
                        "It will be recorded and flagged."
                    )
                    % {"category": cat.code, "age": row.age, "rule": rule},
                )
                row.category_flags[str(cat.pk)] = _(
                    "Imported from a spreadsheet; the age rule was not met (%(rule)s)."
                ) % {"rule": rule}

        row.note = cell_text(v.get("catatan"))[:NOTE_LIMIT]
        row.data = data
        self._identity(row)
        self._within_file(row)
        return row

    def _parse_age(self, row: ParsedRow, v: dict[str, Any], data: dict[str, Any]) -> None:
        data["birth_date"] = None
        data["estimated_age"] = None
        raw_date, raw_age = v.get("tanggal_lahir"), v.get("usia_perkiraan")
        birth_date = None
        if not blank(raw_date):
            try:
                birth_date = parse_date(raw_date, excel_serial=True)
                if birth_date.year < 1900:
                    raise ValueError(raw_date)
            except ValueError:
                self._error(
                    row,
                    "tanggal_lahir",
                    _(
                        "“%(value)s” is not a date: write dd/mm/yyyy (e.g. 14/03/2012) or "
                        "yyyy-mm-dd."
                    )
                    % {"value": cell_text(raw_date)},
                )
                return
            if birth_date > self.today:
                self._error(
                    row,
                    "tanggal_lahir",
                    _("The date of birth %(date)s is in the future.")
                    % {"date": birth_date.strftime("%d/%m/%Y")},
                )
                return
            if _age_at(birth_date, self.today) > MAX_CHILD_AGE:
                self._error(
                    row,
                    "tanggal_lahir",
                    _(
                        "The date of birth %(date)s makes the child %(age)s years old: a child "
                        "record is for ages up to %(max)s. Check the year."
                    )
                    % {
                        "date": birth_date.strftime("%d/%m/%Y"),
                        "age": _age_at(birth_date, self.today),
                        "max": MAX_CHILD_AGE,
                    },
                )
                return
        age = None
        if not blank(raw_age):
            try:
                age_match = _AGE.match(cell_text(raw_age)) if isinstance(raw_age, str) else None
                age = int(age_match.group(1)) if age_match else parse_int(raw_age)
                if not 0 <= age <= MAX_ESTIMATED_AGE:
                    raise ValueError(age)
            except ValueError:
                if birth_date is None:
                    self._error(
                        row,
                        "usia_perkiraan",
                        _("“%(value)s” is not an age: write whole years from 0 to %(max)s.")
                        % {"value": cell_text(raw_age), "max": MAX_ESTIMATED_AGE},
                    )
                    return
                age = None
        if birth_date is not None:
            data["birth_date"] = birth_date
            row.age = _age_at(birth_date, self.today)
            row.birth_year = birth_date.year
            if age is not None:
                self._warning(
                    row,
                    "usia_perkiraan",
                    _(
                        "Both a date of birth and an estimated age are given: the date of "
                        "birth is used."
                    ),
                )
        elif age is not None:
            reason_text = cell_text(v.get("alasan_perkiraan"))
            reason = _reason(reason_text) if reason_text else None
            if not reason_text:
                self._error(
                    row,
                    "alasan_perkiraan",
                    _(
                        "Say how the age was estimated, e.g. anak (the child's own "
                        "account), orang tua, medis, dokumen or petugas."
                    ),
                )
            elif reason is None:
                self._error(
                    row,
                    "alasan_perkiraan",
                    _(
                        "“%(value)s” is not a reason of the estimate: write anak, orang "
                        "tua, medis, dokumen, petugas or lainnya."
                    )
                    % {"value": reason_text},
                )
            data.update(
                estimated_age=age,
                age_estimate_reason=reason or "",
                age_estimated_on=self.today,
                age_estimate_note=""
                if reason_text.lower() in AgeEstimateReason.values
                else reason_text[:255],
            )
            row.age = age
            row.birth_year = self.today.year - age
        else:
            self._error(
                row,
                "tanggal_lahir",
                _(
                    "Give the date of birth, or an estimated age (usia_perkiraan) with its "
                    "reason (alasan_perkiraan)."
                ),
            )
        if row.age is not None and row.age >= 18:
            self._warning(
                row,
                "tanggal_lahir",
                _("The child is %(age)s years old: 18 or older.") % {"age": row.age},
            )

    def _identity(self, row: ParsedRow) -> None:
        """The identity rules of a registration by hand (NIK, No. KK, origin, lengths)."""
        data = {k: v for k, v in row.data.items() if k != "conditions"}
        taken = {e["column"] for e in row.errors}
        try:
            _values, warnings = clean_identity(data, today=self.today)
        except ApplicationError as exc:
            for field_name, messages in (exc.extra.get("fields") or {}).items():
                column = self.column(FIELD_COLUMNS.get(field_name, field_name))
                if column in taken:
                    continue
                for message in messages:
                    row.errors.append({"column": column, "message": str(message)})
            return
        for w in warnings:
            self._warning(row, "nik", warning_text(w))
        self._nik_unique(row, _values.get("nik") or "")

    def _nik_unique(self, row: ParsedRow, nik: str) -> None:
        """A NIK belongs to one child: refused when the registry or an earlier row holds it."""
        from simpul.children.services import nik_holder

        if not nik:
            return
        first = self.seen_niks.setdefault(nik, row.number)
        if first != row.number:
            self._error(
                row,
                "nik",
                _("Row %(row)s of this file has the same NIK: a NIK belongs to one child.")
                % {"row": first},
            )
            return
        holder = nik_holder(nik)
        if holder is not None:
            self._error(
                row,
                "nik",
                _(
                    "This NIK is already recorded for child %(number)s. If it is the same "
                    "child, leave the row out; if not, check the NIK."
                )
                % {"number": holder.registration_number},
            )

    def _within_file(self, row: ParsedRow) -> None:
        if not row.name:
            return
        key = (matching.normalize_name(row.name), row.birth_year)
        first = self.seen_names.get(key)
        if first is not None:
            self._warning(
                row,
                "nama_lengkap",
                _(
                    "Same name and year of birth as row %(row)s of this file: check that "
                    "it is not the same child."
                )
                % {"row": first},
            )
        else:
            self.seen_names[key] = row.number

    def record(self, row: ParsedRow) -> matching.PersonRecord:
        values = dict(row.data)
        nik = re.sub(r"\D", "", values.get("nik") or "")
        values["nik"] = nik if len(nik) == 16 else ""
        return record_from_values(values, aliases=tuple(row.aliases))


def _row_report(row: ParsedRow) -> dict[str, Any]:
    return {
        "row": row.number,
        "status": row.status,
        "name": row.name,
        "sex": row.data.get("sex", ""),
        "birth_date": row.data["birth_date"].isoformat() if row.data.get("birth_date") else "",
        "estimated_age": row.data.get("estimated_age"),
        "kelurahan": row.data["current_kelurahan"].name
        if row.data.get("current_kelurahan")
        else "",
        "categories": [
            f"{c.code}:{row.subtypes[str(c.pk)].code}" if str(c.pk) in row.subtypes else c.code
            for c in row.categories
        ],
        "note": row.note,
        "errors": row.errors,
        "warnings": row.warnings,
        "candidates": row.candidates,
    }


def _counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for r in rows:
        counts[r["status"]] += 1
    return counts


# --- services --------------------------------------------------------------------------------
def _check(actor: User) -> None:
    if not permissions.can_import_children(actor):
        raise PermissionDenied


@transaction.atomic
def child_import_upload(*, actor: User, file: UploadedFile) -> ChildImport:
    """Store the spreadsheet (protected) and queue its validation; nothing else is saved."""
    _check(actor)
    name = (getattr(file, "name", "") or "import.xlsx")[-255:]
    if file.size is not None and file.size > MAX_BYTES:
        raise ApplicationError(
            _("The file is too large: at most 10 MB."),
            extra={"fields": {"file": [_("At most 10 MB.")]}},
        )
    data = read_bytes(file)
    if not data:
        raise ApplicationError(
            _("The file is empty."), extra={"fields": {"file": [_("The file is empty.")]}}
        )
    if data[:2] != b"PK" or not name.lower().endswith((".xlsx", ".xlsm")):
        raise ApplicationError(
            _("Upload an Excel workbook (.xlsx)."),
            extra={"fields": {"file": [_("Use an .xlsx file.")]}},
        )
    job = ChildImport(
        original_name=name,
        uploaded_by=actor,
        file_sha256=hashlib.sha256(data).hexdigest(),
        report={"language": translation.get_language() or ""},
    )
    job.full_clean(exclude=["file"])
    from django.core.files.base import ContentFile

    job.file.save(str(job.pk), ContentFile(data), save=False)
    job.save()
    audit_log(
        actor=actor,
        action="children.import.uploaded",
        target=job,
        data={"file": name, "size": len(data)},
    )

    enqueue_on_commit("simpul.children.tasks.validate_child_import", str(job.pk))
    return job


def _read_job_file(job: ChildImport) -> bytes:
    if not job.file:
        raise ApplicationError(_("The uploaded file is no longer there. Upload it again."))
    with job.file.open("rb") as fh:
        data = fh.read()
    if job.file_sha256 and hashlib.sha256(data).hexdigest() != job.file_sha256:
        raise ApplicationError(
            _("The uploaded file was changed after it was checked. Upload it again.")
        )
    return data


def _delete_file(job: ChildImport) -> None:
    if job.file:
        storage, name = job.file.storage, job.file.name
        job.file = ""
        transaction.on_commit(lambda: storage.delete(name))


def _fail(job: ChildImport, message: str) -> ChildImport:
    job.refresh_from_db()
    job.status = ChildImport.Status.FAILED
    job.error = message[:2000]
    job.finished_at = timezone.now()
    _delete_file(job)
    job.save(update_fields=["status", "error", "finished_at", "file", "updated_at"])
    return job


def _still(job: ChildImport, status: str) -> bool:
    return ChildImport.objects.filter(pk=job.pk, status=status).exists()


def child_import_validate(*, job: ChildImport) -> ChildImport:
    """Check every row (background); progress in ``processed_rows``; nothing saved but the report."""
    if not ChildImport.objects.filter(pk=job.pk, status=ChildImport.Status.UPLOADED).update(
        status=ChildImport.Status.VALIDATING, updated_at=timezone.now()
    ):
        return job
    job.refresh_from_db()
    actor = job.uploaded_by
    language = (job.report or {}).get("language") or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            if actor is None or not permissions.can_import_children(actor):
                raise ApplicationError(_("You may no longer import children."))
            sheet = read_sheet(_read_job_file(job))
            ChildImport.objects.filter(pk=job.pk).update(
                total_rows=len(sheet.rows), processed_rows=0
            )
            parser = RowParser(sheet.columns)
            rows: list[dict[str, Any]] = []
            for i, sheet_row in enumerate(sheet.rows, start=1):
                row = parser.parse(sheet_row)
                if row.name:
                    found = selectors.child_duplicate_candidates(
                        user=actor, record=parser.record(row), limit=CANDIDATE_LIMIT
                    )
                    row.candidates = [dataclasses.asdict(c) for c in found]
                rows.append(_row_report(row))
                if i % PROGRESS_EVERY == 0:
                    if not _still(job, ChildImport.Status.VALIDATING):
                        return job  # cancelled meanwhile
                    ChildImport.objects.filter(pk=job.pk).update(
                        processed_rows=i, updated_at=timezone.now()
                    )
        except ApplicationError as exc:
            return _fail(job, str(exc.message))
        except Exception:
            logger.exception("Child import %s: validation failed", job.pk)
            return _fail(
                job,
                _(
                    "The file could not be checked because of an unexpected error. Try again, or ask the "
                    "administrator."
                ),
            )
        report = {
            "language": language,
            "sheet": sheet.name,
            "header_row": sheet.header_row,
            "columns": sheet.columns,
            "ignored_columns": sheet.ignored,
            "rows": rows,
            "counts": _counts(rows),
        }
    updated = ChildImport.objects.filter(pk=job.pk, status=ChildImport.Status.VALIDATING).update(
        status=ChildImport.Status.VALIDATED,
        report=report,
        total_rows=len(rows),
        processed_rows=len(rows),
        updated_at=timezone.now(),
    )
    job.refresh_from_db()
    if updated:
        audit_log(
            actor=actor,
            action="children.import.validated",
            target=job,
            data={"rows": len(rows), "counts": report["counts"]},
        )
    return job


def _duplicate_rows(job: ChildImport) -> set[str]:
    return {str(r["row"]) for r in (job.report or {}).get("rows", []) if r.get("candidates")}


def _merge_decisions(job: ChildImport, decisions: dict[Any, str]) -> dict[str, str]:
    allowed = _duplicate_rows(job)
    merged = dict(job.decisions or {})
    for row, choice in (decisions or {}).items():
        key = str(row)
        if key not in allowed:
            continue
        if choice not in (IMPORT, SKIP):
            raise ApplicationError(_("Choose “import” or “skip” for row %(row)s.") % {"row": key})
        merged[key] = choice
    return merged


def _locked(job: ChildImport, actor: User) -> ChildImport:
    _check(actor)
    job = ChildImport.objects.select_for_update().get(pk=job.pk)
    if job.uploaded_by_id != actor.pk:
        raise PermissionDenied
    return job


@transaction.atomic
def child_import_decide(*, actor: User, job: ChildImport, decisions: dict[Any, str]) -> ChildImport:
    """Record the importer's decisions for rows with possible duplicates."""
    job = _locked(job, actor)
    if not job.awaits_decision:
        raise ApplicationError(_("This import can no longer be changed."))
    before = dict(job.decisions or {})
    job.decisions = _merge_decisions(job, decisions)
    job.save(update_fields=["decisions", "updated_at"])
    changed = {k: v for k, v in job.decisions.items() if before.get(k) != v}
    if changed:
        audit_log(
            actor=actor, action="children.import.decided", target=job, data={"decisions": changed}
        )
    return job


def undecided_rows(job: ChildImport) -> list[int]:
    decided = job.decisions or {}
    return sorted(int(r) for r in _duplicate_rows(job) if decided.get(r) not in (IMPORT, SKIP))


@transaction.atomic
def child_import_accept(
    *, actor: User, job: ChildImport, decisions: dict[Any, str] | None = None
) -> ChildImport:
    """Accept the preview (with the last decisions) and queue the import. Refused while any row
    has an error or a possible duplicate is undecided."""
    job = _locked(job, actor)
    if not job.awaits_decision:
        raise ApplicationError(_("This import can no longer be accepted."))
    job.decisions = _merge_decisions(job, decisions or {})
    counts = (job.report or {}).get("counts", {})
    if counts.get("error"):
        raise ApplicationError(
            _(
                "Nothing can be imported while %(count)s row(s) have errors. Correct them in the file and upload it again."
            )
            % {"count": counts["error"]}
        )
    missing = undecided_rows(job)
    if missing:
        job.save(update_fields=["decisions", "updated_at"])
        shown = ", ".join(str(n) for n in missing[:20]) + (" …" if len(missing) > 20 else "")
        raise ApplicationError(
            _(
                "Decide for every possible duplicate whether it is a different child or the same as an existing record "
                "(rows %(rows)s)."
            )
            % {"rows": shown},
            extra={"undecided": missing},
        )
    to_import = sum(
        1 for r in job.report.get("rows", []) if job.decisions.get(str(r["row"])) != SKIP
    )
    if not to_import:
        raise ApplicationError(_("Every row is skipped: there is nothing to import."))
    job.status = ChildImport.Status.IMPORTING
    job.save(update_fields=["decisions", "status", "updated_at"])
    audit_log(
        actor=actor,
        action="children.import.accepted",
        target=job,
        data={
            "rows": job.total_rows,
            "to_import": to_import,
            "skipped_rows": sorted(int(k) for k, v in job.decisions.items() if v == SKIP),
        },
    )

    enqueue_on_commit("simpul.children.tasks.run_child_import", str(job.pk))
    return job


class _RowFailed(Exception):
    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.row = row
        self.message = message


def child_import_run(*, job: ChildImport) -> ChildImport:
    """Register every accepted row in ONE transaction (background). The file is checked again;
    any problem leaves nothing saved and the job failed with the reason."""
    job.refresh_from_db()
    if job.status != ChildImport.Status.IMPORTING:
        return job
    actor = job.uploaded_by
    language = (job.report or {}).get("language") or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            if actor is None or not permissions.can_import_children(actor):
                raise ApplicationError(_("You may no longer import children."))
            sheet = read_sheet(_read_job_file(job))
            reported = {r["row"]: r for r in job.report.get("rows", [])}
            if [r.number for r in sheet.rows] != list(reported):
                raise ApplicationError(
                    _("The file no longer matches the checked rows. Upload it again.")
                )
            parser = RowParser(sheet.columns)
            created_ids = _import_rows(
                job=job, actor=actor, parser=parser, sheet=sheet, reported=reported
            )
        except _RowFailed as exc:
            return _fail(
                job,
                _("Nothing was imported: row %(row)s could not be saved: %(reason)s")
                % {"row": exc.row, "reason": exc.message},
            )
        except ApplicationError as exc:
            return _fail(job, _("Nothing was imported: %(reason)s") % {"reason": exc.message})
        except Exception:
            logger.exception("Child import %s failed", job.pk)
            return _fail(
                job,
                _(
                    "Nothing was imported because of an unexpected error. Try again, or ask the administrator."
                ),
            )
    logger.info("Child import %s: %s children registered", job.pk, len(created_ids))
    job.refresh_from_db()
    return job


@transaction.atomic
def _import_rows(
    *, job: ChildImport, actor: User, parser: RowParser, sheet: Any, reported: dict[int, Any]
) -> list[str]:
    from simpul.children import services

    job = ChildImport.objects.select_for_update().get(pk=job.pk)
    created: list[str] = []
    skipped: list[int] = []
    decisions = job.decisions or {}
    rows_report = []
    for sheet_row in sheet.rows:
        row = parser.parse(sheet_row)
        entry = dict(reported[row.number])
        if row.errors:
            first = row.errors[0]
            raise _RowFailed(row.number, f"{first['column']}: {first['message']}")
        if decisions.get(str(row.number)) == SKIP:
            skipped.append(row.number)
            entry["result"] = SKIP
            rows_report.append(entry)
            continue
        confirmed = [c["child_id"] for c in entry.get("candidates", []) if c.get("child_id")]
        try:
            child = services.child_register(
                actor=actor,
                data=row.data,
                aliases=row.aliases,
                confirm_not_duplicate_of=confirmed,
                note=row.note,
            )
            for cat in row.categories:
                services.child_classify(
                    actor=actor,
                    child=child,
                    category=cat,
                    subtype=row.subtypes.get(str(cat.pk)),
                    age_rule_override_reason=row.category_flags.get(str(cat.pk), ""),
                )
        except ApplicationError as exc:
            raise _RowFailed(row.number, str(exc.message)) from exc
        created.append(str(child.pk))
        entry["result"] = IMPORT
        entry["child_id"] = str(child.pk)
        entry["registration_number"] = child.registration_number
        rows_report.append(entry)
    job.report = {**job.report, "rows": rows_report}
    job.status = ChildImport.Status.DONE
    job.created_count = len(created)
    job.skipped_count = len(skipped)
    job.processed_rows = job.total_rows
    job.finished_at = timezone.now()
    _delete_file(job)
    job.save()
    audit_log(
        actor=actor,
        action="children.import.completed",
        target=job,
        data={
            "file": job.original_name,
            "rows": job.total_rows,
            "created": len(created),
            "skipped_rows": skipped,
            "children": created,
        },
    )
    return created


@transaction.atomic
def child_import_cancel(*, actor: User, job: ChildImport) -> ChildImport:
    """Stop an import that was not carried out; the uploaded file is deleted."""
    job = _locked(job, actor)
    if job.status == ChildImport.Status.CANCELLED:
        return job
    if not job.can_cancel:
        raise ApplicationError(_("This import can no longer be cancelled."))
    job.status = ChildImport.Status.CANCELLED
    job.finished_at = timezone.now()
    _delete_file(job)
    job.save(update_fields=["status", "finished_at", "file", "updated_at"])
    audit_log(
        actor=actor,
        action="children.import.cancelled",
        target=job,
        data={"file": job.original_name},
    )
    return job


# --- housekeeping ----------------------------------------------------------------------------
STUCK_AFTER = dt.timedelta(hours=6)
UNDECIDED_KEPT = dt.timedelta(days=7)


def child_imports_expire(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Daily housekeeping (``manage.py daily``). A job without progress for STUCK_AFTER (its
    worker stopped) fails with a message saying so; a checked spreadsheet nobody decided on
    within UNDECIDED_KEPT is cancelled. Either way the uploaded file, which holds children's
    data, is deleted: it is not kept longer than the import needs it."""
    now = now or timezone.now()
    out = {"failed": 0, "cancelled": 0}
    running = (
        ChildImport.Status.UPLOADED,
        ChildImport.Status.VALIDATING,
        ChildImport.Status.IMPORTING,
    )
    for job in ChildImport.objects.filter(status__in=running, updated_at__lt=now - STUCK_AFTER):
        with transaction.atomic():
            _fail(
                job,
                str(
                    _(
                        "The check or import stopped (the background worker was interrupted). Nothing was "
                        "saved from this file; upload it again."
                    )
                ),
            )
            audit_log(
                actor=None,
                action="children.import.expired",
                target=job,
                data={"file": job.original_name},
            )
        out["failed"] += 1
    for job in ChildImport.objects.filter(
        status=ChildImport.Status.VALIDATED, updated_at__lt=now - UNDECIDED_KEPT
    ):
        with transaction.atomic():
            job.status = ChildImport.Status.CANCELLED
            job.error = str(
                _(
                    "Cancelled automatically: nobody accepted the checked file within %(days)s days. "
                    "Upload it again if it is still needed."
                )
                % {"days": UNDECIDED_KEPT.days}
            )
            job.finished_at = now
            _delete_file(job)
            job.save(update_fields=["status", "error", "finished_at", "file", "updated_at"])
            audit_log(
                actor=None,
                action="children.import.expired",
                target=job,
                data={"file": job.original_name},
            )
        out["cancelled"] += 1
    return out


# --- preview ---------------------------------------------------------------------------------
SHOW_CHOICES = ("all", "error", "warning", "duplicate", "undecided")


def preview_rows(job: ChildImport, show: str = "all") -> list[dict[str, Any]]:
    """The report's rows for the preview, filtered, each with its decision."""
    decisions = job.decisions or {}
    out = []
    for r in (job.report or {}).get("rows", []):
        decision = decisions.get(str(r["row"]), "")
        if show == "error" and r["status"] != "error":
            continue
        if show == "warning" and not r["warnings"]:
            continue
        if show == "duplicate" and not r["candidates"]:
            continue
        if show == "undecided" and not (r["candidates"] and not decision):
            continue
        born = dt.date.fromisoformat(r["birth_date"]) if r.get("birth_date") else None
        out.append({**r, "decision": decision, "born": born})
    return out


# --- template --------------------------------------------------------------------------------
def template_workbook() -> bytes:
    """The XLSX template: the "anak" sheet with the columns and two synthetic example rows, and
    a "kode" sheet listing the codes each column accepts."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "anak"
    sheet.append(list(COLUMNS))
    sheet.append(
        [
            "Contoh Budi Santoso",
            "Budi",
            "L",
            "14/03/2012",
            "",
            "",
            "",
            "",
            "Contoh Siti Aminah",
            "31.75.01.1001",
            "Jl. Contoh No. 1",
            "",
            "33.74",
            "putus sekolah",
            "AJ",
            "street_most_of_day; earning_on_street",
            "Contoh baris: hapus sebelum mengunggah",
        ]
    )
    sheet.append(
        [
            "Contoh Rina",
            "",
            "P",
            "",
            9,
            "anak",
            "",
            "",
            "",
            "31.75.01.1001",
            "",
            "Perempatan Contoh",
            "",
            "tidak pernah sekolah",
            "AJ; pengamen",
            "",
            "Contoh baris: hapus sebelum mengunggah",
        ]
    )
    codes = workbook.create_sheet("kode")
    codes.append(["kolom", "kode", "arti"])
    codes.append(["jenis_kelamin", "L", "Laki-laki"])
    codes.append(["jenis_kelamin", "P", "Perempuan"])
    codes.append(
        [
            "tanggal_lahir",
            "dd/mm/yyyy",
            "atau yyyy-mm-dd; kosongkan jika tidak diketahui dan isi usia_perkiraan",
        ]
    )
    for word, label in (
        ("anak", AgeEstimateReason.SELF_REPORT),
        ("orang tua", AgeEstimateReason.CAREGIVER),
        ("medis", AgeEstimateReason.MEDICAL),
        ("dokumen", AgeEstimateReason.DOCUMENT),
        ("petugas", AgeEstimateReason.OFFICER),
        ("lainnya", AgeEstimateReason.OTHER),
    ):
        codes.append(["alasan_perkiraan", word, str(label.label)])
    for word, status in (
        ("belum sekolah", SchoolStatus.NOT_YET),
        ("sekolah", SchoolStatus.IN_SCHOOL),
        ("non formal", SchoolStatus.NON_FORMAL),
        ("putus sekolah", SchoolStatus.DROPPED_OUT),
        ("tidak pernah sekolah", SchoolStatus.NEVER),
        ("tidak diketahui", SchoolStatus.UNKNOWN),
    ):
        codes.append(["status_sekolah", word, str(status.label)])
    codes.append(["kelurahan_kode", "31.75.01.1001", "Kode Kemendagri kelurahan di DKI Jakarta"])
    codes.append(
        [
            "asal_daerah_kode",
            "33.74",
            "Kode Kemendagri provinsi/kota/kabupaten/kecamatan/kelurahan asal",
        ]
    )
    for cat in Category.objects.filter(
        scheme__in=[Category.Scheme.PMKS, Category.Scheme.FIELD]
    ).order_by("scheme", "sort_order"):
        codes.append(["kategori", cat.code, cat.name])
        for st in cat.subtypes.all():
            codes.append(["kategori", f"{cat.code}:{st.code}", f"{cat.name}: {st.name}"])
    for cond in Condition.objects.all():
        codes.append(["kondisi", cond.code, cond.name])
    for ws in (sheet, codes):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for column in ws.columns:
            ws.column_dimensions[column[0].column_letter].width = 22
    # Identity numbers and region codes are text: keep Excel from turning them into numbers.
    for letter in ("G", "H", "J", "M"):
        for cell in sheet[letter]:
            cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
