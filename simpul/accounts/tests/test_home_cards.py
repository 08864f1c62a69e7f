"""The accounts app's home cards: invitations waiting for a second person's approval, sign-in
lock-outs for system admins, an organisation admin's invitations not yet accepted — each
scoped, and with a fixed number of queries."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from simpul.accounts.models import Role
from simpul.accounts.services import invitation_create
from simpul.testing.factories import OrganizationFactory, make_user
from simpul.testing.home import assert_constant_queries, build, card_keys

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def sysadmin(dinsos):
    return make_user(Role.SYSTEM_ADMIN, dinsos)


def test_a_supervisor_invitation_waits_on_the_home_of_everyone_who_may_approve_it(dinsos, sysadmin):
    other_admin = make_user(Role.SYSTEM_ADMIN, dinsos)
    supervisor = make_user(Role.SUPERVISOR, dinsos)
    invitation, _token = invitation_create(
        actor=sysadmin, organization=dinsos, email="calon@example.test", role=Role.SUPERVISOR
    )
    for approver in (other_admin, supervisor):
        data = build("accounts.invitation_approvals", approver)
        assert data.count == 1
        item = data.items[0]
        assert item.label.startswith("calon@example.test")
        assert item.url == reverse("accounts:invitation_approvals")
        assert item.due == invitation.expires_at and item.urgency.name == "WEEK"
    # Not on the home of the one who made it (a second person approves): the maker is told it
    # waits for someone else.
    mine = build("accounts.invitation_approvals", sysadmin)
    assert mine.count == 0 and mine.items == []
    assert mine.note == "1 invitation you made waits for another person's approval."
    assert build("accounts.invitation_approvals", other_admin).note == ""
    # Once approved it no longer waits, and the note goes.
    invitation.approved_at = timezone.now()
    invitation.save(update_fields=["approved_at"])
    assert build("accounts.invitation_approvals", sysadmin).note == ""


def _fail_sign_in(email, ip, times):
    for i in range(times):
        Client().post(
            reverse("accounts:login"), {"username": email, "password": f"wrong-{i}"}, REMOTE_ADDR=ip
        )


def test_a_system_admin_sees_the_locked_accounts(sysadmin):
    victim = make_user(Role.CASE_WORKER, email="victim@example.test")
    _fail_sign_in(victim.email, "203.0.113.7", settings.AXES_FAILURE_LIMIT)
    _fail_sign_in("almost@example.test", "203.0.113.8", settings.AXES_FAILURE_LIMIT - 2)
    data = build("accounts.lockouts", sysadmin)
    assert [i.label for i in data.items] == [victim.email]
    assert data.count == 1 and data.items[0].url == reverse("accounts:lockouts")
    assert "accounts.lockouts" not in card_keys(
        make_user(Role.SUPERVISOR, sysadmin.memberships.get().organization)
    )


def test_an_org_admin_sees_its_own_invitations_not_yet_accepted(lksa, lksa_admin):
    invitation_create(
        actor=lksa_admin, organization=lksa, email="staf.baru@example.test", role=Role.ORG_STAFF
    )
    other = OrganizationFactory()
    other_admin = make_user(Role.ORG_ADMIN, other)
    invitation_create(
        actor=other_admin, organization=other, email="lain@example.test", role=Role.ORG_STAFF
    )
    data = build("accounts.pending_invitations", lksa_admin)
    assert [i.label.split(" · ")[0] for i in data.items] == ["staf.baru@example.test"]
    assert data.items[0].url.endswith(f"/users/{lksa.pk}/invitations/")
    assert build("accounts.pending_invitations", other_admin).count == 1


def test_cards_apply_by_role(sysadmin, lksa_admin):
    assert {"accounts.lockouts", "accounts.administration"} <= card_keys(sysadmin)
    assert "accounts.pending_invitations" not in card_keys(sysadmin)
    assert "accounts.pending_invitations" in card_keys(lksa_admin)
    staff = make_user(Role.ORG_STAFF, lksa_admin.memberships.get().organization)
    assert not {k for k in card_keys(staff) if k.startswith("accounts.")}


def test_invitation_approvals_card_runs_the_same_queries_for_one_and_for_many(dinsos, sysadmin):
    approver = make_user(Role.SYSTEM_ADMIN, dinsos)

    def add(n, first=0):
        for i in range(first, first + n):
            invitation_create(
                actor=sysadmin,
                organization=dinsos,
                email=f"s{i}@example.test",
                role=Role.SUPERVISOR,
            )

    add(1)
    assert_constant_queries("accounts.invitation_approvals", approver, lambda n: add(n, first=1))


def test_lockouts_card_runs_the_same_queries_for_one_and_for_many(sysadmin):
    def add(n, first=0):
        for i in range(first, first + n):
            AccessAttempt.objects.create(
                username=f"u{i}@example.test",
                ip_address=f"192.0.2.{i + 1}",
                user_agent="test",
                failures_since_start=settings.AXES_FAILURE_LIMIT,
                attempt_time=timezone.now(),
                get_data="",
                post_data="",
                http_accept="",
                path_info="/accounts/login/",
            )

    add(1)
    assert_constant_queries("accounts.lockouts", sysadmin, lambda n: add(n, first=1))


def test_pending_invitations_card_runs_the_same_queries_for_one_and_for_many(lksa, lksa_admin):
    def add(n, first=0):
        for i in range(first, first + n):
            invitation_create(
                actor=lksa_admin, organization=lksa, email=f"p{i}@example.test", role=Role.ORG_STAFF
            )

    add(1)
    assert_constant_queries("accounts.pending_invitations", lksa_admin, lambda n: add(n, first=1))
