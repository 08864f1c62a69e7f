"""API tokens (issue 7, low): they expire, the API says so with a clear 401, the owner sees
them (created, last used, expires) and rotates or revokes them; all audited; a wrong-token
burst from one address is refused with 429."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from simpul.accounts.models import ApiToken, Role
from simpul.accounts.services import api_token_create, api_token_revoke, api_token_rotate
from simpul.core.models import AuditEvent
from simpul.testing.auth import login
from simpul.testing.factories import make_user

pytestmark = pytest.mark.django_db

ME = reverse("api:me")
PROFILE = reverse("accounts:profile")


def _get(key: str, ip: str = "127.0.0.1"):  # type: ignore[no-untyped-def]
    return APIClient().get(ME, HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR=ip)


def test_a_new_token_expires_after_the_configured_days(settings):
    settings.API_TOKEN_VALID_DAYS = 30
    user = make_user(Role.CASE_WORKER)
    api_token_create(user=user)
    token = ApiToken.objects.get(user=user)
    expected = timezone.now() + timedelta(days=30)
    assert abs((token.expires_at - expected).total_seconds()) < 60


def test_an_expired_token_is_refused_with_a_clear_401():
    user = make_user(Role.CASE_WORKER)
    key = api_token_create(user=user)
    assert _get(key).status_code == 200
    ApiToken.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(minutes=1))
    with translation.override("en"):
        response = _get(key)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "kedaluwarsa" in response.json()["detail"]


def test_last_use_is_recorded():
    user = make_user(Role.CASE_WORKER)
    key = api_token_create(user=user)
    assert ApiToken.objects.get(user=user).last_used_at is None
    assert _get(key).status_code == 200
    assert ApiToken.objects.get(user=user).last_used_at is not None


def test_rotation_issues_a_new_token_and_revokes_the_old_one_audited():
    user = make_user(Role.CASE_WORKER)
    old_key = api_token_create(user=user)
    old = ApiToken.objects.get(user=user)
    new_key = api_token_rotate(user=user, token_id=old.pk)
    assert new_key != old_key
    assert _get(old_key).status_code == 401
    assert _get(new_key).status_code == 200
    old.refresh_from_db()
    assert old.revoked_at is not None and old.replaced_by is not None
    assert AuditEvent.objects.filter(action="accounts.api_token.rotated", actor=user).exists()


def test_nobody_rotates_or_revokes_another_users_token():
    owner, other = make_user(Role.CASE_WORKER), make_user(Role.CASE_WORKER)
    key = api_token_create(user=owner)
    token = ApiToken.objects.get(user=owner)
    client = APIClient()
    login(client, other)  # type: ignore[arg-type]
    for name in ("accounts:api_token_rotate", "accounts:api_token_revoke_one"):
        assert client.post(reverse(name, args=[token.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        api_token_revoke(user=other, token_id=token.pk)
    assert ApiToken.objects.filter(user=other).count() == 0
    assert _get(key).status_code == 200


def test_profile_lists_tokens_with_dates_and_rotate_and_revoke_buttons(client):
    user = make_user(Role.CASE_WORKER)
    login(client, user)
    api_token_create(user=user)
    api_token_create(user=user)
    tokens = list(ApiToken.objects.filter(user=user))
    html = client.get(PROFILE).content.decode()
    for token in tokens:
        assert f"{token.prefix}…" in html
        assert reverse("accounts:api_token_rotate", args=[token.pk]) in html
        assert reverse("accounts:api_token_revoke_one", args=[token.pk]) in html
    # Rotate through the page: the new key is shown once, the old one stops.
    response = client.post(reverse("accounts:api_token_rotate", args=[tokens[0].pk]))
    assert response.status_code == 200 and response.context["new_token"]
    assert _get(response.context["new_token"]).status_code == 200
    client.post(reverse("accounts:api_token_revoke_one", args=[tokens[1].pk]))
    tokens[1].refresh_from_db()
    assert tokens[1].revoked_at is not None
    assert AuditEvent.objects.filter(action="accounts.api_token.revoked").exists()


def test_only_a_hash_of_the_key_is_stored():
    user = make_user(Role.CASE_WORKER)
    key = api_token_create(user=user)
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert not ApiToken.objects.filter(prefix=key).exists()


def test_a_burst_of_wrong_tokens_from_one_address_gets_429(settings):
    settings.API_TOKEN_FAILURE_LIMIT = 5
    for i in range(5):
        assert _get(f"guess-{i}", ip="203.0.113.9").status_code == 401
    user = make_user(Role.CASE_WORKER)
    key = api_token_create(user=user)
    with translation.override("en"):
        blocked = _get(key, ip="203.0.113.9")
    assert blocked.status_code == 429
    assert blocked.json()["detail"].startswith("Terlalu banyak permintaan")
    assert _get(key, ip="198.51.100.3").status_code == 200
