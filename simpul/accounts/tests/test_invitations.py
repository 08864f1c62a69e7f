import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from simpul.accounts.models import Invitation, Membership, Role, User
from simpul.accounts.services import invitation_create, invitation_revoke
from simpul.core.exceptions import ApplicationError
from simpul.core.models import AuditEvent
from simpul.testing.auth import login
from simpul.testing.factories import UserFactory, make_user

from .conftest import body_of

NEW_PASSWORD = "sungai-ciliwung-2024-x"


def _link_path(text):
    url = re.search(r"https?://\S+/accounts/invitations/\S+/", text).group(0)
    return urlparse(url).path


@pytest.mark.django_db
def test_invitation_email_is_delivered_over_smtp_and_link_creates_user(
    client, settings, smtp_settings, lksa, lksa_admin, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://simpul.example.test"
    login(client, lksa_admin)
    url = reverse("accounts:invitation_create", args=[lksa.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "Baru@Example.test", "role": Role.CASE_WORKER})
    assert response.status_code == 302
    invitation = Invitation.objects.get(organization=lksa)
    assert invitation.email == "baru@example.test"
    assert len(invitation.token_hash) == 64

    assert len(smtp_settings.messages) == 1
    message = smtp_settings.messages[0]
    assert message["To"] == "baru@example.test"
    body = body_of(message)
    assert "https://simpul.example.test/accounts/invitations/" in body
    assert lksa.name in body
    path = _link_path(body)

    visitor = Client(headers={"accept-language": "en"})
    page = visitor.get(path)
    assert page.status_code == 200 and 'name="password2"' in page.content.decode()
    weak = visitor.post(
        path, {"full_name": "Siti Baru", "password1": "12345", "password2": "12345"}
    )
    assert weak.status_code == 200 and not User.objects.filter(email="baru@example.test").exists()
    done = visitor.post(
        path, {"full_name": "Siti Baru", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert done.status_code == 302

    user = User.objects.get(email="baru@example.test")
    assert user.full_name == "Siti Baru" and user.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=user, organization=lksa)
    assert membership.role == Role.CASE_WORKER and membership.is_active
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.accepted_user == user
    assert AuditEvent.objects.filter(action="accounts.invitation.accepted", actor=user).exists()
    assert visitor.get(reverse("core:home")).wsgi_request.user == user
    # The link works once.
    assert Client().get(path).status_code == 410


@pytest.mark.django_db
def test_expired_revoked_and_unknown_links_are_refused(client, lksa, lksa_admin):
    expired, expired_token = invitation_create(
        actor=lksa_admin, organization=lksa, email="old@example.test", role=Role.ORG_STAFF
    )
    Invitation.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.get(reverse("accounts:invitation_accept", args=[expired_token]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    post = client.post(
        reverse("accounts:invitation_accept", args=[expired_token]),
        {"full_name": "X", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert post.status_code == 410 and not User.objects.filter(email="old@example.test").exists()

    revoked, revoked_token = invitation_create(
        actor=lksa_admin, organization=lksa, email="rev@example.test", role=Role.ORG_STAFF
    )
    invitation_revoke(actor=lksa_admin, invitation=revoked)
    assert (
        client.get(reverse("accounts:invitation_accept", args=[revoked_token])).status_code == 410
    )

    assert (
        client.get(reverse("accounts:invitation_accept", args=["not-a-token"])).status_code == 404
    )


@pytest.mark.django_db
def test_existing_user_signed_in_accepts_and_gets_membership(client, lksa, lksa_admin):
    existing = make_user(Role.CASE_WORKER, email="ada@example.test")
    _invitation, token = invitation_create(
        actor=lksa_admin, organization=lksa, email="ADA@example.test", role=Role.ORG_STAFF
    )
    url = reverse("accounts:invitation_accept", args=[token])
    # Anonymous: asked to sign in first, no account created twice.
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    anonymous = english.get(url)
    assert "Sign in first" in anonymous.content.decode()
    # Signed in as someone else: refused.
    other = make_user(Role.CASE_WORKER)
    client.force_login(other)
    assert client.post(url).status_code == 403
    assert not Membership.objects.filter(user=other, organization=lksa).exists()
    client.force_login(existing)
    assert client.post(url).status_code == 302
    assert Membership.objects.filter(user=existing, organization=lksa, role=Role.ORG_STAFF).exists()
    assert User.objects.filter(email="ada@example.test").count() == 1


@pytest.mark.django_db
def test_org_admin_cannot_invite_with_department_roles(client, lksa, lksa_admin):
    login(client, lksa_admin)
    url = reverse("accounts:invitation_create", args=[lksa.pk])
    for role in (Role.SYSTEM_ADMIN, Role.SUPERVISOR, Role.ANALYST, Role.DATA_OPERATOR):
        response = client.post(url, {"email": f"{role}@example.test", "role": role})
        assert response.status_code == 400
        with pytest.raises(ApplicationError):
            invitation_create(
                actor=lksa_admin, organization=lksa, email="x@example.test", role=role
            )
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_dinsos_admin_may_invite_supervisor_but_not_system_admin(dinsos):
    admin = make_user(Role.ORG_ADMIN, dinsos)
    invitation, _ = invitation_create(
        actor=admin, organization=dinsos, email="sup@example.test", role=Role.SUPERVISOR
    )
    assert invitation.role == Role.SUPERVISOR
    with pytest.raises(ApplicationError):
        invitation_create(
            actor=admin, organization=dinsos, email="sys@example.test", role=Role.SYSTEM_ADMIN
        )


@pytest.mark.django_db
def test_org_admin_cannot_invite_into_another_organisation(client, lksa_admin):
    other = make_user(Role.ORG_ADMIN).memberships.get().organization
    login(client, lksa_admin)
    response = client.post(
        reverse("accounts:invitation_create", args=[other.pk]),
        {"email": "a@example.test", "role": Role.ORG_STAFF},
    )
    assert response.status_code == 404
    assert not Invitation.objects.filter(organization=other).exists()


@pytest.mark.django_db
def test_resend_issues_a_new_link_and_revoke_stops_it(
    client, smtp_settings, lksa, lksa_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, old_token = invitation_create(
            actor=lksa_admin, organization=lksa, email="resend@example.test", role=Role.ORG_STAFF
        )
    login(client, lksa_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:invitation_resend", args=[lksa.pk, invitation.pk]))
    assert response.status_code == 302
    assert len(smtp_settings.messages) == 2
    new_path = _link_path(body_of(smtp_settings.messages[1]))
    assert old_token not in new_path
    assert client.get(reverse("accounts:invitation_accept", args=[old_token])).status_code == 404

    client.post(reverse("accounts:invitation_revoke", args=[lksa.pk, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert Client().get(new_path).status_code == 410


@pytest.mark.django_db
def test_duplicate_pending_invitation_is_refused(lksa, lksa_admin):
    invitation_create(
        actor=lksa_admin, organization=lksa, email="dup@example.test", role=Role.ORG_STAFF
    )
    with pytest.raises(ApplicationError):
        invitation_create(
            actor=lksa_admin, organization=lksa, email="DUP@example.test", role=Role.CASE_WORKER
        )


@pytest.mark.django_db
def test_pending_invitations_page_lists_only_pending(client, lksa, lksa_admin):
    invitation_create(
        actor=lksa_admin, organization=lksa, email="p@example.test", role=Role.ORG_STAFF
    )
    gone, _ = invitation_create(
        actor=lksa_admin, organization=lksa, email="g@example.test", role=Role.ORG_STAFF
    )
    invitation_revoke(actor=lksa_admin, invitation=gone)
    UserFactory(email="unrelated@example.test")
    login(client, lksa_admin)
    html = client.get(reverse("accounts:organization_invitations", args=[lksa.pk])).content.decode()
    assert "p@example.test" in html and "g@example.test" not in html
