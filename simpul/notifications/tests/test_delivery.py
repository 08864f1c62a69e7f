"""Sending: backoff and retry, the sweep run twice, the daily digest, the real SMTP server."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from simpul.core.sweeps import run_sweep
from simpul.notifications import channels, services
from simpul.notifications.models import Delivery, Digest, Notification, NotificationPreference
from simpul.notifications.services import backoff, notify

from .conftest import KIND

pytestmark = pytest.mark.django_db


def _notify(committed, users, key="k1"):
    return committed(
        notify,
        recipients=users,
        kind=KIND,
        subject="Tenggat rujukan",
        body="Rujukan R-1 belum dijawab.",
        url="/referrals/1/",
        dedupe_key=key,
    )


class Flaky:
    """A channel that fails ``failures`` times, then sends."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list = []

    def send(self, delivery) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("gateway down")
        self.sent.append(delivery.pk)


@pytest.fixture
def flaky(monkeypatch):
    def install(failures: int) -> Flaky:
        channel = Flaky(failures)
        monkeypatch.setitem(channels.CHANNELS, "email", channel)
        return channel

    return install


def test_backoff_doubles_up_to_six_hours():
    assert [backoff(n) for n in (1, 2, 3, 4)] == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff(30) == dt.timedelta(hours=6)


def test_failed_delivery_is_retried_after_its_backoff(committed, user, flaky):
    channel = flaky(failures=2)
    _notify(committed, [user])
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and delivery.attempts == 1
    assert "ConnectionError: gateway down" in delivery.last_error
    first_retry = delivery.next_attempt_at
    # Not yet due: the sweep leaves it alone.
    assert services.deliveries_retry(now=first_retry - dt.timedelta(seconds=1)) == 0
    assert services.deliveries_retry(now=first_retry) == 0  # fails again, longer wait
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at - first_retry == backoff(2)
    assert services.deliveries_retry(now=delivery.next_attempt_at) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("sent", 3, None)
    assert channel.sent == [delivery.pk]


def test_sweep_run_twice_sends_once(committed, user, flaky):
    channel = flaky(failures=1)
    _notify(committed, [user])
    later = timezone.now() + dt.timedelta(hours=1)
    run_sweep(later)
    run_sweep(later)
    run_sweep(later + dt.timedelta(days=1))
    assert len(channel.sent) == 1
    assert Delivery.objects.get().status == "sent"


def test_a_delivery_held_by_another_worker_is_not_sent_again(committed, user, flaky):
    channel = flaky(failures=1)
    _notify(committed, [user])
    delivery = Delivery.objects.get()
    now = delivery.next_attempt_at
    assert services._claim(delivery.pk, now)  # another worker took it
    assert services.delivery_send(delivery_id=delivery.pk, now=now) == "busy"
    assert channel.sent == []


def test_a_sent_delivery_is_never_sent_again(committed, user):
    _notify(committed, [user])
    delivery = Delivery.objects.get()
    assert delivery.status == "sent"
    assert services.delivery_send(delivery_id=delivery.pk) == "busy"
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert services.deliveries_retry(now=timezone.now() + dt.timedelta(days=1)) == 0
    assert len(mail.outbox) == 1


def test_gives_up_after_max_attempts(committed, user, flaky, monkeypatch):
    monkeypatch.setattr(services, "MAX_ATTEMPTS", 2)
    flaky(failures=10)
    _notify(committed, [user])
    delivery = Delivery.objects.get()
    services.deliveries_retry(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 2, None)


# --- digest ---------------------------------------------------------------------------------


def test_digest_once_per_day(committed, user, other_user, settings):
    settings.NOTIFICATION_DIGEST_HOUR = 7
    NotificationPreference.objects.create(user=user, kind=KIND, email=True, digest=True)
    _notify(committed, [user, other_user], key="a")
    _notify(committed, [user], key="b")
    assert [m.to for m in mail.outbox] == [[other_user.email]]  # at once for the other user
    mail.outbox.clear()
    tomorrow = timezone.localtime(timezone.now() + dt.timedelta(days=1))
    tomorrow_early = tomorrow.replace(hour=6, minute=0, second=0, microsecond=0)
    assert services.digests_send(now=tomorrow_early) == 0  # before the digest hour
    morning = tomorrow_early.replace(hour=8)
    assert services.digests_send(now=morning) == 1
    assert services.digests_send(now=morning.replace(hour=9)) == 0
    run_sweep(morning.replace(hour=10))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.body.count("Tenggat rujukan") == 4  # two items, in both languages
    digest = Digest.objects.get()
    assert digest.user == user and digest.date == morning.date()
    assert digest.notifications.count() == 2
    # A notification that arrives later that day waits for the next day's digest.
    _notify(committed, [user], key="c")
    assert services.digests_send(now=morning.replace(hour=23)) == 0
    assert services.digests_send(now=morning + dt.timedelta(days=1)) == 1
    assert Digest.objects.count() == 2 and len(mail.outbox) == 2


def test_digest_leaves_out_what_was_read(committed, user):
    NotificationPreference.objects.create(user=user, kind=KIND, email=True, digest=True)
    _notify(committed, [user])
    Notification.objects.update(read_at=timezone.now())
    assert services.digests_send(now=timezone.now() + dt.timedelta(days=1, hours=12)) == 0
    assert mail.outbox == []


# --- the real SMTP server -------------------------------------------------------------------


def test_notification_email_through_a_real_smtp_server(committed, user, smtp_settings, settings):
    settings.SITE_URL = "https://simpul.example.test"
    _notify(committed, [user])
    assert len(smtp_settings.messages) == 1
    message = smtp_settings.messages[0]
    assert message["To"] == user.email
    assert message["Subject"] == "Tenggat rujukan"
    body = message.get_payload(decode=True).decode()
    assert "Rujukan R-1 belum dijawab." in body
    assert "https://simpul.example.test/referrals/1/" in body
    assert Delivery.objects.get().status == "sent"


def test_smtp_server_down_means_failed_and_retried(committed, user, settings, smtp_server):
    controller, handler = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = 1  # nothing listens there
    settings.EMAIL_TIMEOUT = 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    _notify(committed, [user])
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and delivery.next_attempt_at
    settings.EMAIL_PORT = controller.port
    assert services.deliveries_retry(now=delivery.next_attempt_at) == 1
    assert len(handler.messages) == 1
