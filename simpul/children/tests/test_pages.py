from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from simpul.cases.models import CaseAssignment
from simpul.children import services
from simpul.children.models import Child, ChildDocument, Consent
from simpul.core.models import AccessLog, AuditEvent
from simpul.testing.auth import login_verified
from simpul.testing.concurrency import form_data
from simpul.testing.factories import CaseFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"x" * 100


def logs(child: Child, action: str) -> int:
    return AccessLog.objects.filter(child_id=str(child.pk), action=action).count()


def test_case_worker_of_another_kota_gets_404(client, worker, worker_pusat, register):
    child = register(worker)
    client.force_login(worker_pusat)
    assert client.get(reverse("children:detail", args=[child.pk])).status_code == 404
    client.force_login(worker)
    assert client.get(reverse("children:detail", args=[child.pk])).status_code == 200


def test_every_view_is_logged_and_identity_masked_until_shown(client, worker, register):
    child = register(worker, nik="3175011403120002")
    client.force_login(worker)
    url = reverse("children:detail", args=[child.pk])
    body = client.get(url).content.decode()
    client.get(url)
    assert logs(child, "view") == 2
    assert "3175••••••••0002" in body and "3175011403120002" not in body
    shown = client.post(url, {"action": "reveal"}).content.decode()
    assert "3175011403120002" in shown
    assert (
        AccessLog.objects.filter(child_id=str(child.pk), reason="identity numbers shown").count()
        == 1
    )


def test_registration_page_warns_of_spelling_variant_before_saving(client, worker, register):
    existing = register(worker, full_name="Djoko Soesilo")
    client.force_login(worker)
    url = reverse("children:register")
    assert client.get(url).status_code == 200
    data = {
        "full_name": "Joko Susilo",
        "sex": "M",
        "birth_date": "2012-03-14",
        "mother_name": "Sumarni",
        "current_kelurahan": "31.75.01.1001",
        "birth_certificate_status": "unknown",
        "religion": "unknown",
        "school_status": "unknown",
        "action": "check",
    }
    count = Child.objects.count()
    page = client.post(url, data).content.decode()
    assert Child.objects.count() == count
    assert "Djoko Soesilo" in page and reverse("children:detail", args=[existing.pk]) in page
    response = client.post(url, {**data, "action": "confirm", "candidate": str(existing.pk)})
    assert response.status_code == 302
    new = Child.objects.get(full_name="Joko Susilo")
    event = AuditEvent.objects.get(action="children.child.registered", target_id=str(new.pk))
    assert event.data["confirmed_not_duplicate_of"] == [str(existing.pk)]


