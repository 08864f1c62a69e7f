import pytest
from django.conf import settings
from django.urls import reverse

from simpul.accounts.models import Role
from simpul.core.models import AuditEvent
from simpul.testing.factories import PASSWORD, UserFactory, make_user

LOGIN = reverse("accounts:login")


def _post(client, email, password, **extra):
    return client.post(LOGIN, {"username": email, "password": password, **extra})


@pytest.mark.django_db
def test_login_with_email_and_password_signs_in_and_audits(client):
    user = make_user(Role.CASE_WORKER, email="login-ok@example.test")
    response = _post(client, "Login-OK@example.test ", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).wsgi_request.user == user
    event = AuditEvent.objects.get(action="accounts.user.signed_in")
    assert event.actor == user
    assert event.data == {"two_factor_pending": False}


@pytest.mark.django_db
def test_login_redirects_to_safe_next_only(client):
    make_user(Role.CASE_WORKER, email="next@example.test")
    response = _post(client, "next@example.test", PASSWORD, next="/accounts/profile/")
    assert response["Location"] == "/accounts/profile/"
    client.logout()
    response = _post(client, "next@example.test", PASSWORD, next="https://evil.example/")
    assert response["Location"] == reverse("core:home")


@pytest.mark.django_db
def test_wrong_password_and_unknown_email_give_the_same_generic_error(client):
    make_user(Role.CASE_WORKER, email="wrongpw@example.test")
    wrong = _post(client, "wrongpw@example.test", "not-the-password")
    unknown = _post(client, "nobody-here@example.test", "not-the-password")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        assert "The e-mail or password is wrong." in response.content.decode()
    assert wrong.content.decode().count("errorlist") == unknown.content.decode().count("errorlist")


@pytest.mark.django_db
def test_login_page_is_accessible_markup(client):
    response = client.get(LOGIN)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in html and 'type="email"' in html
    assert 'autocomplete="current-password"' in html
    assert '<label for="id_username">' in html


@pytest.mark.django_db
def test_lockout_after_five_failures_even_with_the_right_password(client):
    user = UserFactory(email="lockme@example.test")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _post(client, user.email, "wrong-password-1").status_code == 200
    locked = _post(client, user.email, "wrong-password-1")
    assert locked.status_code == 429
    assert "blocked" in locked.content.decode().lower()
    # The right password no longer helps while locked out.
    again = _post(client, user.email, PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="accounts.user.locked_out")
    assert event.target_id == str(user.pk)
    # Another account from the same address is not locked (lock-out is per user + IP).
    other = make_user(Role.CASE_WORKER, email="notlocked@example.test")
    assert _post(client, other.email, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_logout_requires_post(client):
    user = make_user(Role.CASE_WORKER)
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_session_idle_timeout_is_in_force(client):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    user = make_user(Role.CASE_WORKER)
    client.force_login(user)
    response = client.get(reverse("core:home"))
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    # Saved on every request, so the idle timer restarts with each page.
    assert cookie.value
    assert client.session.get_expiry_age() == 30 * 60
