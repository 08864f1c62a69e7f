"""Delivery channels: how a :class:`~simpul.notifications.models.Delivery` reaches a person.

A channel is anything with ``send(delivery) -> None`` that raises on failure (the delivery is
then retried with backoff) or raises :class:`Skip` when the message cannot go this way at all
(no phone number, channel not configured: the delivery is marked skipped, not retried).

- :class:`EmailChannel` sends with Django's ``send_mail`` (bilingual, Bahasa Indonesia first).
- :class:`WhatsAppCloudChannel` posts an approved *template* message to an HTTP gateway in the
  style of the WhatsApp Business Cloud API (``POST {url}/{phone_number_id}/messages`` with a
  bearer token). Business-initiated WhatsApp messages need a template approved by Meta and the
  user's opt-in: see docs/notifications.md.

Another gateway (an SMS provider) is one more class registered in :data:`CHANNELS`.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

if TYPE_CHECKING:
    from simpul.accounts.models import User
    from simpul.notifications.models import Delivery


class Skip(Exception):
    """The delivery cannot go through this channel; do not retry."""


class Channel(Protocol):
    def send(self, delivery: Delivery) -> None: ...


def absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL + url


def _email_content(delivery: Delivery) -> tuple[str, str]:
    context: dict[str, Any] = {"site_url": settings.SITE_URL}
    if delivery.notification_id:
        notification: Any = delivery.notification
        context |= {"notification": notification, "link": absolute(notification.url)}
        template = "notifications/email/notification.txt"
        subject = notification.subject
    else:
        digest: Any = delivery.digest
        items = [
            {"notification": n, "link": absolute(n.url)}
            for n in digest.notifications.order_by("created_at", "id")
        ]
        context |= {"digest": digest, "items": items}
        template = "notifications/email/digest.txt"
        # Both languages in the subject too: the mail is read before anyone signs in.
        with translation.override("id"):
            subject_id = render_to_string("notifications/email/digest_subject.txt", context)
        with translation.override("en"):
            subject_en = render_to_string("notifications/email/digest_subject.txt", context)
        subject = f"{subject_id.strip()} / {subject_en.strip()}"
    context["inbox"] = settings.SITE_URL + "/notifications/"
    context["preferences"] = settings.SITE_URL + "/notifications/preferences/"
    with translation.override("id"):
        body_id = render_to_string(template, context)
    with translation.override("en"):
        body_en = render_to_string(template, context)
    return subject, f"{body_id.strip()}\n\n-----\n\n{body_en.strip()}\n"


class EmailChannel:
    def send(self, delivery: Delivery) -> None:
        user = delivery.recipient
        if not user.email:
            raise Skip("no e-mail address")
        subject, body = _email_content(delivery)
        send_mail(subject, body, None, [user.email])


PHONE = re.compile(r"^\+?[0-9][0-9 \-]{6,19}$")


def phone_e164(phone: str) -> str:
    """An Indonesian number as WhatsApp wants it: digits with the country code (0812… → 62812…)."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits


def whatsapp_configured() -> bool:
    return bool(
        getattr(settings, "WHATSAPP_URL", "")
        and getattr(settings, "WHATSAPP_TOKEN", "")
        and getattr(settings, "WHATSAPP_PHONE_ID", "")
    )


def whatsapp_ok(user: User) -> bool:
    """WhatsApp can reach ``user``: the gateway is configured and the user has a phone."""
    return whatsapp_configured() and bool(PHONE.match(user.phone or ""))


class WhatsAppCloudChannel:
    """A template message through a WhatsApp Business Cloud-style HTTP API."""

    def payload(self, delivery: Delivery) -> dict:
        user = delivery.recipient
        source: Any = delivery.notification if delivery.notification_id else delivery.digest
        if delivery.notification_id:
            text = source.subject
            link = absolute(source.url) or settings.SITE_URL + "/notifications/"
        else:
            count = source.notifications.count()
            with translation.override("id"):
                text = translation.ngettext(
                    "%(count)s new notification", "%(count)s new notifications", count
                ) % {"count": count}
            link = settings.SITE_URL + "/notifications/"
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": phone_e164(user.phone),
            "type": "template",
            "template": {
                "name": settings.WHATSAPP_TEMPLATE,
                "language": {"code": "id"},
                "components": [
                    {
                        "type": "body",
                        "parameters": [
                            {"type": "text", "text": text[:1000]},
                            {"type": "text", "text": link},
                        ],
                    }
                ],
            },
        }

    def send(self, delivery: Delivery) -> None:
        if not whatsapp_ok(delivery.recipient):
            raise Skip("no phone number or WhatsApp not configured")
        url = f"{settings.WHATSAPP_URL.rstrip('/')}/{settings.WHATSAPP_PHONE_ID}/messages"
        request = urllib.request.Request(  # noqa: S310 - the URL comes from settings
            url,
            data=json.dumps(self.payload(delivery)).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {settings.WHATSAPP_TOKEN}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.WHATSAPP_TIMEOUT) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            detail = error.read()[:500].decode(errors="replace")
            raise RuntimeError(f"WhatsApp gateway answered {error.code}: {detail}") from error
        if not answer.get("messages"):
            raise RuntimeError(f"WhatsApp gateway accepted no message: {answer!r}"[:500])


CHANNELS: dict[str, Channel] = {"email": EmailChannel(), "whatsapp": WhatsAppCloudChannel()}


def channel_for(code: str) -> Channel:
    return CHANNELS[code]
