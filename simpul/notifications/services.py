"""Creating notifications and sending their deliveries (see docs/notifications.md).

``notify`` is the one entry point for the other apps. It stores one notification per recipient
(idempotent by ``(recipient, dedupe_key)``), makes a :class:`Delivery` for each channel the
recipient wants and queues ``simpul.notifications.tasks.deliver`` for it when the transaction
commits. :func:`delivery_send` takes a delivery with a short lease (a conditional update, so two
workers or the sweep never send the same row at once), sends it through its channel and records
the result; a failure is retried with exponential backoff by the sweep.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from simpul.core.audit import audit_log
from simpul.core.jobs import enqueue_on_commit
from simpul.notifications import channels
from simpul.notifications.kinds import kind_get
from simpul.notifications.models import (
    Channel,
    Delivery,
    Digest,
    Notification,
    NotificationPreference,
)
from simpul.notifications.selectors import choices_for_users

if TYPE_CHECKING:
    from simpul.accounts.models import User

logger = logging.getLogger(__name__)

DELIVER_TASK = "simpul.notifications.tasks.deliver"
LEASE = dt.timedelta(minutes=5)  # how long one attempt holds its row
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_MAX = dt.timedelta(hours=6)
MAX_ATTEMPTS = 12  # about a day and a half of retries; then the delivery stays failed
ERROR_LENGTH = 2000


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4, 8 … minutes, at most 6 h."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    subject: str,
    body: str,
    url: str = "",
    dedupe_key: str,
    data: dict | None = None,
) -> int:
    """Notify each recipient once per ``dedupe_key``; returns how many notifications are new.

    ``subject`` and ``body`` are already in the recipient's language (or Bahasa Indonesia).
    Inactive users get nothing. E-mail and WhatsApp go out from the worker after commit.
    """
    kind_get(kind)  # an unknown kind raises
    users = {u.pk: u for u in recipients if u is not None and u.is_active}
    if not users:
        return 0
    with transaction.atomic():
        existing = set(
            Notification.objects.filter(recipient_id__in=users, dedupe_key=dedupe_key).values_list(
                "recipient_id", flat=True
            )
        )
        todo = [user_id for user_id in users if user_id not in existing]
        if not todo:
            return 0
        choices = choices_for_users(user_ids=todo, kind=kind)
        now = timezone.now()
        rows = [
            Notification(
                id=uuid.uuid4(),
                recipient_id=user_id,
                kind=kind,
                subject=str(subject)[:255],
                body=str(body),
                url=url,
                data=data or {},
                dedupe_key=dedupe_key,
                in_digest=choices[user_id].email and choices[user_id].digest,
            )
            for user_id in todo
        ]
        # A concurrent notify with the same key may have won a row: ignore_conflicts, then
        # keep the rows that are ours (their ids were made here).
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        ours = set(
            Notification.objects.filter(pk__in=[n.pk for n in rows]).values_list("pk", flat=True)
        )
        created = [n for n in rows if n.pk in ours]
        deliveries = []
        for notification in created:
            choice = choices[notification.recipient_id]
            user = users[notification.recipient_id]
            if choice.email and not choice.digest and user.email:
                deliveries.append(_delivery(notification, Channel.EMAIL, now))
            if choice.whatsapp:
                deliveries.append(
                    _delivery(
                        notification, Channel.WHATSAPP, now, skip=not channels.whatsapp_ok(user)
                    )
                )
        Delivery.objects.bulk_create(deliveries)
        for delivery in deliveries:
            if delivery.status == Delivery.Status.PENDING:
                enqueue_on_commit(DELIVER_TASK, str(delivery.pk))
    return len(created)


def _delivery(notification: Notification, channel: str, now: dt.datetime, *, skip: bool = False):
    if skip:
        return Delivery(
            notification=notification,
            channel=channel,
            status=Delivery.Status.SKIPPED,
            last_error="no phone number or WhatsApp not configured",
        )
    return Delivery(notification=notification, channel=channel, next_attempt_at=now)


# --- sending --------------------------------------------------------------------------------


def _claim(delivery_id: Any, now: dt.datetime) -> bool:
    """Take the delivery for one attempt: only one caller's conditional update matches."""
    due = Q(next_attempt_at__isnull=True, status=Delivery.Status.PENDING) | Q(
        next_attempt_at__lte=now
    )
    return bool(
        Delivery.objects.filter(
            due, pk=delivery_id, status__in=[Delivery.Status.PENDING, Delivery.Status.FAILED]
        ).update(next_attempt_at=now + LEASE)
    )


