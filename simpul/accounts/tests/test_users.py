import pytest
from django.urls import reverse

from simpul.accounts.models import Membership, Role
from simpul.accounts.services import membership_deactivate, membership_update_role
from simpul.core.exceptions import ApplicationError
from simpul.core.models import AuditEvent
from simpul.testing.auth import login
from simpul.testing.factories import MembershipFactory, OrganizationFactory, make_user


@pytest.mark.django_db
def test_org_admin_sees_only_their_organisation(client, lksa, lksa_admin):
    colleague = make_user(Role.CASE_WORKER, lksa, email="colleague@example.test")
    outsider = make_user(Role.CASE_WORKER, email="outsider@example.test")
    login(client, lksa_admin)
    index = client.get(reverse("accounts:organization_users"))
    assert index.status_code == 302  # one organisation: straight to it
    page = client.get(index["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert colleague.email in html and outsider.email not in html

    other_org = outsider.memberships.get().organization
    other_membership = outsider.memberships.get()
    for url in (
        reverse("accounts:organization_user_list", args=[other_org.pk]),
        reverse("accounts:organization_invitations", args=[other_org.pk]),
        reverse("accounts:invitation_create", args=[other_org.pk]),
        reverse("accounts:membership_detail", args=[other_org.pk, other_membership.pk]),
        # Another organisation's membership through our own organisation's URL: also hidden.
        reverse("accounts:membership_detail", args=[lksa.pk, other_membership.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("accounts:membership_deactivate", args=[other_org.pk, other_membership.pk])
    )
    assert response.status_code == 404
    other_membership.refresh_from_db()
    assert other_membership.is_active


@pytest.mark.django_db
def test_users_without_admin_role_are_refused(client, lksa):
    staff = make_user(Role.ORG_STAFF, lksa)
    login(client, staff)
    assert client.get(reverse("accounts:organization_users")).status_code == 403
    # Their own organisation: known to them, so 403 (not 404).
    assert client.get(reverse("accounts:organization_user_list", args=[lksa.pk])).status_code == 403


@pytest.mark.django_db
def test_system_admin_chooses_among_organisations(client):
    admin = make_user(Role.SYSTEM_ADMIN)
    OrganizationFactory()
    login(client, admin)
    response = client.get(reverse("accounts:organization_users"))
    assert response.status_code == 200
    assert "page" in response.context and response.context["page"].paginator.count >= 2


@pytest.mark.django_db
def test_member_list_is_paginated(client, lksa, lksa_admin):
    for _ in range(30):
        MembershipFactory(organization=lksa)
    login(client, lksa_admin)
    url = reverse("accounts:organization_user_list", args=[lksa.pk])
    first = client.get(url)
    assert len(first.context["page"].object_list) == 25
    assert first.context["page"].paginator.count == 31
    assert len(client.get(url + "?page=2").context["page"].object_list) == 6


@pytest.mark.django_db
def test_change_role_is_audited_with_before_and_after(client, lksa, lksa_admin):
    member = MembershipFactory(organization=lksa, role=Role.ORG_STAFF)
    login(client, lksa_admin)
    url = reverse("accounts:membership_detail", args=[lksa.pk, member.pk])
    assert client.post(url, {"role": Role.CASE_WORKER}).status_code == 302
    member.refresh_from_db()
    assert member.role == Role.CASE_WORKER
    event = AuditEvent.objects.get(action="accounts.membership.role_changed")
    assert event.changes["role"] == {"before": Role.ORG_STAFF, "after": Role.CASE_WORKER}
    # A department role is not on offer in a partner organisation.
    refused = client.post(url, {"role": Role.SUPERVISOR})
    assert refused.status_code == 400
    member.refresh_from_db()
    assert member.role == Role.CASE_WORKER


@pytest.mark.django_db
def test_deactivate_and_reactivate_membership(client, lksa, lksa_admin):
    member = MembershipFactory(organization=lksa, role=Role.ORG_STAFF)
    login(client, lksa_admin)
    client.post(reverse("accounts:membership_deactivate", args=[lksa.pk, member.pk]))
    member.refresh_from_db()
    assert not member.is_active
    client.post(reverse("accounts:membership_reactivate", args=[lksa.pk, member.pk]))
    member.refresh_from_db()
    assert member.is_active
    actions = list(
        AuditEvent.objects.filter(target_id=str(member.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["accounts.membership.deactivated", "accounts.membership.reactivated"]
    event = AuditEvent.objects.get(action="accounts.membership.deactivated")
    assert event.changes == {"is_active": {"before": True, "after": False}}


@pytest.mark.django_db
def test_nobody_can_remove_their_own_last_admin_membership(client, lksa, lksa_admin):
    own = lksa_admin.memberships.get()
    login(client, lksa_admin)
    response = client.post(
        reverse("accounts:membership_deactivate", args=[lksa.pk, own.pk]), follow=True
    )
    assert "your own last admin membership" in response.content.decode()
    own.refresh_from_db()
    assert own.is_active
    with pytest.raises(ApplicationError):
        membership_update_role(actor=lksa_admin, membership=own, role=Role.ORG_STAFF)
    # With a second admin membership elsewhere it is allowed.
    MembershipFactory(user=lksa_admin, role=Role.ORG_ADMIN)
    lksa_admin = type(lksa_admin).objects.get(pk=lksa_admin.pk)
    membership_deactivate(actor=lksa_admin, membership=own)
    assert not Membership.objects.get(pk=own.pk).is_active


@pytest.mark.django_db
def test_dinsos_admin_cannot_touch_a_system_admin_membership(dinsos):
    admin = make_user(Role.ORG_ADMIN, dinsos)
    sysadmin = MembershipFactory(organization=dinsos, role=Role.SYSTEM_ADMIN)
    with pytest.raises(ApplicationError):
        membership_deactivate(actor=admin, membership=sysadmin)
    sysadmin.refresh_from_db()
    assert sysadmin.is_active
