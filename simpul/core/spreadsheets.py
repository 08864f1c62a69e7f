"""Reading spreadsheets for the bulk imports (directory, children): python-calamine for XLSX,
cell values turned into text, dates and whole numbers the way operators write them, and the
row numbers as the spreadsheet shows them (the header is row 1 unless blank lines precede it).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from simpul.core.exceptions import ApplicationError

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass
class SheetRow:
    number: int  # as the spreadsheet shows it (1-based)
    values: dict[str, Any]


def read_bytes(file: Any) -> bytes:
    """The content of an uploaded file, a file object, bytes or text."""
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    return data.encode("utf-8") if isinstance(data, str) else data


def is_xlsx(data: bytes, name: str = "") -> bool:
    return data[:2] == b"PK" or name.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods"))


def open_workbook(data: bytes) -> Any:
    """A python-calamine workbook; ApplicationError when the file is not a readable spreadsheet."""
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several error types for unreadable files
        raise ApplicationError(
            _("The file could not be read as a spreadsheet. Save it as .xlsx and try again.")
        ) from exc


def sheet_table(workbook: Any, sheet_name: str) -> list[list[Any]]:
    return workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def row_is_blank(row: list[Any]) -> bool:
    return all(blank(c) for c in row)


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers without ".0", everything stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(value: Any, *, excel_serial: bool = False) -> dt.date:
    """A date cell, or text as YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY or DD.MM.YYYY. With
    ``excel_serial``, a plain number is read as an Excel date serial (a date column formatted as
    "General"). Raises ValueError."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if (
        excel_serial
        and isinstance(value, int | float)
        and not isinstance(value, bool)
        and 1 <= value < 2958466
    ):
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = cell_text(value)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_int(value: Any) -> int:
    """A whole number from a cell ("7", 7, 7.0); raises ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        return int(value)
    return int(cell_text(value))


def default_header(value: Any) -> str:
    return str(value or "").strip().lower().replace(" ", "_")


def table_to_rows(
    table: list[list[Any]],
    first_row_number: int = 1,
    *,
    header_index: int | None = None,
    normalise: Any = default_header,
    header: list[str] | None = None,
) -> tuple[list[str], list[SheetRow]]:
    """Header (normalised names) and the non-empty data rows with their spreadsheet numbers.
    The header is the first non-blank line unless ``header_index`` (0-based) is given; its
    names are ``normalise``-d cells, or ``header`` when given (an empty name drops a column)."""
    start = header_index
    if start is None:
        start = 0
        while start < len(table) and row_is_blank(table[start]):
            start += 1
    if start >= len(table):
        return [], []
    if header is None:
        header = [normalise(c) for c in table[start]]
    rows: list[SheetRow] = []
    for offset, raw in enumerate(table[start + 1 :], start=start + 1):
        if row_is_blank(raw):
            continue
        values = {header[i]: raw[i] for i in range(min(len(header), len(raw))) if header[i]}
        rows.append(SheetRow(number=first_row_number + offset, values=values))
    return header, rows


# --- formula injection (OWASP "CSV injection") ------------------------------------------------
# A text cell that starts with one of these is read as a formula by Excel / LibreOffice.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# "+62 812-3456-7890", "-5", "(021) 555-1234": plain numbers and phone numbers are no formula.
_NUMBER_LIKE = re.compile(r"^[+-]?[\d\s().,/-]+$")


def is_formula_like(value: Any) -> bool:
    """Whether ``value`` is text a spreadsheet program would evaluate as a formula."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not _NUMBER_LIKE.match(value)
    )


def neutralise(value: Any) -> Any:
    """A value safe to write to a spreadsheet cell: formula-like text gets a leading apostrophe
    (shown as text, never evaluated); everything else is unchanged."""
    return "'" + value if is_formula_like(value) else value


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """``sheet.append`` for exports: every text cell is neutralised and typed as a string, so a
    name like ``=HYPERLINK(...)`` from the API or an import can never become a live formula."""
    sheet.append([neutralise(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def formula_error(value: Any) -> Any:
    """The message for an imported text cell that would be a formula, or None."""
    if not is_formula_like(value.strip() if isinstance(value, str) else value):
        return None
    return _(
        "This cell starts with =, +, -, @ or a tab and would be run as a formula by a "
        "spreadsheet program: remove that first character."
    )
