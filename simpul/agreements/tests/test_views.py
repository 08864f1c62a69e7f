"""The agreements and protocol pages: a permission matrix for every page, and the main flows
through the forms (create, activate, amend, terminate, upload/download; draft, approve, PDF)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from simpul.agreements import services
from simpul.agreements.models import AgreementStatus, VersionStatus
from simpul.agreements.tests.conftest import make_agreement, make_version
from simpul.core.models import AuditEvent
from simpul.testing.auth import is_allowed_response, login

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture
def world(dinsos, lksa, yayasan, category_aj, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    active = make_agreement(
        government_side=dinsos,
        parties=[lksa],
        status=AgreementStatus.ACTIVE,
        end_date=dt.date(2030, 12, 31),
    )
    draft = make_agreement(government_side=dinsos, parties=[lksa], end_date=dt.date(2030, 1, 1))
    doc = services.agreement_document_upload(
        actor=None, agreement=active, file=SimpleUploadedFile("pks.pdf", PDF)
    )
    approved = make_version(category=category_aj, number=1)
    pending = make_version(category=category_aj, number=2, status=VersionStatus.DRAFT)
    return {"active": active, "draft": draft, "doc": doc, "v1": approved, "v2": pending}


def _pages(w):
    a, d, v1, v2 = w["active"], w["draft"], w["v1"], w["v2"]
    p = v1.protocol
    part = v2.participants.first()
    return {
        # name: (method, url, data)
        "list": ("get", reverse("agreements:list"), None),
        "detail": ("get", reverse("agreements:detail", args=[a.pk]), None),
        "create": ("get", reverse("agreements:create"), None),
        "edit": ("get", reverse("agreements:edit", args=[a.pk]), None),
        "activate": ("post", reverse("agreements:activate", args=[d.pk]), {}),
        "terminate": ("post", reverse("agreements:terminate", args=[a.pk]), {"reason": "x"}),
        "document": ("get", reverse("agreements:document", args=[w["doc"].pk]), None),
        "upload": ("post", reverse("agreements:document_upload", args=[a.pk]), {}),
        "protocols": ("get", reverse("agreements:protocol_list"), None),
        "protocol": ("get", reverse("agreements:protocol_detail", args=[p.pk]), None),
        "version": ("get", reverse("agreements:version_detail", args=[v1.pk]), None),
        "pdf": ("get", reverse("agreements:version_pdf", args=[v1.pk]), None),
        "draft": ("get", reverse("agreements:version_detail", args=[v2.pk]), None),
        "draft_edit": ("post", reverse("agreements:version_edit", args=[v2.pk]), {}),
        "participant_add": ("post", reverse("agreements:participant_add", args=[v2.pk]), {}),
        "participant_remove": (
            "post",
            reverse("agreements:participant_remove", args=[part.pk]),
            {},
        ),
        "approve": ("post", reverse("agreements:version_approve", args=[v2.pk]), {}),
        "new_draft": ("post", reverse("agreements:version_create", args=[p.pk]), {}),
    }


READ = {"list", "detail", "document", "protocols", "protocol", "version", "pdf"}
MANAGE_AGREEMENTS = {"create", "edit", "activate", "terminate", "upload"}
MANAGE_PROTOCOLS = {"draft", "draft_edit", "participant_add", "participant_remove", "new_draft"}

MATRIX = {
    "admin": READ | MANAGE_AGREEMENTS | MANAGE_PROTOCOLS | {"approve"},
    "dinsos_supervisor": READ | MANAGE_PROTOCOLS | {"approve"},
    "sudin_worker": READ,
    "lksa_admin": READ,  # a party: its own agreements
    "yayasan_staff": {"list", "protocols", "protocol", "version", "pdf"},  # not a party
}


@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_permission_matrix(client, world, persona, request):
    user = request.getfixturevalue(persona)
    login(client, user)
    allowed = MATRIX[persona]
    for name, (method, url, data) in _pages(world).items():
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        assert is_allowed_response(response) == (name in allowed), (persona, name, response)
        if name not in allowed:
            assert response.status_code in (403, 404), (persona, name)


def test_anonymous_is_sent_to_sign_in(client, world):
    for name, (method, url, data) in _pages(world).items():
        response = getattr(client, method)(url, data or {})
        assert response.status_code in (302, 403), name
        if response.status_code == 302:
            assert reverse("accounts:login") in response["Location"], name


def test_document_download_is_audited(client, world, lksa_admin):
    login(client, lksa_admin)
    response = client.get(reverse("agreements:document", args=[world["doc"].pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(
        action="agreements.agreement.document_downloaded", actor=lksa_admin
    ).exists()


def test_create_activate_amend_terminate_through_pages(client, admin, dinsos, lksa, yayasan):
    login(client, admin)
    response = client.post(
        reverse("agreements:create"),
        {
            "number": "PKS/77/2026",
            "title": "Kerja sama pelayanan",
            "kind": "pks",
            "government_side": dinsos.pk,
            "parties": [lksa.pk],
            "start_date": "2026-01-01",
            "end_date": "2028-12-31",
            "clause_roles": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    from simpul.agreements.models import Agreement

    agreement = Agreement.objects.get(number="PKS/77/2026")
    detail = reverse("agreements:detail", args=[agreement.pk])
    assert response["Location"] == detail
    client.post(reverse("agreements:activate", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    page = client.get(reverse("agreements:edit", args=[agreement.pk]))
    assert "reason" in page.context["form"].fields
    response = client.post(
        reverse("agreements:edit", args=[agreement.pk]),
        {
            "number": "PKS/77/2026",
            "title": "Kerja sama pelayanan",
            "kind": "pks",
            "government_side": dinsos.pk,
            "parties": [lksa.pk, yayasan.pk],
            "start_date": "2026-01-01",
            "end_date": "2029-12-31",
            "clause_roles": "on",
            "reason": "Addendum: Yayasan bergabung",
            "edit_version": agreement.edit_version,
        },
    )
    assert response.status_code == 302
    amendment = agreement.amendments.get()
    assert amendment.previous_values["end_date"] == "2028-12-31"
    page = client.get(detail)
    assert "Addendum: Yayasan bergabung" in page.content.decode()
    client.post(reverse("agreements:terminate", args=[agreement.pk]), {"reason": "Mitra bubar"})
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.TERMINATED


def test_list_shows_expiring_first_and_filters(client, admin, dinsos, lksa):
    late = make_agreement(
        government_side=dinsos, parties=[lksa], status="active", end_date=dt.date(2031, 1, 1)
    )
    soon = make_agreement(
        government_side=dinsos, parties=[lksa], status="active", end_date=dt.date(2030, 1, 1)
    )
    make_agreement(government_side=dinsos, parties=[lksa], status="expired")
    login(client, admin)
    page = client.get(reverse("agreements:list"))
    rows = [a for a, _ in page.context["rows"]]
    assert rows[:2] == [soon, late]
    page = client.get(reverse("agreements:list"), {"status": "expired"})
    assert [a.status for a, _ in page.context["rows"]] == ["expired"]


def test_protocol_draft_edit_and_approve_through_pages(client, admin, dinsos_supervisor, world):
    v2 = world["v2"]
    login(client, admin)
    data = {"purpose": "Tujuan", "documents": "Formulir\nKK", "closing_outcome": "Selesai"}
    for urgency in ("immediate", "high", "normal"):
        for i, step in enumerate(("acknowledge", "decide", "start", "finish")):
            data[f"d_{urgency}_{step}"] = i + 1
    data["e_receiving_org_admin"] = 1
    data["e_dinsos_supervisor"] = 3
    client.post(reverse("agreements:version_edit", args=[v2.pk]), data)
    v2.refresh_from_db()
    assert v2.documents == ["Formulir", "KK"]
    assert v2.deadlines("normal") == {"acknowledge": 1, "decide": 2, "start": 3, "finish": 4}
    assert [s["notify"] for s in v2.escalation_chain] == [
        "receiving_org_admin",
        "dinsos_supervisor",
    ]
    client.post(
        reverse("agreements:participant_add", args=[v2.pk]),
        {"office": "dinkes", "role": "Pemeriksaan kesehatan"},
    )
    assert v2.participants.filter(office="dinkes", org_type="skpd").exists()
    client.logout()
    login(client, dinsos_supervisor)
    client.post(
        reverse("agreements:version_approve", args=[v2.pk]),
        {"valid_from": "2026-08-01", "note": ""},
    )
    v2.refresh_from_db()
    assert v2.status == VersionStatus.APPROVED
    pdf = client.get(reverse("agreements:version_pdf", args=[v2.pk]))
    assert pdf.content.startswith(b"%PDF")


def test_organisation_profile_shows_agreement(client, admin, world, lksa, yayasan):
    login(client, admin)
    page = client.get(reverse("directory:detail", args=[lksa.pk])).content.decode()
    assert "Agreement in force until" in page or "Perjanjian berlaku" in page
    page = client.get(reverse("directory:detail", args=[yayasan.pk])).content.decode()
    assert "No agreement" in page or "Tanpa perjanjian" in page
