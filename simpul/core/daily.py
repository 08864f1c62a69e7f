"""The daily housekeeping registry. Each app lists its daily jobs in its own ``<app>/daily.py``
(found by ``manage.py daily``, like the home cards), so that a new app (referrals: escalate
overdue referrals; monitoring: visits due) adds its job without editing core or another app.

    from simpul.core.daily import daily_job

    @daily_job("transition reviews opened", order=10)
    def open_transition_reviews(today):
        return transition_reviews_open(today)

A job takes the day it runs for and returns a number or a short dict of numbers for the log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class DailyJob:
    label: str
    order: int
    run: Callable[[dt.date], Any]


_JOBS: dict[str, DailyJob] = {}


def daily_job(label: str, *, order: int = 50) -> Callable[[Callable[[dt.date], Any]], Any]:
    def register(function: Callable[[dt.date], Any]) -> Callable[[dt.date], Any]:
        key = f"{function.__module__}.{function.__qualname__}"
        _JOBS[key] = DailyJob(label=label, order=order, run=function)
        return function

    return register


def daily_jobs() -> list[DailyJob]:
    autodiscover_modules("daily")
    return sorted(_JOBS.values(), key=lambda job: (job.order, job.label))
