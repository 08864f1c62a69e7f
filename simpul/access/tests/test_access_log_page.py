"""Finding 11: the access log has a page for supervisors, scoped to their region, filterable,
exportable, and its own reads are audited."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from simpul.accounts.models import Role
from simpul.children import services as child_services
from simpul.core.models import AccessLog, AuditEvent
from simpul.testing.auth import login_verified
from simpul.testing.factories import make_user, sudin

pytestmark = pytest.mark.django_db


def _child(worker, name, kelurahan):
    return child_services.child_register(
        actor=worker,
        data={
            "full_name": name,
            "sex": "M",
            "birth_date": dt.date(2012, 1, 5),
            "mother_name": "Ibu " + name,
            "current_kelurahan": kelurahan,
        },
        aliases=(),
        guardians=(),
        confirm_not_duplicate_of=[],
    )


@pytest.fixture
def world(client):
    timur = make_user(Role.CASE_WORKER, sudin("31.75"))
    pusat = make_user(Role.CASE_WORKER, sudin("31.71"))
    a = _child(timur, "Bagas Timur", "31.75.01.1001")
    from simpul.regions.models import Region

    kel_pusat = Region.objects.filter(level=4, code__startswith="31.71.").order_by("code").first()
    b = _child(pusat, "Raka Pusat", kel_pusat.code)
    for child, user, reason in ((a, timur, "kunjungan rumah"), (b, pusat, "rapat kasus pusat")):
        AccessLog.objects.create(
            user=user,
            user_email=user.email,
            action="open_restricted",
            child_id=str(child.pk),
            target_repr=child.registration_number,
            reason=reason,
        )
    return {"a": a, "b": b, "timur": timur}


def test_kota_supervisor_sees_only_reads_of_children_in_scope(client, world):
    login_verified(client, make_user(Role.SUPERVISOR, sudin("31.75")))
    body = client.get(reverse("access:access_log")).content.decode()
    assert world["a"].registration_number in body and "kunjungan rumah" in body
    assert world["b"].registration_number not in body and "rapat kasus pusat" not in body
    assert AuditEvent.objects.filter(action="access.access_log.viewed").count() == 1


def test_province_supervisor_sees_all_and_filters(client, world):
    from simpul.regions.models import Region

    province = make_user(Role.SUPERVISOR, sudin("31.75"))
    province.memberships.update(region_scope=Region.objects.get(code="31"))
    login_verified(client, province)
    body = client.get(
        reverse("access:access_log"), {"child": world["b"].registration_number}
    ).content.decode()
    assert "rapat kasus pusat" in body and "kunjungan rumah" not in body
    body = client.get(reverse("access:access_log"), {"reason": "kunjungan"}).content.decode()
    assert "kunjungan rumah" in body and "rapat kasus pusat" not in body
    body = client.get(reverse("access:access_log"), {"user": world["timur"].email}).content.decode()
    assert "kunjungan rumah" in body and "rapat kasus pusat" not in body


def test_export_is_scoped_and_audited(client, world):
    login_verified(client, make_user(Role.SUPERVISOR, sudin("31.75")))
    response = client.get(reverse("access:access_log_export"))
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "time" and len(rows) == 2 and rows[1][5] == world["a"].registration_number
    assert AuditEvent.objects.get(action="access.access_log.exported").data["rows"] == 1


@pytest.mark.parametrize(
    "role",
    [
        Role.CASE_WORKER,
        Role.SYSTEM_ADMIN,
        Role.ANALYST,
        Role.ORG_ADMIN,
        Role.DONOR,
        Role.DATA_OPERATOR,
    ],
)
def test_other_roles_are_refused(client, world, role):
    login_verified(
        client,
        make_user(role, sudin("31.75") if role in (Role.CASE_WORKER, Role.DATA_OPERATOR) else None),
    )
    assert client.get(reverse("access:access_log")).status_code == 403
    assert client.get(reverse("access:access_log_export")).status_code == 403
