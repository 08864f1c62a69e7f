"""Every role × every directory page and API endpoint → allowed (200/201/302), 403 or 404.

The expectations are written out by hand (not derived from the permission functions), so a
rule that grants too much or too little fails here. "nobody" is a signed-in user without any
active membership: deny by default.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from simpul.accounts.models import Role
from simpul.directory.models import OrganizationType
from simpul.testing.auth import is_allowed_response, login
from simpul.testing.concurrency import if_match
from simpul.testing.factories import (
    MembershipFactory,
    OrganizationFactory,
    ServiceFactory,
    UserFactory,
    kelurahan,
    make_user,
)

ROLES = [r.value for r in Role] + ["nobody"]
A, F, N = "allowed", 403, 404
ALLOWED_CODES = {200, 201, 302}


def expect(default, **overrides):
    table = {role: default for role in ROLES}
    table.update(overrides)
    return table


# fmt: off
MATRIX = {
    # --- directory pages ------------------------------------------------------------------
    "directory list":           expect(A, nobody=F),
    "profile own":              expect(A, nobody=N),
    "profile other":            expect(A, nobody=N),
    "edit own":                 expect(F, system_admin=A, org_admin=A, nobody=N),
    "edit other":               expect(F, system_admin=A, nobody=N),
    "create organisation":      expect(F, system_admin=A),
    "add service own":          expect(F, system_admin=A, org_admin=A, nobody=N),
    "edit service own":         expect(F, system_admin=A, org_admin=A, nobody=N),
    "edit service other":       expect(F, system_admin=A, nobody=N),
    "capacity history own":     expect(A, nobody=N),
    "capacity update own":      expect(F, system_admin=A, org_admin=A, org_staff=A, nobody=N),
    "capacity update other":    expect(F, system_admin=A, nobody=N),
    "import":                   expect(F, system_admin=A, data_operator=A),
    "export":                   expect(A, donor=F, nobody=F),
    "audit trail":              expect(F, system_admin=A),
    # --- users of an organisation ----------------------------------------------------------
    "users own":                expect(N, system_admin=A, org_admin=A, org_staff=F),
    "users other":              expect(N, system_admin=A),
    "invite own":               expect(N, system_admin=A, org_admin=A, org_staff=F),
    "approvals":                expect(F, system_admin=A, supervisor=A),
    "lock-outs":                expect(F, system_admin=A),
    # --- REST API ---------------------------------------------------------------------------
    "api organisations":        expect(A, nobody=F),
    "api organisation own":     expect(A, nobody=N),
    "api patch own":            expect(F, system_admin=A, org_admin=A, nobody=N),
    "api patch other":          expect(F, system_admin=A, nobody=N),
    "api services":             expect(A, nobody=F),
    "api capacity own":         expect(F, system_admin=A, org_admin=A, org_staff=A, nobody=N),
    "api regions":              expect(A),
    "api region children":      expect(A),
    "api me":                   expect(A),
    "hsds root":                expect(A),
    "hsds organisations":       expect(A, nobody=F),
    "hsds organisation own":    expect(A, nobody=N),
    "hsds services":            expect(A, nobody=F),
    "hsds service own":         expect(A, nobody=N),
    "hsds service_at_locations": expect(A, nobody=F),
}
# fmt: on


@pytest.fixture
def world(db):
    dinsos = OrganizationFactory(name="Dinas Sosial", org_type=OrganizationType.DINSOS)
    sudin = OrganizationFactory(name="Sudinsos Jakarta Timur", org_type=OrganizationType.SUDINSOS)
    own = OrganizationFactory(name="LKSA Sendiri", kelurahan=kelurahan("31.75.01.1001"))
    other = OrganizationFactory(name="LKSA Lain", kelurahan=kelurahan("31.71.01.1001"))
    skpd = OrganizationFactory(name="Dinas PPAPP", org_type=OrganizationType.SKPD)
    business = OrganizationFactory(name="PT Peduli", org_type=OrganizationType.BUSINESS)
    home = {
        "system_admin": dinsos,
        "supervisor": dinsos,
        "data_operator": dinsos,
        "analyst": dinsos,
        "case_worker": sudin,
        "org_admin": own,
        "org_staff": own,
        "skpd_liaison": skpd,
        "donor": business,
    }
    users = {role: make_user(role, organization=org) for role, org in home.items()}
    users["nobody"] = UserFactory()
    # A member of the other organisation whose name must never leak to outsiders.
    secret = UserFactory(full_name="Rahasia Staf Lainnya")
    MembershipFactory(user=secret, organization=other, role=Role.ORG_STAFF)
    return {
        "users": users,
        "own": own,
        "other": other,
        "own_service": ServiceFactory(organization=own),
        "other_service": ServiceFactory(organization=other),
    }


def _request(client, name: str, w: dict):
    own, other, svc, osvc = w["own"], w["other"], w["own_service"], w["other_service"]
    capacity = {"total": 30, "occupied": 10, "note": "cek"}
    get = client.get
    calls = {
        "directory list": lambda: get(reverse("directory:list")),
        "profile own": lambda: get(reverse("directory:detail", args=[own.pk])),
        "profile other": lambda: get(reverse("directory:detail", args=[other.pk])),
        "edit own": lambda: get(reverse("directory:edit", args=[own.pk])),
        "edit other": lambda: get(reverse("directory:edit", args=[other.pk])),
        "create organisation": lambda: get(reverse("directory:create")),
        "add service own": lambda: get(reverse("directory:service_create", args=[own.pk])),
        "edit service own": lambda: get(reverse("directory:service_edit", args=[svc.pk])),
        "edit service other": lambda: get(reverse("directory:service_edit", args=[osvc.pk])),
        "capacity history own": lambda: get(reverse("directory:service_capacity", args=[svc.pk])),
        "capacity update own": lambda: client.post(
            reverse("directory:service_capacity", args=[svc.pk]), capacity
        ),
        "capacity update other": lambda: client.post(
            reverse("directory:service_capacity", args=[osvc.pk]), capacity
        ),
        "import": lambda: get(reverse("directory:import")),
        "export": lambda: get(reverse("directory:export")),
        "audit trail": lambda: get(reverse("access:audit")),
        "users own": lambda: get(reverse("accounts:organization_user_list", args=[own.pk])),
        "users other": lambda: get(reverse("accounts:organization_user_list", args=[other.pk])),
        "invite own": lambda: get(reverse("accounts:invitation_create", args=[own.pk])),
        "approvals": lambda: get(reverse("accounts:invitation_approvals")),
        "lock-outs": lambda: get(reverse("accounts:lockouts")),
        "api organisations": lambda: get(reverse("api:organization-list")),
        "api organisation own": lambda: get(reverse("api:organization-detail", args=[own.pk])),
        "api patch own": lambda: client.patch(
            reverse("api:organization-detail", args=[own.pk]),
            json.dumps({"website": "https://baru.example.org"}),
            content_type="application/json",
            headers=if_match(own),
        ),
        "api patch other": lambda: client.patch(
            reverse("api:organization-detail", args=[other.pk]),
            json.dumps({"website": "https://baru.example.org"}),
            content_type="application/json",
            headers=if_match(other),
        ),
        "api services": lambda: get(reverse("api:service-list")),
        "api capacity own": lambda: client.post(
            reverse("api:service-capacity", args=[svc.pk]),
            json.dumps(capacity),
            content_type="application/json",
        ),
        "api regions": lambda: get(reverse("api:region-list")),
        "api region children": lambda: get(reverse("api:region-children", args=["31.71"])),
        "api me": lambda: get(reverse("api:me")),
        "hsds root": lambda: get(reverse("api:hsds-root")),
        "hsds organisations": lambda: get(reverse("api:hsds-organization-list")),
        "hsds organisation own": lambda: get(
            reverse("api:hsds-organization-detail", args=[own.pk])
        ),
        "hsds services": lambda: get(reverse("api:hsds-service-list")),
        "hsds service own": lambda: get(reverse("api:hsds-service-detail", args=[svc.pk])),
        "hsds service_at_locations": lambda: get(reverse("api:hsds-service-at-location-list")),
    }
    return calls[name]()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role):
    login(client, world["users"][role])
    wrong = {}
    for name, table in MATRIX.items():
        response = _request(client, name, world)
        expected = table[role]
        ok = is_allowed_response(response) if expected == A else response.status_code == expected
        if not ok:
            wrong[name] = (expected, response.status_code)
    assert wrong == {}, f"{role}: {wrong}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_outsiders_never_see_an_organisations_people(client, world, role):
    login(client, world["users"][role])
    response = client.get(reverse("directory:detail", args=[world["other"].pk]))
    body = response.content.decode()
    if role == "system_admin":
        assert "Rahasia Staf Lainnya" in body  # Dinas Sosial admins administer every partner
    else:
        assert "Rahasia Staf Lainnya" not in body
    api = client.get(reverse("api:organization-detail", args=[world["other"].pk]))
    assert "Rahasia Staf Lainnya" not in api.content.decode()


@pytest.mark.django_db
def test_members_see_their_own_staff_list(client, world):
    login(client, world["users"]["org_staff"])
    body = client.get(reverse("directory:detail", args=[world["own"].pk])).content.decode()
    assert world["users"]["org_admin"].full_name in body


def test_a_redirect_to_sign_in_or_two_factor_counts_as_denied():
    from django.http import HttpResponseRedirect

    assert not is_allowed_response(HttpResponseRedirect(reverse("accounts:login") + "?next=/x/"))
    assert not is_allowed_response(HttpResponseRedirect(reverse("accounts:two_factor")))
    assert is_allowed_response(HttpResponseRedirect(reverse("directory:list")))
