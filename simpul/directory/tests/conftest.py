from __future__ import annotations

import pytest

from simpul.accounts.models import Role
from simpul.directory.models import OrganizationType
from simpul.testing.factories import OrganizationFactory, make_user


@pytest.fixture
def dinsos():
    return OrganizationFactory(
        name="Dinas Sosial Provinsi DKI Jakarta", org_type=OrganizationType.DINSOS
    )


@pytest.fixture
def dinsos_admin(dinsos):
    return make_user(Role.ORG_ADMIN, dinsos)


@pytest.fixture
def lksa():
    return OrganizationFactory(name="LKSA Kasih Bunda")


@pytest.fixture
def lksa_admin(lksa):
    return make_user(Role.ORG_ADMIN, lksa)


@pytest.fixture
def lksa_staff(lksa):
    return make_user(Role.ORG_STAFF, lksa)


@pytest.fixture
def outsider():
    """Staff of another partner: sees the directory, not this LKSA's private part."""
    return make_user(Role.ORG_STAFF, OrganizationFactory(name="Yayasan Lain"))
