"""In-app notifications, what each user wants by e-mail or WhatsApp, and every delivery attempt.

A notification is one user's copy of one message; ``(recipient, dedupe_key)`` is unique, so the
same reminder made twice is stored (and sent) once. A :class:`Delivery` is one message on one
channel (``(notification, channel)`` and ``(digest, channel)`` are unique): it is sent by the
worker, retried with backoff and never sent twice (see docs/notifications.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from simpul.core.models import BaseModel


class Notification(BaseModel):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=100)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=255)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The recipient chose the daily digest for this kind: the notification waits for it.
    in_digest = models.BooleanField(default=False)
    digest = models.ForeignKey(
        "Digest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="notification_once_per_recipient"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient", "created_at"],
                name="notification_digest_due",
                condition=Q(in_digest=True, digest__isnull=True, read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(BaseModel):
    """What one user wants for one kind; no row means the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=100)
    email = models.BooleanField(_("e-mail"), default=True)
    digest = models.BooleanField(_("daily digest"), default=False)
    whatsapp = models.BooleanField(_("WhatsApp"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"


class Digest(BaseModel):
    """The one daily e-mail of one user, listing the notifications that waited for it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_digests"
    )
    date = models.DateField(_("date"))

    class Meta:
        verbose_name = _("digest")
        constraints = [models.UniqueConstraint(fields=["user", "date"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.date}"


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WHATSAPP = "whatsapp", _("WhatsApp")


class Delivery(BaseModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    digest = models.ForeignKey(
        Digest, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the next attempt is due; while an attempt runs it is the end of its lease, so a
    # second worker (or the sweep) does not take the same row. None: nothing more to do.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"],
                condition=Q(notification__isnull=False),
                name="delivery_once_per_notification",
            ),
            models.UniqueConstraint(
                fields=["digest", "channel"],
                condition=Q(digest__isnull=False),
                name="delivery_once_per_digest",
            ),
            models.CheckConstraint(
                condition=Q(notification__isnull=False, digest__isnull=True)
                | Q(notification__isnull=True, digest__isnull=False),
                name="delivery_of_notification_or_digest",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due",
                condition=Q(status__in=["pending", "failed"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.status}"

    @property
    def recipient(self) -> Any:
        """The user the delivery is for (of its notification, or of its digest)."""
        source: Any = self.notification if self.notification_id else self.digest
        return source.recipient if self.notification_id else source.user
