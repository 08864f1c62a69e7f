"""Personas for the referral tests: those of the case tests, a case, a receiving LKSA."""

from __future__ import annotations

import pytest

from simpul.accounts.models import Role
from simpul.cases.tests.conftest import *  # noqa: F403  (fixtures: worker, supervisor, case…)
from simpul.cases.tests.conftest import _english_messages  # noqa: F401
from simpul.directory.models import OrganizationType
from simpul.referrals import services
from simpul.testing.factories import OrganizationFactory, make_user


@pytest.fixture
def lksa(db):
    return OrganizationFactory(org_type=OrganizationType.LKSA, name="LKSA Pelita")


@pytest.fixture
def lksa_staff(lksa):
    return make_user(Role.ORG_STAFF, lksa)


@pytest.fixture
def lksa_admin(lksa):
    return make_user(Role.ORG_ADMIN, lksa)


@pytest.fixture
def yayasan(db):
    return OrganizationFactory(org_type=OrganizationType.YAYASAN, name="Yayasan Lain")


@pytest.fixture
def yayasan_staff(yayasan):
    return make_user(Role.ORG_STAFF, yayasan)


@pytest.fixture
def referral(case, worker, lksa, sharing_allowed):
    return services.referral_create(
        actor=worker, case=case, to_organization=lksa, needs_summary="Butuh tempat tinggal"
    )
