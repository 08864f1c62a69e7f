"""The invitation e-mail goes through the real queue: a `db_worker` process sends it over SMTP."""

import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from simpul.accounts.models import Role
from simpul.accounts.services import invitation_create
from simpul.testing.factories import OrganizationFactory, make_user

from .conftest import body_of


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return "sqlite:///" + str(db["NAME"])
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host = db.get("HOST") or "localhost"
    port = db.get("PORT") or "5432"
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_worker_process_sends_the_invitation_email(settings, smtp_server):
    controller, handler = smtp_server
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    # django-tasks resets its backend cache on setting_changed; make sure it did.
    assert isinstance(task_backends["default"], DatabaseBackend)

    org = OrganizationFactory()
    admin = make_user(Role.ORG_ADMIN, org)
    invitation, _token = invitation_create(
        actor=admin, organization=org, email="worker@example.test", role=Role.ORG_STAFF
    )
    assert (
        DBTaskResult.objects.filter(task_path="simpul.accounts.tasks.send_invitation_email").count()
        == 1
    )
    assert handler.messages == []  # nothing is sent by the web process itself

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
    assert message["To"] == "worker@example.test"
    assert "https://simpul.example.test/accounts/invitations/" in body_of(message)
    task = DBTaskResult.objects.get(task_path="simpul.accounts.tasks.send_invitation_email")
    assert task.status == "SUCCESSFUL"
    assert task.args_kwargs["args"] == [str(invitation.pk)]  # only the id: no token in the queue
