"""Phone numbers of organisations: one normaliser for the edit form, the API and the import."""

from __future__ import annotations

import lokal
from django.utils.translation import gettext as _

from simpul.core.exceptions import ApplicationError
from simpul.directory.models import Phone


def phone_normalize(number: str) -> tuple[str, str, str]:
    """(e164, national, kind) for an Indonesian phone number; ApplicationError names it if bad."""
    raw = (number or "").strip()
    info = lokal.parse_phone(raw) if raw else None
    if info is None or not info.valid or not info.e164:
        reason = "; ".join(i.message for i in info.errors) if info and info.errors else ""
        message = _("“%(number)s” is not a valid Indonesian phone number.") % {"number": raw}
        if reason:
            message = f"{message} ({reason})"
        raise ApplicationError(message, extra={"number": raw})
    kind = {"mobile": Phone.Kind.MOBILE, "landline": Phone.Kind.LANDLINE}.get(
        str(info.type or ""), Phone.Kind.OTHER
    )
    return info.e164, info.national or raw, kind
