import base64
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from simpul.accounts.models import Role
from simpul.accounts.services import totp_device_create
from simpul.core.models import AuditEvent
from simpul.testing.auth import login_verified
from simpul.testing.factories import PASSWORD, make_user

TWO_FACTOR = reverse("accounts:two_factor")
SETUP = reverse("accounts:two_factor_setup")


def _sign_in(client, user, next_url=None):
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data)


def _code(device):
    device.refresh_from_db()
    return (
        f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
    )


def _wrong(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.mark.django_db
def test_supervisor_must_pass_two_factor_before_using_the_app(client):
    user = make_user(Role.SUPERVISOR)
    device = totp_device_create(user=user, confirmed=True)
    response = _sign_in(client, user, next_url="/directory/")
    assert response.status_code == 302
    assert response["Location"].startswith(TWO_FACTOR)
    # Half signed in: the app and even the profile page send them back to the code step.
    for url in (
        reverse("core:home"),
        reverse("accounts:profile"),
        reverse("accounts:organization_users"),
    ):
        page = client.get(url)
        assert page.status_code == 302 and page["Location"].startswith(TWO_FACTOR)

    wrong = client.post(TWO_FACTOR, {"token": _wrong(_code(device)), "next": "/directory/"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    # An immediate retry is throttled by django-otp, even with the right code.
    throttled = client.post(TWO_FACTOR, {"token": _code(device), "next": "/directory/"})
    assert "Too many wrong codes" in throttled.content.decode()

    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=30)
    )
    ok = client.post(TWO_FACTOR, {"token": _code(device), "next": "/directory/"})
    assert ok.status_code == 302 and ok["Location"] == "/directory/"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("core:home")).status_code == 200
    assert (
        AuditEvent.objects.filter(action="accounts.user.two_factor_failed", actor=user).count() == 1
    )
    assert AuditEvent.objects.filter(
        action="accounts.user.two_factor_verified", actor=user
    ).exists()


@pytest.mark.django_db
def test_two_factor_ignores_unsafe_next(client):
    user = make_user(Role.SUPERVISOR)
    device = totp_device_create(user=user, confirmed=True)
    _sign_in(client, user)
    ok = client.post(TWO_FACTOR, {"token": _code(device), "next": "//evil.example/x"})
    assert ok["Location"] == reverse("core:home")


@pytest.mark.django_db
def test_supervisor_without_device_is_enrolled_with_qr_and_secret(client):
    user = make_user(Role.SUPERVISOR)
    _sign_in(client, user)
    step = client.get(TWO_FACTOR)
    assert step.status_code == 302 and step["Location"].startswith(SETUP)
    page = client.get(step["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and 'role="img"' in html
    secret = (
        re.search(r'<code class="secret"[^>]*>([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")
    )
    key = base64.b32decode(secret)
    code = f"{TOTP(key).token():06d}"

    wrong = client.post(SETUP, {"token": _wrong(code)})
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()

    done = client.post(SETUP, {"token": code, "next": "/directory/"})
    assert done.status_code == 302 and done["Location"] == "/directory/"
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed and device.bin_key == key
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.django_db
def test_case_worker_without_device_is_not_asked_for_a_code(client):
    user = make_user(Role.CASE_WORKER)
    response = _sign_in(client, user)
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.django_db
def test_optional_two_factor_can_be_enabled_and_disabled(client):
    user = make_user(Role.CASE_WORKER)
    client.force_login(user)
    html = client.get(SETUP).content.decode()
    secret = (
        re.search(r'<code class="secret"[^>]*>([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")
    )
    assert (
        client.post(SETUP, {"token": f"{TOTP(base64.b32decode(secret)).token():06d}"}).status_code
        == 302
    )
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    # Signing in again now asks for the code, because the user enrolled.
    client.logout()
    assert _sign_in(client, user)["Location"].startswith(TWO_FACTOR)
    client.logout()

    device = login_verified(client, user)
    assert device.user == user
    wrong_pw = client.post(reverse("accounts:two_factor_disable"), {"password": "nope"})
    assert wrong_pw.status_code == 400
    assert TOTPDevice.objects.filter(user=user).exists()
    client.post(reverse("accounts:two_factor_disable"), {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="accounts.two_factor.disabled", actor=user).exists()


@pytest.mark.django_db
def test_required_two_factor_cannot_be_disabled(client):
    user = make_user(Role.SUPERVISOR)
    login_verified(client, user)
    client.post(reverse("accounts:two_factor_disable"), {"password": PASSWORD})
    assert TOTPDevice.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_totp_device_create_with_fixed_secret_stores_hex_key():
    user = make_user(Role.SUPERVISOR)
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    device = totp_device_create(user=user, secret_b32=secret.lower(), confirmed=True)
    assert device.key == base64.b32decode(secret).hex()
    assert device.confirmed
    assert TOTP(device.bin_key).token() == TOTP(base64.b32decode(secret)).token()


@pytest.mark.django_db
def test_two_factor_reset_command_removes_devices_for_a_lost_phone():
    from django.core.management import call_command

    user = make_user(Role.SUPERVISOR, email="lostphone@example.test")
    totp_device_create(user=user, confirmed=True)
    call_command("two_factor_reset", "LostPhone@example.test")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(
        action="accounts.two_factor.reset", target_id=str(user.pk)
    ).exists()


@pytest.mark.django_db
def test_an_authorization_header_does_not_skip_the_second_factor_on_pages(client):
    from simpul.accounts.models import Role
    from simpul.testing.factories import make_user

    user = make_user(Role.SUPERVISOR)
    client.force_login(user)
    response = client.get("/directory/", HTTP_AUTHORIZATION="x")
    assert response.status_code == 302
    assert "/accounts/two-factor/" in response["Location"]
