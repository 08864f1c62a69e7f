"""The agreements app's daily jobs (run by `manage.py daily`): expiry, then reminders."""

from __future__ import annotations

import datetime as dt

from simpul.core.daily import daily_job


@daily_job("agreements expired", order=20)
def expire_agreements(today: dt.date) -> int:
    """Active agreements past their end date become expired."""
    from simpul.agreements.services import agreements_expire

    return agreements_expire(today)


@daily_job("agreement expiry reminders", order=21)
def remind_expiring_agreements(today: dt.date) -> int:
    """Reminders 90, 30 and 7 days before the end, each once."""
    from simpul.agreements.services import agreement_reminders_send

    return agreement_reminders_send(today)
