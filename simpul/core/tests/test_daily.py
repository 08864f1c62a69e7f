"""`manage.py daily` runs the jobs every app registers in its daily.py (simpul.core.daily)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from simpul.core import daily as registry
from simpul.core.daily import daily_job, daily_jobs


@pytest.mark.django_db
def test_daily_runs_every_registered_job_in_order():
    labels = [job.label for job in daily_jobs()]
    known = ["transition reviews opened", "imports failed/cancelled", "duplicate scans failed"]
    assert [label for label in labels if label in known] == known
    seen = []

    @daily_job("test job", order=99)
    def job(today):
        seen.append(today.isoformat())
        return 7

    try:
        out = io.StringIO()
        call_command("daily", "--today", "2026-12-01", stdout=out)
    finally:
        registry._JOBS.pop(f"{job.__module__}.{job.__qualname__}")
    assert seen == ["2026-12-01"] and "test job: 7" in out.getvalue()
