"""The interfaces the referrals app uses: agreement_in_force, organizations_with_agreement,
protocol_in_force, ProtocolVersion.deadlines / escalation_chain / participants."""

from __future__ import annotations

import datetime as dt

import pytest

from simpul.agreements.models import AgreementStatus, ImmutableVersion, VersionStatus
from simpul.agreements.selectors import (
    agreement_in_force,
    organizations_with_agreement,
    protocol_in_force,
)
from simpul.agreements.tests.conftest import make_agreement, make_version

pytestmark = pytest.mark.django_db


def test_agreement_in_force_by_status_and_dates(dinsos, lksa, yayasan):
    active = make_agreement(government_side=dinsos, parties=[lksa], status=AgreementStatus.ACTIVE)
    make_agreement(government_side=dinsos, parties=[yayasan])  # a draft is never in force
    on = dt.date(2026, 6, 1)
    assert agreement_in_force(organization=lksa, on=on) == active
    assert agreement_in_force(organization=yayasan, on=on) is None
    assert agreement_in_force(organization=lksa, on=dt.date(2027, 1, 1)) is None
    assert agreement_in_force(organization=lksa, on=dt.date(2025, 12, 31)) is None
    assert organizations_with_agreement(on=on) == {lksa.pk}
    assert organizations_with_agreement(on=dt.date(2027, 1, 1)) == set()


def test_terminated_agreement_was_in_force_before_termination(dinsos, lksa):
    make_agreement(
        government_side=dinsos,
        parties=[lksa],
        status=AgreementStatus.TERMINATED,
        terminated_on=dt.date(2026, 5, 1),
    )
    assert agreement_in_force(organization=lksa, on=dt.date(2026, 4, 30)) is not None
    assert agreement_in_force(organization=lksa, on=dt.date(2026, 5, 1)) is None


def test_protocol_in_force_by_valid_from(category_aj):
    v1 = make_version(category=category_aj, number=1, valid_from=dt.date(2026, 1, 1))
    v2 = make_version(
        category=category_aj,
        number=2,
        valid_from=dt.date(2026, 7, 1),
        status=VersionStatus.APPROVED,
    )
    make_version(category=category_aj, number=3, status=VersionStatus.DRAFT)
    assert protocol_in_force(category=category_aj, on=dt.date(2025, 12, 31)) is None
    assert protocol_in_force(category=category_aj, on=dt.date(2026, 6, 30)) == v1
    assert protocol_in_force(category=category_aj, on=dt.date(2026, 7, 1)) == v2


def test_version_interface(category_aj):
    version = make_version(category=category_aj)
    version = protocol_in_force(category=category_aj, on=dt.date(2026, 3, 1))
    assert version.deadlines("high") == {"acknowledge": 1, "decide": 2, "start": 5, "finish": 20}
    assert set(version.deadlines("normal")) == {"acknowledge", "decide", "start", "finish"}
    with pytest.raises(ValueError):
        version.deadlines("urgent")
    chain = version.escalation_chain
    assert [s["notify"] for s in chain] == [
        "receiving_org",
        "receiving_org_admin",
        "dinsos_supervisor",
        "head_of_department",
    ]
    assert all(isinstance(s["after_working_days"], int) for s in chain)
    participants = list(version.participants.all())
    assert {p.org_type for p in participants} == {"lksa", "skpd"}
    assert {p.office for p in participants} == {"", "dukcapil"}


def test_approved_version_is_immutable(category_aj):
    version = make_version(category=category_aj)
    version.purpose = "changed"
    with pytest.raises(ImmutableVersion):
        version.save()
    with pytest.raises(ImmutableVersion):
        version.participants.first().save()
