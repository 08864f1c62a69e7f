"""Finding 2: the audit trail a system admin browses names records by number and never shows a
child's identity — not in the target, not in the diffs, not through the target filter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from simpul.accounts.models import Role
from simpul.children import services as child_services
from simpul.core.audit import audit_log
from simpul.core.models import AuditEvent
from simpul.testing.auth import login
from simpul.testing.factories import CaseFactory, make_user, sudin

pytestmark = pytest.mark.django_db

NAME, MOTHER, ADDRESS = "Euis Saharani", "Nyai Kartikasari", "Jl. Melati Gang Tujuh 12"
SECRETS = (NAME, MOTHER, ADDRESS, "Euis", "Saharani", "Kartikasari", "Melati")


@pytest.fixture
def child():
    worker = make_user(Role.CASE_WORKER, sudin("31.75"))
    child = child_services.child_register(
        actor=worker,
        data={
            "full_name": NAME,
            "sex": "F",
            "birth_date": dt.date(2011, 8, 9),
            "mother_name": MOTHER,
            "current_address": ADDRESS,
            "current_kelurahan": "31.75.01.1001",
        },
        aliases=[{"name": "Ucis", "kind": "nickname"}],
        guardians=[{"relationship": "mother", "full_name": MOTHER, "phone": "081234567890"}],
        confirm_not_duplicate_of=[],
    )
    CaseFactory(child=child, is_sensitive=True, kota_code="31.75")
    return child


def _pages(client, params=None) -> str:
    body, page = "", 1
    while True:
        response = client.get(reverse("access:audit"), {**(params or {}), "page": page})
        assert response.status_code == 200
        body += response.content.decode()
        if f"page={page + 1}" not in response.content.decode():
            return body
        page += 1


def test_registration_leaves_no_identity_in_the_stored_target(child):
    reprs = list(AuditEvent.objects.values_list("target_repr", flat=True))
    assert child.registration_number in reprs
    assert not any(secret in r for r in reprs for secret in SECRETS)


def test_system_admin_sees_numbers_not_identities_on_every_page(client, child):
    admin = make_user(Role.SYSTEM_ADMIN)
    login(client, admin)
    body = _pages(client)
    assert child.registration_number in body
    for secret in SECRETS:
        assert secret not in body, secret


def test_target_filter_is_an_exact_number_not_a_name_search(client, child):
    login(client, make_user(Role.SYSTEM_ADMIN))
    by_name = client.get(reverse("access:audit"), {"target": "Euis"}).content.decode()
    assert "children.child.registered" not in by_name
    by_number = client.get(
        reverse("access:audit"), {"target": child.registration_number}
    ).content.decode()
    assert "children.child.registered" in by_number
    for secret in SECRETS:
        assert secret not in by_number, secret


def test_rows_written_before_the_fix_are_masked_when_read(client, child):
    # An old row: the child named in target_repr and the identity in the diff.
    AuditEvent.objects.create(
        action="children.child.updated",
        target_type_id=AuditEvent.objects.filter(target_id=str(child.pk)).first().target_type_id,
        target_id=str(child.pk),
        target_repr=f"{NAME} ({child.registration_number})",
        changes={
            "mother_name": {"before": "", "after": MOTHER},
            "current_address": {"before": None, "after": ADDRESS},
        },
    )
    login(client, make_user(Role.SYSTEM_ADMIN))
    body = client.get(
        reverse("access:audit"), {"target": child.registration_number}
    ).content.decode()
    assert "children.child.updated" in body and "mother_name" in body
    for secret in SECRETS:
        assert secret not in body, secret


def test_non_personal_records_keep_their_values(client):
    org = sudin("31.75")
    audit_log(
        actor=None,
        action="directory.organization.updated",
        target=org,
        changes={"phone": {"before": "021-1", "after": "021-2"}},
    )
    login(client, make_user(Role.SYSTEM_ADMIN))
    body = client.get(reverse("access:audit")).content.decode()
    assert "021-2" in body and org.name in body
