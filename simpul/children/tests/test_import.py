"""Import of children from a spreadsheet: row checks, duplicates, preview, accept, progress."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook

from simpul.access.children import children_visible_to
from simpul.accounts.models import Role
from simpul.children import imports, selectors, services
from simpul.children.models import Child, ChildCategory, ChildImport, NameToken
from simpul.core.exceptions import ApplicationError
from simpul.core.models import AuditEvent
from simpul.testing.factories import make_user, sudin

pytestmark = pytest.mark.django_db

KEL = "31.75.01.1001"


def row(**values: Any) -> dict[str, Any]:
    base = {
        "nama_lengkap": "Dedi Kurniawan",
        "jenis_kelamin": "L",
        "tanggal_lahir": "14/03/2012",
        "nama_ibu": "Sumarni",
        "kelurahan_kode": KEL,
    }
    base.update(values)
    return base


def xlsx(
    rows: list[dict[str, Any]],
    header: list[str] | None = None,
    *,
    title: str | None = None,
    name: str = "anak.xlsx",
) -> SimpleUploadedFile:
    header = header or list(imports.COLUMNS)
    wb = Workbook()
    sheet = wb.active
    if title:
        sheet.append([title])
        sheet.append([])
    sheet.append(header)
    canonical = [imports.column_for_header(h) for h in header]
    for values in rows:
        sheet.append([values.get(c, "") if c else "" for c in canonical])
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def accept(django_capture_on_commit_callbacks):
    def _accept(actor, job, decisions=None) -> ChildImport:
        with django_capture_on_commit_callbacks(execute=True):
            imports.child_import_accept(actor=actor, job=job, decisions=decisions)
        job.refresh_from_db()
        return job

    return _accept


def by_row(job: ChildImport) -> dict[int, dict[str, Any]]:
    return {r["row"]: r for r in job.report["rows"]}


def test_bad_rows_are_named_and_nothing_is_saved(operator, upload, accept):
    before = Child.objects.count()
    job = upload(
        operator,
        xlsx(
            [
                row(),  # row 2: fine
                row(
                    nama_lengkap="Rina Marlina", jenis_kelamin="P", nik="12345"
                ),  # 3: malformed NIK
                row(
                    nama_lengkap="Sari Dewi", jenis_kelamin="P", kelurahan_kode="31.75.99.9999"
                ),  # 4
                row(nama_lengkap="Agus Salim", tanggal_lahir="31/02/2012"),  # 5: no such date
                row(nama_lengkap="Tono Wijaya", kategori="AJ; XYZ"),  # 6: unknown category
                row(nama_lengkap="", nama_ibu="Yati"),  # 7: no name
            ]
        ),
    )
    assert job.status == ChildImport.Status.VALIDATED
    rows = by_row(job)
    assert rows[2]["status"] in ("ok", "warning") and not rows[2]["errors"]
    expected = {3: "nik", 4: "kelurahan_kode", 5: "tanggal_lahir", 6: "kategori", 7: "nama_lengkap"}
    for number, column in expected.items():
        assert rows[number]["status"] == "error"
        assert [e["column"] for e in rows[number]["errors"]] == [column], rows[number]["errors"]
    assert "31.75.99.9999" in rows[4]["errors"][0]["message"]
    assert "XYZ" in rows[6]["errors"][0]["message"]
    assert job.report["counts"]["error"] == 5
    with pytest.raises(ApplicationError) as exc:
        accept(operator, job)
    assert "5" in str(exc.value.message)
    job.refresh_from_db()
    assert job.status == ChildImport.Status.VALIDATED
    assert Child.objects.count() == before


def test_estimated_age_needs_a_reason_and_nik_mismatch_is_only_a_warning(operator, upload):
    job = upload(
        operator,
        xlsx(
            [
                row(tanggal_lahir="", usia_perkiraan=9),  # 2: no reason
                row(
                    nama_lengkap="Rina Marlina",
                    jenis_kelamin="P",
                    tanggal_lahir="",
                    usia_perkiraan=9,
                    alasan_perkiraan="pengakuan anak",
                ),  # 3: fine
                row(
                    nama_lengkap="Sari Dewi", jenis_kelamin="P", nik="3175014501100001"
                ),  # 4: NIK of 05-01-10
                row(nama_lengkap="Tono", tanggal_lahir=""),  # 5: neither
            ]
        ),
    )
    rows = by_row(job)
    assert [e["column"] for e in rows[2]["errors"]] == ["alasan_perkiraan"]
    assert rows[3]["errors"] == [] and rows[3]["estimated_age"] == 9 and rows[3]["birth_date"] == ""
    assert rows[4]["errors"] == [] and {w["column"] for w in rows[4]["warnings"]} == {"nik"}
    assert [e["column"] for e in rows[5]["errors"]] == ["tanggal_lahir"]


def test_tolerant_headers_title_lines_and_date_cells(operator, upload):
    header = [
        "No",
        "Nama Anak",
        "Jenis Kelamin (L/P)",
        "Tgl. Lahir",
        "NIK",
        "Kode Kelurahan",
        "Kategori PMKS",
        "Warna",
    ]
    job = upload(
        operator,
        xlsx(
            [
                {
                    "nama_lengkap": "Putri Ayu",
                    "jenis_kelamin": "P",
                    "tanggal_lahir": dt.date(2015, 7, 1),
                    "kelurahan_kode": "3175011001",
                    "kategori": "aj",
                },
                {
                    "nama_lengkap": "Bayu Aji",
                    "jenis_kelamin": "l",
                    "tanggal_lahir": "2013-01-20",
                    "kategori": "pengamen",
                },
                {
                    "nama_lengkap": "Citra Lestari",
                    "jenis_kelamin": "Perempuan",
                    "usia_perkiraan": "10 tahun",
                    "alasan_perkiraan": "keterangan orang tua",
                    "kelurahan_kode": "Pisangan Baru",
                },
            ],
            header=[*header, "Umur", "Alasan"],
            title="DATA ANAK JALANAN SUDIN JAKARTA TIMUR 2025",
        ),
    )
    assert job.status == ChildImport.Status.VALIDATED, job.error
    rows = by_row(job)
    assert sorted(rows) == [4, 5, 6]  # numbers as the sheet shows them (title, blank line, header)
    assert all(not r["errors"] for r in rows.values()), rows
    assert (
        rows[4]["birth_date"] == "2015-07-01"
        and rows[4]["kelurahan"]
        and rows[4]["categories"] == ["AJ"]
    )
    assert rows[6]["estimated_age"] == 10 and rows[6]["kelurahan"] == "Pisangan Baru"
    assert job.report["columns"]["jenis_kelamin"] == "Jenis Kelamin (L/P)"
    assert "Warna" in job.report["ignored_columns"]


def test_missing_required_column_fails_the_whole_file(operator, upload):
    job = upload(
        operator,
        xlsx(
            [{"nama_lengkap": "Dedi", "tanggal_lahir": "14/03/2012"}],
            header=["nama_lengkap", "tanggal_lahir"],
        ),
    )
    assert job.status == ChildImport.Status.FAILED
    assert "jenis_kelamin" in job.error
    assert not job.file


def test_duplicate_of_existing_child_is_flagged_and_must_be_decided(
    operator, register, upload, accept
):
    existing = register(operator, full_name="Djoko Soesilo", mother_name="Soemarni")
    tokens_before = NameToken.objects.get(token="ioko").count
    job = upload(
        operator,
        xlsx(
            [
                row(nama_lengkap="Joko Susilo", nama_ibu="Sumarni"),  # 2: the same child
                row(
                    nama_lengkap="Maria Ulfa", jenis_kelamin="P", nama_ibu="Lastri"
                ),  # 3: someone else
            ]
        ),
    )
    rows = by_row(job)
    assert rows[2]["status"] == "duplicate"
    cand = rows[2]["candidates"][0]
    assert cand["child_id"] == str(existing.pk) and cand["visible"]
    texts = [r["text"] for r in cand["reasons"] if r["agrees"]]
    assert any("date of birth" in t.lower() or "tanggal lahir" in t.lower() for t in texts), texts
    assert rows[3]["candidates"] == []
    with pytest.raises(ApplicationError) as exc:
        accept(operator, job)
    assert exc.value.extra["undecided"] == [2]
    job = accept(operator, job, decisions={"2": "skip"})
    assert job.status == ChildImport.Status.DONE, job.error
    assert job.created_count == 1 and job.skipped_count == 1
    assert not Child.objects.filter(full_name="Joko Susilo").exists()
    assert Child.objects.filter(full_name="Maria Ulfa").exists()
    assert NameToken.objects.get(token="ioko").count == tokens_before


def test_duplicate_decided_as_different_child_is_registered_with_confirmation(
    operator, register, upload, accept
):
    existing = register(operator, full_name="Djoko Soesilo", mother_name="Soemarni")
    job = upload(operator, xlsx([row(nama_lengkap="Joko Susilo", nama_ibu="Sumarni")]))
    imports.child_import_decide(actor=operator, job=job, decisions={"2": "import", "99": "skip"})
    job.refresh_from_db()
    assert job.decisions == {"2": "import"}  # rows without candidates are not decided
    job = accept(operator, job)
    child = Child.objects.get(full_name="Joko Susilo")
    event = AuditEvent.objects.get(action="children.child.registered", target_id=str(child.pk))
    assert str(existing.pk) in event.data["confirmed_not_duplicate_of"]


def test_restricted_candidates_stay_masked_for_the_importer(register, upload):
    other_kota_worker = make_user(Role.CASE_WORKER, sudin("31.71"))
    hidden = register(
        other_kota_worker,
        full_name="Djoko Soesilo",
        mother_name="Soemarni",
        current_kelurahan="31.71.01.1001",
    )
    importer = make_user(Role.DATA_OPERATOR, sudin("31.75"))
    assert not children_visible_to(importer).filter(pk=hidden.pk).exists()
    job = upload(importer, xlsx([row(nama_lengkap="Joko Susilo", nama_ibu="Sumarni")]))
    cand = by_row(job)[2]["candidates"][0]
    assert cand["visible"] is False and cand["child_id"] is None
    assert "Djoko Soesilo" not in str(job.report)


def test_accepted_import_registers_children_in_one_go(operator, upload, accept):
    file = xlsx(
        [
            row(
                nama_panggilan="Dedi; Kurni",
                kategori="AJ",
                kondisi="street_most_of_day",
                status_sekolah="putus sekolah",
                asal_daerah_kode="33.74",
                catatan="Ditemukan di perempatan",
            ),
            row(
                nama_lengkap="Rina Marlina",
                jenis_kelamin="P",
                tanggal_lahir="",
                usia_perkiraan=4,
                alasan_perkiraan="petugas",
                kategori="ABT; AT",
                lokasi_jalanan="Pasar Contoh",
            ),
        ]
    )
    job = upload(operator, file)
    assert job.report["counts"]["error"] == 0
    rows = by_row(job)
    # AT needs 6 years or more: flagged, not refused.
    assert any(w["column"] == "kategori" and "AT" in w["message"] for w in rows[3]["warnings"])
    stored = job.file.name
    assert default_storage.exists(stored)
    job = accept(operator, job)
    assert job.status == ChildImport.Status.DONE, job.error
    assert job.created_count == 2 and job.processed_rows == job.total_rows == 2
    dedi = Child.objects.get(full_name="Dedi Kurniawan")
    assert dedi.bk_name_a and dedi.search_name.startswith("dedi kurniawan")
    assert dedi.current_kota_code == "31.75" and dedi.origin_region_code == "33.74"
    assert dedi.school_status == "dropped_out" and dedi.registered_by == operator
    assert dedi.registration_note == "Ditemukan di perempatan"
    assert sorted(dedi.aliases.values_list("name", flat=True)) == ["Dedi", "Kurni"]
    assert list(dedi.conditions.values_list("code", flat=True)) == ["street_most_of_day"]
    assert list(dedi.classifications.values_list("category__code", flat=True)) == ["AJ"]
    rina = Child.objects.get(full_name="Rina Marlina")
    assert (
        rina.birth_date is None
        and rina.estimated_age == 4
        and rina.age_estimate_reason == "officer"
    )
    at = ChildCategory.objects.get(child=rina, category__code="AT", category__scheme="pmks")
    assert at.age_rule_override_reason  # recorded and flagged
    assert NameToken.objects.get(token="marlina").count == 1
    assert AuditEvent.objects.filter(action="children.child.registered").count() == 2
    done = AuditEvent.objects.get(action="children.import.completed")
    assert done.data["created"] == 2 and sorted(done.data["children"]) == sorted(
        [str(dedi.pk), str(rina.pk)]
    )
    assert not default_storage.exists(stored)
    job.refresh_from_db()
    assert not job.file
    assert by_row(job)[2]["child_id"] == str(dedi.pk)


def test_category_subtypes_are_imported_and_checked(operator, upload, accept):
    file = xlsx(
        [
            row(kategori="ABH:konflik"),  # born 2012: 14 at most, konflik is 12–17
            row(
                nama_lengkap="Rina Marlina",
                jenis_kelamin="P",
                tanggal_lahir="01/01/2020",
                kategori="ABH/konflik; AJ:on street",
            ),
            row(nama_lengkap="Budi Santoso", kategori="AJ:bogus"),
        ]
    )
    job = upload(operator, file)
    rows = by_row(job)
    assert rows[2]["status"] in ("ok", "warning") and not rows[2]["errors"]
    assert any(
        "konflik" in w["message"] for w in rows[3]["warnings"]
    )  # 6 years old: flagged, not refused
    assert rows[4]["errors"] and "on_street" in rows[4]["errors"][0]["message"]
    assert job.report["counts"]["error"] == 1
    # Fix the sheet: only the valid rows, then import.
    job = upload(
        operator,
        xlsx(
            [
                row(kategori="ABH:konflik"),
                row(
                    nama_lengkap="Rina Marlina",
                    jenis_kelamin="P",
                    tanggal_lahir="01/01/2020",
                    kategori="ABH/konflik; AJ:on street",
                ),
            ]
        ),
    )
    job = accept(operator, job)
    assert job.status == ChildImport.Status.DONE, job.error
    dedi = ChildCategory.objects.get(child__full_name="Dedi Kurniawan")
    assert (dedi.category.code, dedi.subtype.code, dedi.age_rule_override_reason) == (
        "ABH",
        "konflik",
        "",
    )
    rina = {
        cc.category.code: cc for cc in ChildCategory.objects.filter(child__full_name="Rina Marlina")
    }
    assert rina["ABH"].subtype.code == "konflik" and rina["ABH"].age_rule_override_reason
    assert rina["AJ"].subtype.code == "on_street"


def test_failure_during_import_saves_nothing(operator, upload, accept, monkeypatch):
    job = upload(
        operator, xlsx([row(), row(nama_lengkap="Rina Marlina", jenis_kelamin="P", kategori="AJ")])
    )
    before = Child.objects.count()

    def broken(**kwargs):
        raise ApplicationError("classification broke")

    monkeypatch.setattr(services, "child_classify", broken)
    job = accept(operator, job)
    assert job.status == ChildImport.Status.FAILED
    assert "3" in job.error and "classification broke" in job.error
    assert Child.objects.count() == before
    assert not AuditEvent.objects.filter(action="children.import.completed").exists()
    assert not job.file


def test_names_repeated_within_the_file_are_warned(operator, upload):
    # The row messages are stored in the language active during the check (Indonesian by default).
    with translation.override("en"):
        job = upload(
            operator,
            xlsx(
                [
                    row(),
                    row(nama_lengkap="DEDI  KURNIAWAN", tanggal_lahir="01/01/2012"),
                    row(tanggal_lahir="01/01/2013"),
                ]
            ),
        )
    rows = by_row(job)
    assert any(
        "row 2" in w["message"] for w in rows[3]["warnings"] if w["column"] == "nama_lengkap"
    )
    assert not any(w["column"] == "nama_lengkap" for w in rows[4]["warnings"])


def test_progress_advances_while_rows_are_checked(operator, upload, monkeypatch):
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 5)
    seen: list[int] = []
    original = selectors.child_duplicate_candidates

    def spy(**kwargs):
        seen.append(ChildImport.objects.values_list("processed_rows", flat=True).get())
        return original(**kwargs)

    monkeypatch.setattr(selectors, "child_duplicate_candidates", spy)
    job = upload(
        operator,
        xlsx([row(nama_lengkap=f"Anak Nomor {chr(65 + i)}{chr(65 + i)}") for i in range(23)]),
    )
    assert job.status == ChildImport.Status.VALIDATED
    assert seen == sorted(seen) and 0 < max(seen) < 23
    assert len(set(seen)) >= 4
    assert job.processed_rows == job.total_rows == 23 and job.percent == 100


def test_a_thousand_rows_validate(operator, upload):
    from faker import Faker

    fake = Faker("id_ID")
    Faker.seed(3)
    rows = []
    for i in range(1000):
        female = i % 2 == 0
        rows.append(
            row(
                nama_lengkap=fake.name_female() if female else fake.name_male(),
                jenis_kelamin="P" if female else "L",
                tanggal_lahir=(dt.date(2008, 1, 1) + dt.timedelta(days=i * 3)).strftime("%d/%m/%Y"),
                nama_ibu=fake.name_female(),
                kategori="AJ",
            )
        )
    job = upload(operator, xlsx(rows))
    assert job.status == ChildImport.Status.VALIDATED, job.error
    assert job.total_rows == job.processed_rows == 1000
    assert job.report["counts"]["error"] == 0
    assert sum(job.report["counts"].values()) == 1000


def test_cancel_deletes_the_uploaded_file(operator, upload, django_capture_on_commit_callbacks):
    job = upload(operator, xlsx([row()]))
    stored = job.file.name
    with django_capture_on_commit_callbacks(execute=True):
        imports.child_import_cancel(actor=operator, job=job)
    job.refresh_from_db()
    assert job.status == ChildImport.Status.CANCELLED and not job.file
    assert not default_storage.exists(stored)
    with pytest.raises(ApplicationError):
        imports.child_import_accept(actor=operator, job=job)


def test_daily_housekeeping_fails_stuck_jobs_and_deletes_undecided_files(
    operator, upload, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    from simpul.children.models import DuplicateScan

    undecided = upload(operator, xlsx([row()]))
    assert undecided.status == ChildImport.Status.VALIDATED
    stuck = upload(operator, xlsx([row(nama_lengkap="Rina Marlina", jenis_kelamin="P")]))
    ChildImport.objects.filter(pk=stuck.pk).update(status=ChildImport.Status.VALIDATING)
    fresh = upload(operator, xlsx([row(nama_lengkap="Budi Santoso")]))
    scan = DuplicateScan.objects.create(status=DuplicateScan.Status.RUNNING)
    files = {j.pk: j.file.name for j in (undecided, stuck, fresh)}
    # Nothing is old yet: nothing changes.
    assert imports.child_imports_expire() == {"failed": 0, "cancelled": 0}
    long_ago = timezone.now() - dt.timedelta(days=8)
    ChildImport.objects.filter(pk__in=[undecided.pk, stuck.pk]).update(updated_at=long_ago)
    DuplicateScan.objects.filter(pk=scan.pk).update(updated_at=long_ago)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("daily", stdout=out)
    assert "imports failed/cancelled: 1/1" in out.getvalue()
    assert "duplicate scans failed: 1" in out.getvalue()
    undecided.refresh_from_db()
    stuck.refresh_from_db()
    assert (
        undecided.status == ChildImport.Status.CANCELLED and not undecided.file and undecided.error
    )
    assert stuck.status == ChildImport.Status.FAILED and not stuck.file and stuck.error
    assert not default_storage.exists(files[undecided.pk]) and not default_storage.exists(
        files[stuck.pk]
    )
    assert default_storage.exists(files[fresh.pk])
    assert DuplicateScan.objects.get(pk=scan.pk).status == DuplicateScan.Status.FAILED


def test_template_is_importable(client, operator, upload):
    client.force_login(operator)
    response = client.get(reverse("children:import_template"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    job = upload(operator, SimpleUploadedFile("template.xlsx", content))
    assert job.status == ChildImport.Status.VALIDATED, job.error
    assert job.report["counts"]["error"] == 0 and job.total_rows == 2
    assert set(job.report["columns"]) == set(imports.COLUMNS)


def test_non_spreadsheet_upload_is_refused(operator):
    with pytest.raises(ApplicationError):
        imports.child_import_upload(
            actor=operator, file=SimpleUploadedFile("anak.csv", b"nama,jk\nDedi,L\n")
        )
    assert not ChildImport.objects.exists()


def test_partner_staff_and_others_are_refused(client, partner, operator, upload):
    client.force_login(partner)
    assert client.get(reverse("children:import")).status_code == 403
    assert client.post(reverse("children:import"), {"file": xlsx([row()])}).status_code == 403
    assert client.get(reverse("children:import_template")).status_code == 403
    job = upload(operator, xlsx([row()]))
    assert client.get(reverse("children:import_detail", args=[job.pk])).status_code == 403
    other = make_user(Role.CASE_WORKER, sudin("31.75"))
    client.force_login(other)
    assert client.get(reverse("children:import_detail", args=[job.pk])).status_code == 404
    assert client.post(reverse("children:import_cancel", args=[job.pk])).status_code == 404
    with pytest.raises(PermissionDenied):  # the service checks too
        imports.child_import_upload(actor=partner, file=xlsx([row()]))


def test_pages_upload_preview_decide_accept(
    client, worker, register, django_capture_on_commit_callbacks
):
    register(worker, full_name="Djoko Soesilo", mother_name="Soemarni")
    client.force_login(worker)
    search = client.get(reverse("children:search"))
    assert reverse("children:import") in search.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("children:import"),
            {
                "file": xlsx(
                    [
                        row(nama_lengkap="Joko Susilo", nama_ibu="Sumarni"),
                        row(nama_lengkap="Maria Ulfa", jenis_kelamin="P"),
                    ]
                )
            },
        )
    job = ChildImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "children:import_detail", args=[job.pk]
    )
    progress = client.get(
        reverse("children:import_progress", args=[job.pk]), HTTP_HX_REQUEST="true"
    )
    assert progress["HX-Refresh"] == "true"  # finished: the page reloads into the preview
    page = client.get(reverse("children:import_detail", args=[job.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'name="decision-2"' in html and "Djoko Soesilo" in html
    url = reverse("children:import_decide", args=[job.pk])
    response = client.post(url, {"action": "accept"}, follow=True)
    assert "2" in response.content.decode() and Child.objects.count() == 1  # undecided: refused
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "accept", "decision-2": "import"})
    job.refresh_from_db()
    assert job.status == ChildImport.Status.DONE and job.created_count == 2
    page = client.get(reverse("children:import_detail", args=[job.pk]))
    assert Child.objects.get(full_name="Maria Ulfa").registration_number in page.content.decode()
    assert client.get(reverse("children:import")).status_code == 200


def test_progress_page_polls_while_checking(client, operator):
    job = imports.child_import_upload(
        actor=operator, file=xlsx([row()])
    )  # on_commit never runs here
    client.force_login(operator)
    html = client.get(reverse("children:import_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in html and "<progress" in html
    response = client.get(
        reverse("children:import_progress", args=[job.pk]), HTTP_HX_REQUEST="true"
    )
    assert "HX-Refresh" not in response
