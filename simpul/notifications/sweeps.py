"""The notifications app's sweep jobs (simpul.core.sweeps): retries and the daily digest.
Both are safe to run twice: a delivery is taken with a leased conditional update and a digest
is unique per (user, date)."""

from __future__ import annotations

import datetime as dt

from simpul.core.sweeps import sweep_job
from simpul.notifications.services import deliveries_retry, digests_send


@sweep_job("notification deliveries", order=90)
def notification_deliveries(now: dt.datetime) -> int:
    return deliveries_retry(now=now)


@sweep_job("notification digests", order=91)
def notification_digests(now: dt.datetime) -> int:
    return digests_send(now=now)
