import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from simpul.accounts.models import ApiToken, Role
from simpul.core.models import AuditEvent
from simpul.testing.auth import login
from simpul.testing.factories import PASSWORD, make_user

PROFILE = reverse("accounts:profile")


def api_client_me(key: str) -> int:
    return APIClient().get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {key}").status_code


@pytest.mark.django_db
def test_profile_shows_name_email_and_memberships(client, lksa):
    user = make_user(Role.CASE_WORKER, lksa, full_name="Budi Santoso")
    login(client, user)
    html = client.get(PROFILE).content.decode()
    assert "Budi Santoso" in html and user.email in html and lksa.name in html
    assert "Case worker" in html


@pytest.mark.django_db
def test_profile_update_is_saved_and_audited(client):
    user = make_user(Role.CASE_WORKER, full_name="Lama")
    login(client, user)
    assert client.post(PROFILE, {"full_name": "Nama Baru", "phone": "0812 1111"}).status_code == 302
    user.refresh_from_db()
    assert user.full_name == "Nama Baru"
    event = AuditEvent.objects.get(action="accounts.user.updated")
    assert event.changes["full_name"] == {"before": "Lama", "after": "Nama Baru"}


@pytest.mark.django_db
def test_password_change_checks_old_password_and_validators(client):
    user = make_user(Role.CASE_WORKER)
    login(client, user)
    url = reverse("accounts:password_change")
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}
    )
    assert weak.status_code == 400
    wrong_old = client.post(
        url,
        {
            "old_password": "nope",
            "new_password1": "kota-tua-jakarta-77",
            "new_password2": "kota-tua-jakarta-77",
        },
    )
    assert wrong_old.status_code == 400
    ok = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "kota-tua-jakarta-77",
            "new_password2": "kota-tua-jakarta-77",
        },
    )
    assert ok.status_code == 302
    user.refresh_from_db()
    assert user.check_password("kota-tua-jakarta-77")
    assert client.get(PROFILE).status_code == 200  # still signed in
    assert AuditEvent.objects.filter(action="accounts.user.password_changed").exists()


@pytest.mark.django_db
def test_api_token_is_shown_once_and_can_be_revoked(client):
    user = make_user(Role.SUPERVISOR)
    login(client, user)
    response = client.post(reverse("accounts:api_token_create"))
    token = ApiToken.objects.get(user=user)
    key = response.context["new_token"]
    assert key in response.content.decode() and key.startswith(token.prefix)
    assert key not in client.get(PROFILE).content.decode()
    assert token.key_hash != key  # only a hash is stored
    # The token authenticates as the user.
    assert api_client_me(key) == 200
    client.post(reverse("accounts:api_token_revoke"))
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert api_client_me(key) == 401
    assert AuditEvent.objects.filter(action="accounts.api_token.revoked").exists()
