"""Personas and records for the agreements tests."""

from __future__ import annotations

import datetime as dt

import pytest

from simpul.accounts.models import Role
from simpul.agreements.models import (
    Agreement,
    AgreementStatus,
    CollaborationProtocol,
    ProtocolParticipant,
    ProtocolVersion,
    VersionStatus,
)
from simpul.children.models import Category
from simpul.directory.models import Organization, OrganizationType
from simpul.testing.factories import OrganizationFactory, make_user, sudin

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def dinsos(db):
    org, _ = Organization.objects.get_or_create(
        org_type=OrganizationType.DINSOS, defaults={"name": "Dinas Sosial Provinsi DKI Jakarta"}
    )
    return org


@pytest.fixture
def sudin_timur(db):
    return sudin("31.75")


@pytest.fixture
def lksa(db):
    return OrganizationFactory(org_type=OrganizationType.LKSA, name="LKSA Harapan")


@pytest.fixture
def yayasan(db):
    return OrganizationFactory(org_type=OrganizationType.YAYASAN, name="Yayasan Peduli")


@pytest.fixture
def admin(dinsos):
    """A Dinas Sosial organisation admin (manages agreements)."""
    return make_user(Role.ORG_ADMIN, dinsos)


@pytest.fixture
def admin2(dinsos):
    return make_user(Role.ORG_ADMIN, dinsos)


@pytest.fixture
def dinsos_supervisor(dinsos):
    return make_user(Role.SUPERVISOR, dinsos)


@pytest.fixture
def sudin_worker(sudin_timur):
    return make_user(Role.CASE_WORKER, sudin_timur)


@pytest.fixture
def lksa_admin(lksa):
    return make_user(Role.ORG_ADMIN, lksa)


@pytest.fixture
def yayasan_staff(yayasan):
    return make_user(Role.ORG_STAFF, yayasan)


@pytest.fixture
def category_aj(db):
    return Category.objects.get(scheme="pmks", code="AJ")


def make_agreement(*, government_side, parties, status=AgreementStatus.DRAFT, **kwargs):
    values = {
        "number": kwargs.pop("number", f"PKS/{Agreement.objects.count() + 1}/2026"),
        "title": "Kerja sama pelayanan anak",
        "kind": "pks",
        "start_date": dt.date(2026, 1, 1),
        "end_date": dt.date(2026, 12, 31),
        "status": status,
        **kwargs,
    }
    if status != AgreementStatus.DRAFT and "activated_on" not in values:
        values["activated_on"] = values["start_date"]
    agreement = Agreement.objects.create(government_side=government_side, **values)
    agreement.parties.set(parties)
    return agreement


def make_version(*, category, number=1, status=VersionStatus.APPROVED, valid_from=None, **kw):
    protocol, _ = CollaborationProtocol.objects.get_or_create(
        category=category, defaults={"title": f"Protokol {category.code}"}
    )
    version = ProtocolVersion.objects.create(
        protocol=protocol,
        number=number,
        status=VersionStatus.DRAFT,
        deadline_table=kw.pop("deadline_table", {"high": {"acknowledge": 1, "decide": 2}}),
        **kw,
    )
    ProtocolParticipant.objects.create(
        version=version, org_type=OrganizationType.LKSA, role="Pengasuhan sementara"
    )
    ProtocolParticipant.objects.create(
        version=version, org_type="", office="dukcapil", role="Akta kelahiran"
    )
    if status != VersionStatus.DRAFT:
        ProtocolVersion.objects.filter(pk=version.pk).update(
            status=status, valid_from=valid_from or dt.date(2026, 1, 1)
        )
        version.refresh_from_db()
    return version