def test_partner_sees_limited_view_only_while_assigned(
    client, worker, partner, partner_org, register, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    child = register(
        worker,
        nik="3175011403120002",
        guardians=[{"full_name": "Sumarni", "relationship": "mother", "phone": "081299990000"}],
    )
    services.document_upload(
        actor=worker, child=child, kind="report", file=SimpleUploadedFile("r.pdf", PDF)
    )
    case = CaseFactory(child=child)
    client.force_login(partner)
    url = reverse("children:detail", args=[child.pk])
    assert client.get(url).status_code == 404  # not assigned yet
    assignment = CaseAssignment.objects.create(
        case=case, organization=partner_org, kind="plan_action"
    )
    body = client.get(url).content.decode()
    assert child.full_name in body
    assert "3175" not in body and "r.pdf" not in body and "081299990000" not in body
    doc = ChildDocument.objects.get(child=child)
    assert client.get(reverse("children:document_download", args=[doc.pk])).status_code == 404
    services.consent_record(
        actor=worker,
        child=child,
        purpose=Consent.Purpose.SHARING,
        organizations=[partner_org],
        given_by_name="Sumarni",
        given_by_relationship="mother",
        method="written",
    )
    assert "081299990000" in client.get(url).content.decode()
    assert logs(child, "view") == 2
    from django.utils import timezone

    assignment.ended_at = timezone.now()
    assignment.save()
    assert client.get(url).status_code == 404


def test_restricted_child_masked_in_search_and_opened_with_a_reason(
    client, worker, supervisor, register
):
    child = register(worker, full_name="Dedi Kurniawan")
    CaseFactory(child=child, is_sensitive=True)
    login_verified(client, supervisor)
    page = client.get(reverse("children:search"), {"q": "Dedy"}).content.decode()
    assert "D••• K•••" in page and "Dedi Kurniawan" not in page
    search_log = AccessLog.objects.get(action="search")
    assert "Dedy" in search_log.target_repr
    url = reverse("children:detail", args=[child.pk])
    ask = client.get(url).content.decode()
    assert "Dedi Kurniawan" not in ask and 'name="reason"' in ask
    assert client.get(reverse("children:classification", args=[child.pk])).status_code == 302
    assert client.post(url, {"reason": "Temu bahas kasus"}).status_code == 302
    assert (
        AccessLog.objects.get(child_id=str(child.pk), action="open_restricted").reason
        == "Temu bahas kasus"
    )
    assert "Dedi Kurniawan" in client.get(url).content.decode()
    # The assigned registrar sees the name without a reason.
    client.force_login(worker)
    assert (
        "Dedi Kurniawan" in client.get(reverse("children:search"), {"q": "Dedi"}).content.decode()
    )


def test_nik_search_exact_and_masked_without_storing_digits(client, worker, register):
    child = register(worker, nik="3175011403120002")
    register(worker, full_name="Lain Orang", nik="3175015503110003", sex="F")
    client.force_login(worker)
    for query in ("3175011403120002", "3175••••••••0002"):
        page = client.get(reverse("children:search"), {"nik": query}).content.decode()
        assert child.full_name in page and "Lain Orang" not in page
    assert not AccessLog.objects.filter(target_repr__contains="0002").exists()


def test_document_upload_download_and_type_checks(client, worker, register, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    child = register(worker)
    client.force_login(worker)
    url = reverse("children:document_add", args=[child.pk])
    bad = client.post(
        url, {"kind": "report", "file": SimpleUploadedFile("x.exe", b"MZ" + b"0" * 20)}
    )
    assert bad.status_code == 200 and not ChildDocument.objects.exists()
    big = client.post(
        url, {"kind": "report", "file": SimpleUploadedFile("b.pdf", PDF + b"0" * (5 * 1024 * 1024))}
    )
    assert big.status_code == 200 and not ChildDocument.objects.exists()
    assert (
        client.post(
            url, {"kind": "report", "file": SimpleUploadedFile("laporan.pdf", PDF)}
        ).status_code
        == 302
    )
    doc = ChildDocument.objects.get()
    assert doc.file.name.startswith("protected/") and (tmp_path / doc.file.name).exists()
    response = client.get(reverse("children:document_download", args=[doc.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert logs(child, "download") == 1
    assert AuditEvent.objects.filter(action="children.document.uploaded").exists()


def test_supervisor_pages_render(client, supervisor, register, django_capture_on_commit_callbacks):
    a = register(supervisor, full_name="Muhammad Rizky Pratama", mother_name="Siti Aminah")
    b = register(supervisor, full_name="M. Rizki Pratama", mother_name="Siti Aminah")
    login_verified(client, supervisor)
    for name in (
        "classification",
        "duplicates_of",
        "edit",
        "aliases",
        "consent_add",
        "legal_basis_add",
        "document_add",
        "guardian_add",
    ):
        assert client.get(reverse(f"children:{name}", args=[a.pk])).status_code == 200, name
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("children:duplicate_scan_start")).status_code == 302
    page = client.get(reverse("children:duplicates")).content.decode()
    assert a.registration_number in page
    from simpul.children.models import DuplicateCandidate, DuplicateScan

    scan = DuplicateScan.objects.get()
    assert (
        client.get(reverse("children:duplicate_scan_progress", args=[scan.pk])).status_code == 200
    )
    pair = DuplicateCandidate.objects.get()
    assert client.get(reverse("children:duplicate_pair", args=[pair.pk])).status_code == 200
    merge_url = reverse("children:merge") + f"?a={a.pk}&b={b.pk}"
    assert client.get(merge_url).status_code == 200
    response = client.post(
        reverse("children:merge"), {"a": a.pk, "b": b.pk, "survivor": a.pk, "reason": "Sama"}
    )
    assert response.status_code == 302
    assert Child.objects.get(pk=b.pk).merged_into_id == a.pk
    assert DuplicateCandidate.objects.get().status == "merged"
    detail = client.get(reverse("children:detail", args=[a.pk])).content.decode()
    assert (
        "Undo" in detail
        or "Batalkan" in detail
        or reverse("children:merge_undo", args=[a.merges_received.get().pk]) in detail
    )
    assert (
        client.post(reverse("children:merge_undo", args=[a.merges_received.get().pk])).status_code
        == 302
    )
    assert Child.objects.get(pk=b.pk).merged_into_id is None


def test_classification_page_refuses_age_rule_without_reason(client, worker, register):
    import datetime as dt

    from simpul.children.models import Category

    child = register(worker, birth_date=dt.date.today().replace(year=dt.date.today().year - 10))
    client.force_login(worker)
    url = reverse("children:classification", args=[child.pk])
    abt = Category.objects.get(scheme="pmks", code="ABT")
    page = client.post(url, {"action": "classify", "category": abt.pk})
    assert page.status_code == 200 and not child.classifications.exists()
    ok = client.post(
        url,
        {
            "action": "classify",
            "category": abt.pk,
            "age_rule_override_reason": "Perkembangan terlambat",
        },
    )
    assert ok.status_code == 302 and child.classifications.get().age_rule_override_reason


def test_nav_link_for_roles_that_see_children(client, worker, partner):
    client.force_login(worker)
    assert reverse("children:search") in client.get(reverse("children:search")).content.decode()
    from simpul.accounts.models import Role
    from simpul.testing.factories import make_user

    client.force_login(make_user(Role.DONOR))
    assert client.get(reverse("children:search")).status_code == 403


def test_identity_edit_recomputes_keys_and_audits(client, worker, register):
    child = register(worker)
    client.force_login(worker)
    url = reverse("children:edit", args=[child.pk])
    data = {
        "full_name": "Dedi Kurniawan Saputra",
        "sex": "M",
        "birth_date": "2012-03-14",
        "mother_name": "Sumarni",
        "current_kelurahan": "31.75.01.1001",
        "birth_certificate_status": "has",
        "religion": "islam",
        "school_status": "in_school",
        "nik": "3175015503110003",
    }
    assert client.post(url, form_data(child, data)).status_code == 302
    child.refresh_from_db()
    assert child.full_name == "Dedi Kurniawan Saputra" and child.bk_name_c
    assert {w["code"] for w in child.identity_warnings} == {
        "nik_birth_date_mismatch",
        "nik_sex_mismatch",
    }
    event = AuditEvent.objects.get(action="children.child.updated", target_id=str(child.pk))
    assert (
        event.changes["nik"] == {"before": None, "after": "•••"}
        or event.changes["nik"]["after"] == "•••"
    )
    page = client.get(reverse("children:detail", args=[child.pk])).content.decode()
    assert "NIK" in page and "3175015503110003" not in page


def test_name_search_has_a_trigram_index_on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no trigram index; the search scans search_name there")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'children_child_search_name_trgm'"
        )
        row = cursor.fetchone()
    assert row and "gin_trgm_ops" in row[0]
