from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from simpul.notifications.models import Delivery, Notification, NotificationPreference
from simpul.notifications.services import notify

from .conftest import KIND, QUIET_KIND

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _run_on_commit(committed):
    global _committed
    _committed = committed


def _notify(users, key="k1", kind=KIND):
    return _committed(
        notify,
        recipients=users,
        kind=kind,
        subject="Rujukan baru",
        body="Ada rujukan baru untuk organisasi Anda.",
        url="/referrals/1/",
        dedupe_key=key,
        data={"referral": "1"},
    )


def test_notify_creates_one_notification_and_one_email_per_recipient(user, other_user):
    assert _notify([user, other_user]) == 2
    assert Notification.objects.filter(dedupe_key="k1").count() == 2
    assert Delivery.objects.filter(channel="email", status="sent").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([user.email, other_user.email])


def test_notify_is_idempotent_by_recipient_and_key(user, other_user):
    assert _notify([user]) == 1
    assert _notify([user, other_user]) == 1  # only the other user is new
    assert _notify([user, other_user]) == 0
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2
    assert Delivery.objects.count() == 2


def test_unknown_kind_raises(user):
    with pytest.raises(ImproperlyConfigured):
        _notify([user], kind="notifications.nope")


def test_preference_without_email_stores_in_app_only(user):
    NotificationPreference.objects.create(user=user, kind=KIND, email=False)
    assert _notify([user]) == 1
    assert mail.outbox == []
    assert not Delivery.objects.exists()


def test_kind_default_applies_without_a_preference(user, other_user):
    NotificationPreference.objects.create(user=other_user, kind=QUIET_KIND, email=True)
    _notify([user, other_user], kind=QUIET_KIND)
    assert [m.to for m in mail.outbox] == [[other_user.email]]


def test_digest_preference_holds_the_email_for_the_digest(user):
    NotificationPreference.objects.create(user=user, kind=KIND, email=True, digest=True)
    _notify([user])
    assert mail.outbox == []
    assert Notification.objects.get().in_digest


def test_inactive_users_get_nothing(user):
    user.is_active = False
    user.save()
    assert _notify([user]) == 0


def test_email_is_bilingual_with_indonesian_first(user, settings):
    settings.SITE_URL = "https://simpul.example.test"
    _notify([user])
    message = mail.outbox[0]
    assert message.subject == "Rujukan baru"
    body = message.body
    assert "Ada rujukan baru" in body
    assert "https://simpul.example.test/referrals/1/" in body
    # Bahasa Indonesia, then English (rendered under translation.override("id") then "en").
    indonesian, english = body.split("\n-----\n")
    assert "Ada rujukan baru" in indonesian and "Ada rujukan baru" in english
