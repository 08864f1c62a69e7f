"""The directory's "Agreement" column (organisation profile, partner picker): "Perjanjian
berlaku" with its end date, or "Tanpa perjanjian" — one query for the whole page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from simpul.agreements.models import REMINDER_DAYS, Agreement
from simpul.directory.partner_status import PartnerStatus

if TYPE_CHECKING:
    from simpul.accounts.models import User
    from simpul.directory.models import Organization


def agreement_status(
    user: User, organizations: Sequence[Organization]
) -> Mapping[Any, PartnerStatus]:
    """Whether an agreement is in force today, for each organisation (the latest end date).
    Government organisations are the Dinas side, not parties: they show nothing."""
    today = timezone.localdate()
    ids = [o.pk for o in organizations if not o.is_government_social]
    ends: dict[Any, Any] = {}
    rows = (
        Agreement.parties.through.objects.filter(
            organization_id__in=ids, agreement__in=Agreement.objects.in_force(today)
        )
        .values_list("organization_id", "agreement__end_date", "agreement__kind")
        .order_by("agreement__end_date")
    )
    for org_id, end_date, kind in rows:
        ends[org_id] = (end_date, kind)  # the last one ends latest
    out: dict[Any, PartnerStatus] = {}
    for org_id in ids:
        if org_id in ends:
            end_date, kind = ends[org_id]
            label = _("Agreement in force until %(date)s") % {
                "date": formats.date_format(end_date, "SHORT_DATE_FORMAT")
            }
            soon = (end_date - today).days <= REMINDER_DAYS[1]
            out[org_id] = PartnerStatus(label, "warn" if soon else "ok")
        else:
            out[org_id] = PartnerStatus(_("No agreement"), "")
    return out
