from __future__ import annotations

import pytest
from django.urls import reverse

from simpul.core.models import AuditEvent
from simpul.notifications.models import Notification, NotificationPreference
from simpul.testing.auth import login
from simpul.testing.home import assert_constant_queries, build

from .conftest import KIND

pytestmark = pytest.mark.django_db


def _make(user, n=1, **kw):
    return [
        Notification.objects.create(
            recipient=user, kind=KIND, subject=f"Pesan {i}", url="/cases/", dedupe_key=f"v{i}-{kw}"
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("name,args", [("inbox", []), ("preferences", []), ("mark_all_read", [])])
def test_anonymous_is_sent_to_sign_in(client, name, args):
    response = client.get(reverse(f"notifications:{name}", args=args))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_inbox_shows_own_notifications_unread_first(client, user, other_user):
    read, unread = _make(user, 2)
    read.read_at = read.created_at
    read.save()
    _make(other_user)
    login(client, user)
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    page = list(response.context["page"])
    assert page == [unread, read]
    assert response.context["notifications_unread"] == 1  # the navigation count


def test_mark_read_and_open(client, user):
    first, second = _make(user, 2)
    login(client, user)
    response = client.post(reverse("notifications:mark_read", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at
    response = client.get(reverse("notifications:open", args=[second.pk]))
    assert response["Location"] == "/cases/"
    second.refresh_from_db()
    assert second.read_at


def test_mark_all_read(client, user, other_user):
    _make(user, 3)
    (theirs,) = _make(other_user)
    login(client, user)
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_another_users_notification_is_404(client, user, other_user):
    (theirs,) = _make(other_user)
    login(client, user)
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_needs_post(client, user):
    (mine,) = _make(user)
    login(client, user)
    assert client.get(reverse("notifications:mark_read", args=[mine.pk])).status_code == 405


def test_preferences_are_saved_and_audited(client, user):
    login(client, user)
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 200
    form = response.context["form"]
    data = {name: field.initial for name, field in form.fields.items()}  # unchanged
    data[f"{KIND}__email"] = "digest"
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=user, kind=KIND)
    assert (pref.email, pref.digest) == (True, True)
    event = AuditEvent.objects.get(action="notifications.preferences.changed")
    assert event.changes == {f"{KIND}.digest": {"before": False, "after": True}}
    # Saving the same choices again changes and audits nothing.
    client.post(reverse("notifications:preferences"), data)
    assert AuditEvent.objects.filter(action="notifications.preferences.changed").count() == 1


def test_home_card_shows_unread(user, other_user):
    _make(user, 2)
    _make(other_user)
    data = build("notifications.unread", user)
    assert data.count == 2 and len(data.items) == 2
    assert build("notifications.unread", other_user).count == 1


def test_home_card_has_one_query_budget(user):
    _make(user)
    counter = iter(range(1000))

    def add(n):
        for _ in range(n):
            i = next(counter)
            Notification.objects.create(
                recipient=user, kind=KIND, subject=f"Lagi {i}", dedupe_key=f"q{i}"
            )

    assert_constant_queries("notifications.unread", user, add)
