"""Background work of core: the recurring sweep (simpul.core.sweeps)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from simpul.core.sweeps import run_sweep

SWEEP_TASK = "simpul.core.tasks.run_sweeps"


def sweep_queued() -> bool:
    """A sweep is already waiting in the database queue (so a second is not queued)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=SWEEP_TASK, status=TaskResultStatus.READY).exists()


def schedule_next_sweep(*, minutes: int | None = None) -> bool:
    """Queue the next sweep ``minutes`` from now, unless one is queued already (database
    backend only; the immediate backend used by tests runs no recurring work)."""
    if "DatabaseBackend" not in settings.TASKS["default"]["BACKEND"] or sweep_queued():
        return False
    delay = settings.SWEEP_MINUTES if minutes is None else minutes
    run_sweeps.using(run_after=timezone.now() + dt.timedelta(minutes=delay)).enqueue(
        reschedule=True
    )
    return True


@task()
def run_sweeps(reschedule: bool = True) -> dict[str, Any]:
    """Run every app's sweep jobs now, then queue the next run."""
    results = run_sweep(timezone.now())
    if reschedule:
        schedule_next_sweep()
    return {k: v if isinstance(v, int | dict | str) else str(v) for k, v in results.items()}
