"""Every accounts page renders for the people who may see it."""

import pytest
from django.test import Client
from django.urls import reverse

from simpul.accounts.models import Membership, Role
from simpul.accounts.services import invitation_approve, invitation_create
from simpul.regions.models import Region
from simpul.testing.auth import login
from simpul.testing.factories import MembershipFactory, make_user


@pytest.mark.django_db
def test_management_pages_render_for_a_system_admin(client, dinsos):
    admin = make_user(Role.SYSTEM_ADMIN, dinsos)
    member = MembershipFactory(organization=dinsos, role=Role.SUPERVISOR)
    invitation, _ = invitation_create(
        actor=admin, organization=dinsos, email="n@example.test", role=Role.ANALYST
    )
    login(client, admin)
    for name, args in [
        ("organization_users", []),
        ("organization_user_list", [dinsos.pk]),
        ("organization_invitations", [dinsos.pk]),
        ("invitation_create", [dinsos.pk]),
        ("membership_detail", [dinsos.pk, member.pk]),
        ("profile", []),
        ("two_factor_setup", []),
    ]:
        response = client.get(reverse(f"accounts:{name}", args=args))
        assert response.status_code in (200, 302), name
        if response.status_code == 200:
            assert b"<h1" in response.content, name
    page = client.get(reverse("accounts:organization_invitations", args=[dinsos.pk]))
    assert invitation.email in page.content.decode()
    # Region scope is offered for Dinas Sosial invitations.
    assert (
        'name="region_scope"'
        in client.get(reverse("accounts:invitation_create", args=[dinsos.pk])).content.decode()
    )


@pytest.mark.django_db
def test_region_scope_travels_from_invitation_to_membership(dinsos):
    admin = make_user(Role.ORG_ADMIN, dinsos)
    kota = Region.objects.filter(level=2).order_by("code").first()
    _inv, token = invitation_create(
        actor=admin,
        organization=dinsos,
        email="scope@example.test",
        role=Role.SUPERVISOR,
        region_scope=kota,
    )
    # A supervisor invitation needs a second person's approval first (separation of duties).
    invitation_approve(actor=make_user(Role.SYSTEM_ADMIN, dinsos), invitation=_inv)
    visitor = Client()
    visitor.post(
        reverse("accounts:invitation_accept", args=[token]),
        {"full_name": "Rina", "password1": "monas-jakarta-2045", "password2": "monas-jakarta-2045"},
    )
    membership = Membership.objects.get(user__email="scope@example.test")
    assert membership.region_scope == kota and membership.role == Role.SUPERVISOR
    # A supervisor must enrol in two-factor before using the app.
    response = visitor.get(reverse("core:home"))
    assert response.status_code == 302 and reverse("accounts:two_factor") in response["Location"]


@pytest.mark.django_db
def test_signed_in_invitee_sees_a_confirm_page(client, lksa, lksa_admin):
    invitee = make_user(Role.CASE_WORKER, email="confirm@example.test")
    _inv, token = invitation_create(
        actor=lksa_admin, organization=lksa, email=invitee.email, role=Role.ORG_STAFF
    )
    client.force_login(invitee)
    page = client.get(reverse("accounts:invitation_accept", args=[token]))
    assert page.status_code == 200 and "Accept and join" in page.content.decode()
