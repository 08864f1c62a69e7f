import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from simpul.core import sweeps, tasks


@pytest.fixture
def registry(monkeypatch):
    jobs: dict = {}
    monkeypatch.setattr(sweeps, "_JOBS", jobs)
    monkeypatch.setattr(sweeps, "autodiscover_modules", lambda name: None)
    return jobs


def test_a_failing_job_does_not_stop_the_others(registry):
    seen = []

    @sweeps.sweep_job("broken", order=1)
    def broken(now):
        raise RuntimeError("boom")

    @sweeps.sweep_job("counted", order=2)
    def counted(now):
        seen.append(now)
        return 3

    now = timezone.now()
    assert sweeps.run_sweep(now) == {"broken": "failed", "counted": 3}
    assert seen == [now]


@pytest.mark.django_db
def test_the_worker_queue_holds_one_sweep_at_a_time(settings, registry):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert tasks.schedule_next_sweep(minutes=5) is True
    assert tasks.schedule_next_sweep(minutes=5) is False
    queued = DBTaskResult.objects.get(task_path=tasks.SWEEP_TASK)
    assert queued.run_after > timezone.now() + dt.timedelta(minutes=4)


@pytest.mark.django_db
def test_the_command_runs_every_job_once(registry, capsys):
    calls = []

    @sweeps.sweep_job("one")
    def one(now):
        calls.append(now)
        return 0

    call_command("sweep", "--now", "2026-12-03T08:00+07:00")
    assert len(calls) == 1 and calls[0].isoformat() == "2026-12-03T08:00:00+07:00"
    assert "one: 0" in capsys.readouterr().out
