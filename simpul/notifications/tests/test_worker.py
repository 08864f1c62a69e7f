"""A notification e-mail goes through the real queue: a `db_worker` process sends it over SMTP."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django_tasks_db.models import DBTaskResult

from simpul.accounts.tests.test_worker import _database_url
from simpul.notifications.models import Delivery
from simpul.notifications.services import notify

from .conftest import KIND


@pytest.mark.django_db(transaction=True)
def test_worker_process_delivers_the_notification_email(settings, smtp_server, user):
    controller, handler = smtp_server
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    assert isinstance(task_backends["default"], DatabaseBackend)
    assert (
        notify(
            recipients=[user],
            kind=KIND,
            subject="Rujukan baru",
            body="Ada rujukan baru.",
            url="/referrals/1/",
            dedupe_key="worker-1",
        )
        == 1
    )
    assert DBTaskResult.objects.filter(task_path="simpul.notifications.tasks.deliver").count() == 1
    assert handler.messages == []  # the web process sends nothing itself
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "TASKS_IMMEDIATE": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": controller.hostname,
        "EMAIL_PORT": str(controller.port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_USE_SSL": "false",
        "SITE_URL": "https://simpul.example.test",
    }
    env.setdefault("SECRET_KEY", django_settings.SECRET_KEY)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            "--queue-name",
            "*",
        ],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(handler.messages) == 1, result.stderr[-2000:]
    message = handler.messages[0]
    assert message["To"] == user.email
    assert "https://simpul.example.test/referrals/1/" in message.get_payload(decode=True).decode()
    assert Delivery.objects.get().status == "sent"
