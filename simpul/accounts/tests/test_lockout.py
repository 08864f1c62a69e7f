"""Lock-out (issue 7, finding 10): per account across addresses, per address across accounts,
a clear message, and an audited unlock by a system admin. Through the real sign-in page."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from simpul.accounts.models import Role
from simpul.core.models import AuditEvent
from simpul.testing.auth import login_verified
from simpul.testing.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def _post(client: Client, email: str, password: str, ip: str):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def _english() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_an_account_locked_from_one_address_is_locked_from_every_address():
    victim = make_user(Role.CASE_WORKER, email="victim@example.test")
    attacker = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        _post(attacker, victim.email, f"guess-{i}", ip="203.0.113.7")
    # The real owner, from another address and with the right password, is told to wait.
    owner = _english()
    response = _post(owner, victim.email, PASSWORD, ip="198.51.100.20")
    assert response.status_code == 429
    assert "_auth_user_id" not in owner.session
    assert "for this account" in response.content.decode()
    event = AuditEvent.objects.get(action="accounts.user.locked_out")
    assert event.target_id == str(victim.pk) and event.data["locked_by"] == "account"


def test_guesses_spread_over_addresses_still_lock_the_account():
    victim = make_user(Role.CASE_WORKER, email="spread@example.test")
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        _post(client, victim.email, "wrong", ip=f"192.0.2.{i + 1}")
    assert _post(client, victim.email, PASSWORD, ip="192.0.2.200").status_code == 429


def test_one_address_trying_many_accounts_is_locked(settings):
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 8
    users = [make_user(Role.ORG_STAFF, email=f"staff{i}@example.test") for i in range(9)]
    sprayer = _english()
    # One wrong password per account: no single account reaches its limit.
    for user in users[:8]:
        _post(sprayer, user.email, "Password123", ip="203.0.113.50")
    response = _post(sprayer, users[8].email, PASSWORD, ip="203.0.113.50")
    assert response.status_code == 429
    assert "from your network address" in response.content.decode()
    assert "_auth_user_id" not in sprayer.session
    # The same account from another address is fine: the block is on the address.
    elsewhere = Client()
    assert _post(elsewhere, users[8].email, PASSWORD, ip="198.51.100.9").status_code == 302


def test_a_successful_sign_in_does_not_clear_the_address_count(settings):
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 6
    own = make_user(Role.ORG_STAFF, email="own@example.test")
    targets = [make_user(Role.ORG_STAFF, email=f"t{i}@example.test") for i in range(6)]
    client = Client()
    for target in targets[:3]:
        _post(client, target.email, "wrong", ip="203.0.113.60")
    assert _post(client, own.email, PASSWORD, ip="203.0.113.60").status_code == 302
    client.logout()
    for target in targets[3:6]:
        _post(client, target.email, "wrong", ip="203.0.113.60")
    assert _post(Client(), own.email, PASSWORD, ip="203.0.113.60").status_code == 429


def test_system_admin_unlocks_an_account_and_an_address_audited():
    victim = make_user(Role.CASE_WORKER, email="unlock-me@example.test")
    client = Client()
    for _i in range(settings.AXES_FAILURE_LIMIT):
        _post(client, victim.email, "wrong", ip="203.0.113.70")
    assert _post(Client(), victim.email, PASSWORD, ip="198.51.100.1").status_code == 429
    # Not for anyone else.
    supervisor = make_user(Role.SUPERVISOR)
    other = Client()
    login_verified(other, supervisor)
    assert other.get(reverse("accounts:lockouts")).status_code == 403
    assert (
        other.post(reverse("accounts:lockout_clear"), {"username": victim.email}).status_code == 403
    )
    assert AccessAttempt.objects.filter(username=victim.email).exists()
    admin = make_user(Role.SYSTEM_ADMIN)
    admin_client = Client()
    login_verified(admin_client, admin)
    page = admin_client.get(reverse("accounts:lockouts"))
    assert page.status_code == 200 and victim.email in page.content.decode()
    response = admin_client.post(reverse("accounts:lockout_clear"), {"username": victim.email})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=victim.email).exists()
    event = AuditEvent.objects.get(action="accounts.lockout.cleared")
    assert event.actor == admin and event.data["username"] == victim.email
    assert _post(Client(), victim.email, PASSWORD, ip="198.51.100.1").status_code == 302
    # Unlock an address.
    for i in range(3):
        _post(Client(), f"x{i}@example.test", "wrong", ip="203.0.113.71")
    admin_client.post(reverse("accounts:lockout_clear"), {"ip_address": "203.0.113.71"})
    assert not AccessAttempt.objects.filter(ip_address="203.0.113.71").exists()