def delivery_send(*, delivery_id: Any, now: dt.datetime | None = None) -> str:
    """One attempt at a delivery; returns its status afterwards ("busy" when it was not due or
    another worker holds it)."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return "busy"
    delivery = Delivery.objects.select_related("notification__recipient", "digest__user").get(
        pk=delivery_id
    )
    attempts = delivery.attempts + 1
    try:
        channels.channel_for(delivery.channel).send(delivery)
    except channels.Skip as skip:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.SKIPPED,
            attempts=attempts,
            next_attempt_at=None,
            last_error=str(skip)[:ERROR_LENGTH],
        )
        return Delivery.Status.SKIPPED
    except Exception as error:  # any failure of the channel: record it and retry later
        logger.warning("Delivery %s (%s) failed: %s", delivery.pk, delivery.channel, error)
        retry_at = now + backoff(attempts) if attempts < MAX_ATTEMPTS else None
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED,
            attempts=attempts,
            next_attempt_at=retry_at,
            last_error=f"{type(error).__name__}: {error}"[:ERROR_LENGTH],
        )
        return Delivery.Status.FAILED
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT,
        attempts=attempts,
        next_attempt_at=None,
        sent_at=timezone.now(),
        last_error="",
    )
    return Delivery.Status.SENT


def deliveries_retry(*, now: dt.datetime, limit: int = 500) -> int:
    """Send the deliveries that are due (failed ones whose backoff has passed, pending ones whose
    task was lost); returns how many were sent."""
    due = list(
        Delivery.objects.filter(
            status__in=[Delivery.Status.PENDING, Delivery.Status.FAILED], next_attempt_at__lte=now
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(delivery_send(delivery_id=pk, now=now) == Delivery.Status.SENT for pk in due)


# --- read state -----------------------------------------------------------------------------


def notification_mark_read(*, user: User, notification: Notification) -> None:
    if notification.recipient_id != user.pk:
        raise PermissionError("Not your notification.")
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- the daily digest -----------------------------------------------------------------------


def _waiting_for_digest(now: dt.datetime):
    return Notification.objects.filter(
        in_digest=True, digest__isnull=True, read_at__isnull=True, created_at__lte=now
    )


def digests_send(*, now: dt.datetime) -> int:
    """From NOTIFICATION_DIGEST_HOUR (local time) on, send each user who has unread notifications
    waiting for the digest one e-mail for the day; returns how many digests were made. The
    digest of ``(user, date)`` is unique, so a second run (or a second worker) makes none."""
    local = timezone.localtime(now)
    if local.hour < settings.NOTIFICATION_DIGEST_HOUR:
        return 0
    today = local.date()
    user_ids = list(_waiting_for_digest(now).values_list("recipient_id", flat=True).distinct())
    made = []
    for user_id in user_ids:
        with transaction.atomic():
            digest, created = Digest.objects.get_or_create(user_id=user_id, date=today)
            if not created:
                continue  # today's digest went out; what came since waits for tomorrow's
            _waiting_for_digest(now).filter(recipient_id=user_id).update(digest=digest)
            delivery = Delivery.objects.create(
                digest=digest, channel=Channel.EMAIL, next_attempt_at=now
            )
        made.append(delivery.pk)
    for pk in made:
        delivery_send(delivery_id=pk, now=now)
    return len(made)


# --- preferences ----------------------------------------------------------------------------


def preferences_set(*, actor: User, user: User, choices: dict[str, dict[str, bool]]) -> int:
    """Store what ``user`` wants per kind (``{kind: {"email", "digest", "whatsapp"}}``) and audit
    the changes; returns how many kinds changed."""
    from simpul.notifications.selectors import choices_for_user

    if actor.pk != user.pk:
        raise PermissionError("Only the user chooses their notifications.")
    current = {c.kind.code: c for c in choices_for_user(user=user)}
    changes: dict[str, dict[str, Any]] = {}
    with transaction.atomic():
        for code, wanted in choices.items():
            before = current.get(code)
            if before is None:
                kind_get(code)  # an unknown kind raises
                continue
            values = {
                "email": bool(wanted.get("email")),
                "digest": bool(wanted.get("email")) and bool(wanted.get("digest")),
                "whatsapp": bool(wanted.get("whatsapp")),
            }
            old = {"email": before.email, "digest": before.digest, "whatsapp": before.whatsapp}
            if values == old:
                continue
            NotificationPreference.objects.update_or_create(user=user, kind=code, defaults=values)
            for field, value in values.items():
                if old[field] != value:
                    changes[f"{code}.{field}"] = {"before": old[field], "after": value}
        if changes:
            audit_log(
                actor=actor,
                action="notifications.preferences.changed",  # events.PREFERENCES_CHANGED
                target=user,
                changes=changes,
                data={"kinds": sorted({key.rsplit(".", 1)[0] for key in changes})},
            )
    return len({key.rsplit(".", 1)[0] for key in changes})
