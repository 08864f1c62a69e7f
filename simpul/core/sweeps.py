"""The sweep registry: work that must happen within minutes, not once a day (referral deadline
reminders and escalations, agreement expiry reminders, notification digests and deliveries).
Each app lists its sweep jobs in its own ``<app>/sweeps.py``, found by autodiscovery like the
home cards and the daily jobs:

    from simpul.core.sweeps import sweep_job

    @sweep_job("referral deadlines", order=10)
    def referral_deadlines(now):
        return referral_deadline_sweep(now=now)

A job takes the moment it runs for and returns a number or a short dict of numbers for the log.
**A job must be safe to run twice**: it records what it did (a reminder sent for this deadline,
an escalation made for this step) and never does it again; two workers running the same sweep
at once do the same work once (take a row lock or rely on a unique constraint).

The sweep runs in the real worker: ``core.tasks.run_sweeps`` runs every job and queues itself
again ``SIMPUL_SWEEP_MINUTES`` later (one queued sweep at a time). ``manage.py sweep`` runs it
once in the foreground (cron) or, with ``--schedule``, queues the first run for the worker
(``make run`` does).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepJob:
    label: str
    order: int
    run: Callable[[dt.datetime], Any]


_JOBS: dict[str, SweepJob] = {}


def sweep_job(label: str, *, order: int = 50) -> Callable[[Callable[[dt.datetime], Any]], Any]:
    def register(function: Callable[[dt.datetime], Any]) -> Callable[[dt.datetime], Any]:
        key = f"{function.__module__}.{function.__qualname__}"
        _JOBS[key] = SweepJob(label=label, order=order, run=function)
        return function

    return register


def sweep_jobs() -> list[SweepJob]:
    autodiscover_modules("sweeps")
    return sorted(_JOBS.values(), key=lambda job: (job.order, job.label))


def run_sweep(now: dt.datetime) -> dict[str, Any]:
    """Run every job for ``now``; a job that fails is logged and the others still run."""
    results: dict[str, Any] = {}
    for job in sweep_jobs():
        try:
            results[job.label] = job.run(now)
        except Exception:  # one broken job must not stop reminders of another app
            logger.exception("Sweep job %r failed", job.label)
            results[job.label] = "failed"
    return results
