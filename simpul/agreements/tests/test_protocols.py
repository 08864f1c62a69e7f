"""Protocol versions: drafts copy the last version, approval by a second person makes a version
immutable and in force from its day, the seed is idempotent, the printable PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from simpul.agreements import services
from simpul.agreements.models import CollaborationProtocol, ImmutableVersion, VersionStatus
from simpul.agreements.pdf import protocol_content, protocol_pdf
from simpul.agreements.protocol_seed import seed_protocols
from simpul.agreements.selectors import protocol_in_force
from simpul.core.exceptions import ApplicationError
from simpul.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(admin, category_aj):
    protocol = services.protocol_create(actor=admin, category=category_aj)
    version = protocol.versions.get()
    services.participant_save(
        actor=admin, version=version, org_type="lksa", role="Pengasuhan sementara"
    )
    services.participant_save(actor=admin, version=version, office="dukcapil", role="Akta")
    services.version_update(
        actor=admin, version=version, data={"closing_outcome": "Anak kembali ke keluarga"}
    )
    return version


def test_approval_by_a_second_person(draft, admin, admin2, sudin_worker):
    with pytest.raises(ApplicationError):  # the drafter does not approve
        services.version_approve(actor=admin, version=draft, valid_from=dt.date(2026, 2, 1))
    with pytest.raises(PermissionDenied):
        services.version_approve(actor=sudin_worker, version=draft, valid_from=dt.date(2026, 2, 1))
    approved = services.version_approve(
        actor=admin2, version=draft, valid_from=dt.date(2026, 2, 1), note="OK"
    )
    assert approved.status == VersionStatus.APPROVED
    assert approved.approved_by == admin2
    assert approved.approved_at is not None
    assert protocol_in_force(category=draft.protocol.category, on=dt.date(2026, 2, 1)) == approved
    assert protocol_in_force(category=draft.protocol.category, on=dt.date(2026, 1, 31)) is None
    assert AuditEvent.objects.filter(action="agreements.version.approved").count() == 1


def test_approved_version_cannot_change(draft, admin, admin2):
    services.version_approve(actor=admin2, version=draft, valid_from=dt.date(2026, 2, 1))
    with pytest.raises(ApplicationError):
        services.version_update(actor=admin, version=draft, data={"purpose": "x"})
    with pytest.raises(ApplicationError):
        services.participant_save(actor=admin, version=draft, org_type="tas", role="x")
    with pytest.raises(ApplicationError):
        services.participant_remove(actor=admin, participant=draft.participants.first())
    with pytest.raises(ApplicationError):
        services.version_discard(actor=admin, version=draft)
    draft.refresh_from_db()
    draft.purpose = "changed behind the services"
    with pytest.raises(ImmutableVersion):
        draft.save()


def test_new_draft_copies_and_supersedes(draft, admin, admin2, dinsos_supervisor):
    v1 = services.version_approve(actor=admin2, version=draft, valid_from=dt.date(2026, 2, 1))
    v2 = services.version_draft_create(actor=admin, protocol=v1.protocol)
    assert v2.number == 2
    assert v2.closing_outcome == v1.closing_outcome
    assert sorted(p.role for p in v2.participants.all()) == sorted(
        p.role for p in v1.participants.all()
    )
    with pytest.raises(ApplicationError):  # one draft at a time
        services.version_draft_create(actor=admin, protocol=v1.protocol)
    services.version_update(
        actor=admin,
        version=v2,
        data={"deadline_table": {"high": {"acknowledge": 1, "decide": 1, "start": 2, "finish": 9}}},
    )
    with pytest.raises(ApplicationError):  # not before the version it replaces
        services.version_approve(
            actor=dinsos_supervisor, version=v2, valid_from=dt.date(2026, 1, 1)
        )
    services.version_approve(actor=dinsos_supervisor, version=v2, valid_from=dt.date(2026, 7, 1))
    v1.refresh_from_db()
    assert v1.status == VersionStatus.SUPERSEDED
    category = v1.protocol.category
    assert protocol_in_force(category=category, on=dt.date(2026, 6, 30)) == v1
    in_force = protocol_in_force(category=category, on=dt.date(2026, 7, 1))
    assert in_force == v2
    assert in_force.deadlines("high")["finish"] == 9


def test_deadline_table_is_checked(draft, admin):
    with pytest.raises(ApplicationError):  # decreasing
        services.version_update(
            actor=admin,
            version=draft,
            data={"deadline_table": {"normal": {"acknowledge": 5, "decide": 1}}},
        )
    with pytest.raises(ApplicationError):
        services.version_update(
            actor=admin, version=draft, data={"escalation": [{"notify": "mayor"}]}
        )


def test_partner_cannot_manage(lksa_admin, category_aj):
    with pytest.raises(PermissionDenied):
        services.protocol_create(actor=lksa_admin, category=category_aj)


def test_seed_protocols_idempotent():
    call_command("seed_protocols", "--valid-from", "2026-01-01")
    count = CollaborationProtocol.objects.count()
    assert count == 5
    result = seed_protocols(valid_from=dt.date(2026, 1, 1))
    assert result["created"] == []
    assert CollaborationProtocol.objects.count() == count
    from simpul.children.models import Category

    aktk = protocol_in_force(
        category=Category.objects.get(scheme="pmks", code="AKTK"), on=dt.date(2026, 3, 1)
    )
    offices = {p.office for p in aktk.participants.all()}
    assert offices == {"ppapp", "disdik", "dinkes", "diskominfotik", "satpolpp", "lbh_apik"}
    adk = protocol_in_force(
        category=Category.objects.get(scheme="pmks", code="ADK"), on=dt.date(2026, 3, 1)
    )
    assert {p.org_type for p in adk.participants.all()} == {"yayasan", "orsos", "skpd"}
    aj = protocol_in_force(
        category=Category.objects.get(scheme="pmks", code="AJ"), on=dt.date(2026, 3, 1)
    )
    assert {p.org_type for p in aj.participants.all()} == {"lksa", "rumah_singgah", "tas", "skpd"}
    assert aj.participants.get(office="dukcapil").service_types.get().code == "civil-registration"


def test_pdf(draft):
    title, subtitle, sections = protocol_content(draft)
    text = " ".join([title, *subtitle, *(s.heading for s in sections)])
    text += " ".join(line for s in sections for line in s.lines)
    assert "AJ" in text
    assert "LKSA" in text
    assert "Dukcapil" in text
    content = protocol_pdf(draft)
    assert content.startswith(b"%PDF")
    assert len(content) > 1000
