"""The interfaces the referrals app uses: agreement and protocol in force on a date."""

from __future__ import annotations

import datetime as dt

import pytest

from simpul.agreements.models import AgreementStatus, Office, VersionStatus
from simpul.agreements.selectors import (
    agreement_in_force,
    organizations_with_agreement,
    protocol_in_force,
)
from simpul.agreements.tests.conftest import make_agreement, make_protocol_version
from simpul.directory.models import OrganizationType

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 3)


def test_agreement_in_force_only_while_active_and_within_dates(dinsos, lksa, other_org):
    draft = make_agreement(government_side=dinsos, parties=[other_org])
    active = make_agreement(government_side=dinsos, parties=[lksa], status=AgreementStatus.ACTIVE)
    assert agreement_in_force(organization=lksa, on=TODAY) == active
    assert agreement_in_force(organization=lksa.pk, on=TODAY) == active
    assert agreement_in_force(organization=other_org, on=TODAY) is None  # a draft is not in force
    assert agreement_in_force(organization=lksa, on=active.end_date + dt.timedelta(days=1)) is None
    assert (
        agreement_in_force(organization=lksa, on=active.start_date - dt.timedelta(days=1)) is None
    )
    assert organizations_with_agreement(on=TODAY) == {lksa.pk}
    assert draft.pk


def test_terminated_agreement_was_in_force_until_terminated(dinsos, lksa):
    agreement = make_agreement(
        government_side=dinsos,
        parties=[lksa],
        status=AgreementStatus.TERMINATED,
        terminated_on=TODAY,
    )
    assert agreement_in_force(organization=lksa, on=TODAY - dt.timedelta(days=1)) == agreement
    assert agreement_in_force(organization=lksa, on=TODAY) is None


def test_protocol_in_force_is_the_latest_approved_from_its_date(street_category):
    v1 = make_protocol_version(category=street_category, valid_from=dt.date(2026, 1, 1))
    v2 = make_protocol_version(
        category=street_category,
        number=2,
        status=VersionStatus.APPROVED,
        valid_from=dt.date(2026, 7, 1),
    )
    make_protocol_version(category=street_category, number=3, status=VersionStatus.DRAFT)
    assert protocol_in_force(category=street_category, on=dt.date(2025, 12, 31)) is None
    assert protocol_in_force(category=street_category, on=dt.date(2026, 3, 1)) == v1
    current = protocol_in_force(category=street_category, on=TODAY)
    assert current == v2
    assert current.deadlines("immediate") == {
        "acknowledge": 1,
        "decide": 1,
        "start": 1,
        "finish": 5,
    }
    # No table for an urgency: the defaults.
    assert set(current.deadlines("normal")) == {"acknowledge", "decide", "start", "finish"}
    with pytest.raises(ValueError):
        current.deadlines("whenever")
    assert current.escalation_chain == [
        {
            "after_working_days": 2,
            "notify": "dinsos_supervisor",
            "label": current.escalation_chain[0]["label"],
        }
    ]
    participants = list(current.participants.all())
    assert {p.org_type for p in participants} == {OrganizationType.LKSA, OrganizationType.SKPD}
    assert any(p.office == Office.DUKCAPIL for p in participants)
    assert v2.in_force_on(TODAY) and not v1.in_force_on(TODAY)
