from __future__ import annotations

import datetime as dt

import pytest

from simpul.accounts.models import Role
from simpul.agreements.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    CollaborationProtocol,
    ProtocolParticipant,
    ProtocolVersion,
    VersionStatus,
)
from simpul.children.models import Category
from simpul.directory.models import OrganizationType
from simpul.testing.factories import OrganizationFactory, make_user


@pytest.fixture
def dinsos():
    return OrganizationFactory(
        name="Dinas Sosial Provinsi DKI Jakarta", org_type=OrganizationType.DINSOS
    )


@pytest.fixture
def sudin():
    return OrganizationFactory(
        name="Suku Dinas Sosial Jakarta Timur", org_type=OrganizationType.SUDINSOS
    )


@pytest.fixture
def dinsos_admin(dinsos):
    return make_user(Role.ORG_ADMIN, dinsos)


@pytest.fixture
def dinsos_supervisor(dinsos):
    return make_user(Role.SUPERVISOR, dinsos)


@pytest.fixture
def case_worker(dinsos):
    return make_user(Role.CASE_WORKER, dinsos)


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
def other_org():
    return OrganizationFactory(name="Yayasan Lain", org_type=OrganizationType.YAYASAN)


@pytest.fixture
def outsider(other_org):
    """Staff of another partner (not a party)."""
    return make_user(Role.ORG_STAFF, other_org)


@pytest.fixture
def street_category():
    return Category.objects.get(scheme=Category.Scheme.PMKS, code="AJ")


def make_agreement(*, government_side, parties, status=AgreementStatus.DRAFT, **kwargs):
    today = dt.date(2026, 12, 3)
    values = {
        "number": kwargs.pop("number", f"PKS-{Agreement.objects.count() + 1:03d}"),
        "title": "Kerja sama penanganan anak jalanan",
        "kind": AgreementKind.PKS,
        "government_side": government_side,
        "start_date": today - dt.timedelta(days=100),
        "end_date": today + dt.timedelta(days=200),
        "status": status,
    }
    if status != AgreementStatus.DRAFT:
        values["activated_on"] = values["start_date"]
    values.update(kwargs)
    agreement = Agreement.objects.create(**values)
    agreement.parties.set(parties)
    return agreement


def make_protocol_version(*, category, number=1, status=VersionStatus.APPROVED, valid_from=None):
    protocol, _ = CollaborationProtocol.objects.get_or_create(
        category=category, defaults={"title": f"Protokol {category.name}"}
    )
    version = ProtocolVersion.objects.create(
        protocol=protocol,
        number=number,
        status=VersionStatus.DRAFT,
        deadline_table={"immediate": {"acknowledge": 1, "decide": 1, "start": 1, "finish": 5}},
        escalation=[{"after_working_days": 2, "notify": "dinsos_supervisor"}],
    )
    ProtocolParticipant.objects.create(
        version=version, org_type=OrganizationType.LKSA, role="Pengasuhan sementara"
    )
    ProtocolParticipant.objects.create(version=version, office="dukcapil", role="Akta kelahiran")
    if status != VersionStatus.DRAFT:
        ProtocolVersion.objects.filter(pk=version.pk).update(
            status=status, valid_from=valid_from or dt.date(2026, 1, 1)
        )
        version.refresh_from_db()
    return version
