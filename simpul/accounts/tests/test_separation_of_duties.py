"""Separation of duties (issue 7, finding 3): a system admin never holds a role that reads
children, and the supervisor role needs a second person's approval (maker-checker)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from simpul.accounts.models import Invitation, Membership, Role
from simpul.accounts.services import (
    invitation_accept,
    invitation_approve,
    invitation_create,
    invitation_refuse,
    membership_reactivate,
    membership_update_role,
)
from simpul.core.exceptions import ApplicationError
from simpul.core.models import AuditEvent
from simpul.regions.models import Region
from simpul.testing.auth import login_verified
from simpul.testing.factories import MembershipFactory, make_user

pytestmark = pytest.mark.django_db

CHILD_ROLES = (
    Role.SUPERVISOR,
    Role.CASE_WORKER,
    Role.DATA_OPERATOR,
    Role.ORG_ADMIN,
    Role.ORG_STAFF,
    Role.SKPD_LIAISON,
)


@pytest.fixture
def province():
    return Region.objects.get(code="31")


@pytest.fixture
def sysadmin(dinsos):
    return make_user(Role.SYSTEM_ADMIN, dinsos, email="admin@example.test")


def _child_memberships(user):  # type: ignore[no-untyped-def]
    return Membership.objects.filter(user=user, role__in=CHILD_ROLES)


def test_system_admin_cannot_invite_themself_as_supervisor_and_read_children(
    client, dinsos, sysadmin, province
):
    """The reported attack: invite yourself as province supervisor, accept, read every child."""
    login_verified(client, sysadmin)
    response = client.post(
        reverse("accounts:invitation_create", args=[dinsos.pk]),
        {"email": sysadmin.email, "role": Role.SUPERVISOR, "region_scope": province.pk},
    )
    assert response.status_code == 400
    with pytest.raises(ApplicationError):
        invitation_create(
            actor=sysadmin,
            organization=dinsos,
            email=sysadmin.email,
            role=Role.SUPERVISOR,
            region_scope=province,
        )
    assert not Invitation.objects.exists()
    assert not _child_memberships(sysadmin).exists()


@pytest.mark.parametrize("role", CHILD_ROLES)
def test_no_child_data_role_can_be_given_to_a_system_admin(dinsos, sysadmin, role):
    other_admin = make_user(Role.SYSTEM_ADMIN, dinsos)
    for actor, email in ((sysadmin, sysadmin.email), (sysadmin, other_admin.email)):
        with pytest.raises(ApplicationError):
            invitation_create(actor=actor, organization=dinsos, email=email, role=role)
    assert not Invitation.objects.exists()


def test_accepting_an_old_invitation_after_becoming_system_admin_is_refused(dinsos, sysadmin):
    org_admin = make_user(Role.ORG_ADMIN, dinsos)
    person = make_user(Role.ANALYST, dinsos, email="later@example.test")
    invitation, _token = invitation_create(
        actor=org_admin, organization=dinsos, email=person.email, role=Role.DATA_OPERATOR
    )
    MembershipFactory(user=person, organization=dinsos, role=Role.SYSTEM_ADMIN)
    with pytest.raises(ApplicationError):
        invitation_accept(invitation=invitation, user=person)
    assert not _child_memberships(person).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_child_data_holder_cannot_become_system_admin(dinsos, sysadmin):
    worker = make_user(Role.CASE_WORKER, dinsos)
    with pytest.raises(ApplicationError):
        invitation_create(
            actor=sysadmin, organization=dinsos, email=worker.email, role=Role.SYSTEM_ADMIN
        )
    analyst_membership = MembershipFactory(user=worker, organization=dinsos, role=Role.ANALYST)
    with pytest.raises(ApplicationError):
        membership_update_role(
            actor=sysadmin, membership=analyst_membership, role=Role.SYSTEM_ADMIN
        )
    assert not Membership.objects.filter(user=worker, role=Role.SYSTEM_ADMIN).exists()


def test_changing_a_system_admins_other_membership_to_a_child_role_is_refused(dinsos, sysadmin):
    other = MembershipFactory(user=sysadmin, organization=dinsos, role=Role.ANALYST)
    for role in (Role.CASE_WORKER, Role.DATA_OPERATOR, Role.SUPERVISOR):
        with pytest.raises(ApplicationError):
            membership_update_role(actor=sysadmin, membership=other, role=role)
    other.refresh_from_db()
    assert other.role == Role.ANALYST


def test_model_validation_holds_the_rule_too(dinsos, sysadmin):
    with pytest.raises(ValidationError):
        Membership(user=sysadmin, organization=dinsos, role=Role.CASE_WORKER).full_clean()


# --- maker-checker for the supervisor role ---------------------------------------------------
def test_supervisor_invitation_needs_a_second_person_before_it_can_be_accepted(
    client, dinsos, sysadmin, province
):
    org_admin = make_user(Role.ORG_ADMIN, dinsos)
    invitation, token = invitation_create(
        actor=org_admin,
        organization=dinsos,
        email="new.sup@example.test",
        role=Role.SUPERVISOR,
        region_scope=province,
    )
    assert invitation.awaits_approval
    # The link does not work yet, through the page nor the service.
    url = reverse("accounts:invitation_accept", args=[token])
    response = client.post(
        url,
        {
            "full_name": "Sari Wulandari",
            "password1": "sungai-ciliwung-2024-x",
            "password2": "sungai-ciliwung-2024-x",
        },
    )
    assert response.status_code == 409
    assert client.get(url).status_code == 409
    with pytest.raises(ApplicationError):
        invitation_accept(invitation=invitation, full_name="X", password="sungai-ciliwung-2024-x")
    assert not Membership.objects.filter(role=Role.SUPERVISOR, organization=dinsos).exists()
    # The inviter cannot approve their own invitation.
    with pytest.raises(PermissionDenied):
        invitation_approve(actor=org_admin, invitation=invitation)
    # A second person (a system admin, or an existing supervisor) approves: audited.
    invitation_approve(actor=sysadmin, invitation=invitation)
    assert AuditEvent.objects.filter(
        action="accounts.invitation.approved", actor=sysadmin, target_id=str(invitation.pk)
    ).exists()
    user = invitation_accept(
        invitation=invitation, full_name="Sari Wulandari", password="sungai-ciliwung-2024-x"
    )
    assert Membership.objects.filter(user=user, role=Role.SUPERVISOR, is_active=True).exists()


def test_inviter_and_invitee_cannot_approve_and_a_refusal_closes_the_invitation(dinsos, sysadmin):
    supervisor = make_user(Role.SUPERVISOR, dinsos)
    invitation, _token = invitation_create(
        actor=sysadmin, organization=dinsos, email="colleague@example.test", role=Role.SUPERVISOR
    )
    with pytest.raises(PermissionDenied):
        invitation_approve(actor=sysadmin, invitation=invitation)
    analyst = make_user(Role.ANALYST, dinsos)
    with pytest.raises(PermissionDenied):
        invitation_approve(actor=analyst, invitation=invitation)
    invitation_refuse(actor=supervisor, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.refused_by == supervisor and not invitation.is_pending
    assert AuditEvent.objects.filter(action="accounts.invitation.refused").exists()
    with pytest.raises(ApplicationError):
        invitation_accept(invitation=invitation, full_name="X", password="sungai-ciliwung-2024-x")


def test_approval_page_lists_and_approves_for_the_second_person_only(client, dinsos, sysadmin):
    org_admin = make_user(Role.ORG_ADMIN, dinsos)
    invitation, _token = invitation_create(
        actor=org_admin, organization=dinsos, email="page@example.test", role=Role.SUPERVISOR
    )
    login_verified(client, org_admin)
    assert client.get(reverse("accounts:invitation_approvals")).status_code == 403
    assert (
        client.post(reverse("accounts:invitation_approve", args=[invitation.pk])).status_code == 404
    )
    login_verified(client, sysadmin)
    page = client.get(reverse("accounts:invitation_approvals"))
    assert page.status_code == 200 and "page@example.test" in page.content.decode()
    # The in-app notice: the main navigation links to the pending approval.
    home = client.get(reverse("core:home"))
    assert reverse("accounts:invitation_approvals") in home.content.decode()
    response = client.post(reverse("accounts:invitation_approve", args=[invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.approved_by == sysadmin


def test_the_supervisor_role_is_not_given_by_a_role_change_or_reactivation(dinsos, sysadmin):
    org_admin = make_user(Role.ORG_ADMIN, dinsos)
    analyst = make_user(Role.ANALYST, dinsos)
    membership = analyst.memberships.get()
    with pytest.raises(ApplicationError):
        membership_update_role(actor=org_admin, membership=membership, role=Role.SUPERVISOR)
    former = make_user(Role.SUPERVISOR, dinsos)
    old = former.memberships.get()
    Membership.objects.filter(pk=old.pk).update(is_active=False)
    with pytest.raises(ApplicationError):
        membership_reactivate(actor=org_admin, membership=old)
    old.refresh_from_db()
    membership.refresh_from_db()
    assert membership.role == Role.ANALYST and not old.is_active
