"""A referral keeps the protocol version and agreement in force when it was made, and takes its
working days and escalation chain from that version."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from simpul.agreements.models import AgreementStatus
from simpul.agreements.tests.conftest import make_agreement, make_version
from simpul.children.models import Category
from simpul.referrals import services

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


def test_protocol_and_agreement_in_force(case, worker, lksa, sharing_allowed, sudin_timur):
    category = Category.objects.get(scheme="pmks", code="AJ")
    type(case).objects.filter(pk=case.pk).update(primary_category=category)
    case.refresh_from_db()
    version = make_version(
        category=category,
        deadline_table={"normal": {"acknowledge": 3, "decide": 6, "start": 8, "finish": 15}},
        escalation=[
            {"after_working_days": 0, "notify": "receiving_org"},
            {"after_working_days": 2, "notify": "receiving_org_admin"},
            {"after_working_days": 4, "notify": "dinsos_supervisor"},
        ],
    )
    agreement = make_agreement(
        government_side=sudin_timur, parties=[lksa], status=AgreementStatus.ACTIVE
    )
    made = dt.datetime(2026, 12, 1, 9, tzinfo=WIB)  # Tuesday
    r = services.referral_create(actor=worker, case=case, to_organization=lksa, now=made)
    assert r.protocol_version == version and r.agreement == agreement
    assert r.acknowledge_due.astimezone(WIB).date() == dt.date(2026, 12, 4)
    assert r.finish_due.astimezone(WIB).date() == dt.date(2026, 12, 22)
    assert (r.escalate_admin_after, r.escalate_supervisor_after) == (2, 4)
