"""Background work of the notifications app (django-tasks; served by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from simpul.notifications.services import delivery_send


@task()
def deliver(delivery_id: str) -> str:
    """One attempt at one delivery (e-mail or WhatsApp); a failure is retried by the sweep."""
    return delivery_send(delivery_id=delivery_id)
