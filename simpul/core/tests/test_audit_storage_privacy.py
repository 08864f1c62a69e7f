"""Finding 2, at rest: the stored audit trail names a child's records by number and holds no
identity value of a child or its family (names, address, phone, birth date, school, notes), so
no reader of the table (the audit page, the admin, a database export) learns who the child is.
Old rows are rewritten by core's migration 0003."""

from __future__ import annotations

import datetime as dt
import importlib
import json

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from simpul.accounts.models import Role
from simpul.children import services as child_services
from simpul.children.models import Child
from simpul.core.audit import audit_log
from simpul.core.models import AuditEvent
from simpul.testing.factories import make_user, sudin

pytestmark = pytest.mark.django_db

NAME, MOTHER, ADDRESS = "Euis Saharani", "Nyai Kartikasari", "Jl. Melati Gang Tujuh 12"
PHONE, SCHOOL = "081234567890", "SDN Cempaka Wangi 03"
SECRETS = (NAME, MOTHER, ADDRESS, PHONE, SCHOOL, "Saharani", "Kartikasari", "Melati", "2011-08-09")


def _stored() -> str:
    rows = AuditEvent.objects.values_list("target_repr", "changes", "data")
    return "\n".join(f"{r} {json.dumps(c)} {json.dumps(d)}" for r, c, d in rows)


@pytest.fixture
def worker():
    return make_user(Role.CASE_WORKER, sudin("31.75"))


@pytest.fixture
def child(worker):
    return child_services.child_register(
        actor=worker,
        data={
            "full_name": NAME,
            "sex": "F",
            "birth_date": dt.date(2011, 8, 9),
            "mother_name": MOTHER,
            "current_address": ADDRESS,
            "current_kelurahan": "31.75.01.1001",
            "school_name": SCHOOL,
        },
        aliases=[{"name": "Ucis", "kind": "nickname"}],
        guardians=[{"relationship": "mother", "full_name": MOTHER, "phone": PHONE}],
        confirm_not_duplicate_of=[],
    )


def test_registration_and_family_edits_store_no_identity(worker, child):
    guardian = child.guardians.get()
    child_services.guardian_save(
        actor=worker,
        child=child,
        guardian=guardian,
        data={"relationship": "mother", "full_name": MOTHER + " Binti", "phone": PHONE + "1"},
    )
    child_services.guardian_save(
        actor=worker,
        child=child,
        data={"relationship": "father", "full_name": "Asep Saharani", "address": ADDRESS},
    )
    stored = _stored()
    assert child.registration_number in stored
    # The trail still says which fields changed, only not their values.
    assert "mother_name" in stored and "full_name" in stored
    for secret in (*SECRETS, "Asep"):
        assert secret not in stored, secret


def test_values_passed_directly_to_audit_log_are_masked_for_child_records(child):
    audit_log(
        actor=None,
        action="children.child.noted",
        target=child,
        changes={"mother_name": {"before": "", "after": MOTHER}},
        data={"guardian": {"full_name": MOTHER, "phone": PHONE}, "aliases": [{"name": "Ucis"}]},
    )
    stored = _stored()
    for secret in (*SECRETS, "Ucis"):
        assert secret not in stored, secret


def test_migration_rewrites_rows_written_before_the_fix(child):
    ct = ContentType.objects.get_for_model(Child)
    old = AuditEvent.objects.create(
        action="children.child.updated",
        target_type=ct,
        target_id=str(child.pk),
        target_repr=f"{NAME} ({child.registration_number})",
        changes={
            "mother_name": {"before": "", "after": MOTHER},
            "current_address": {"before": None, "after": ADDRESS},
            "sex": {"before": "M", "after": "F"},
        },
        data={"guardians": [{"full_name": MOTHER, "phone": PHONE}], "registration_number": "x"},
    )
    migration = importlib.import_module("simpul.core.migrations.0003_audit_mask_personal_values")
    migration.mask_personal_audit_values(apps, None)
    old.refresh_from_db()
    assert old.target_repr == child.registration_number
    assert old.changes["current_address"] == {"before": None, "after": "•••"}
    assert old.changes["sex"] == {"before": "M", "after": "F"}  # not an identity value
    assert old.data["registration_number"] == "x"
    for secret in SECRETS:
        assert secret not in _stored(), secret


def test_reading_a_childs_audit_history_is_logged_as_access(client, child):
    from django.urls import reverse

    from simpul.core.models import AccessLog
    from simpul.testing.auth import login

    admin = make_user(Role.SYSTEM_ADMIN)
    login(client, admin)
    assert client.get(reverse("access:audit")).status_code == 200
    assert not AccessLog.objects.filter(user=admin).exists()  # browsing the trail is not
    response = client.get(reverse("access:audit"), {"target": child.registration_number})
    assert response.status_code == 200
    entry = AccessLog.objects.get(user=admin)
    assert (entry.child_id, entry.target_repr) == (str(child.pk), child.registration_number)
    assert entry.reason == "audit trail"
    for secret in SECRETS:
        assert secret not in response.content.decode(), secret
