"""Finding 9c (issue 7): a NIK belongs to one child. A NIK already held by another active child is
refused in every path (registration check and confirm, the edit form, the API create and PATCH,
the import), with a pointer to that record by its number; the refused request changes nothing.
A merged record no longer holds its NIK."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from simpul.children import imports, services
from simpul.children.models import Child, ChildImport
from simpul.children.tests.conftest import child_data
from simpul.children.tests.test_import import by_row, row, xlsx
from simpul.core.exceptions import ApplicationError
from simpul.core.models import AuditEvent
from simpul.testing.concurrency import form_data, if_match

pytestmark = pytest.mark.django_db

NIK = "3175011403120002"  # Jakarta Timur, male, born 14-03-2012
OTHER_DATA = {
    "full_name": "Rina Marlina",
    "sex": "F",
    "mother_name": "Yati",
    "birth_date": "2011-06-02",
}


@pytest.fixture
def holder(worker, register):
    return register(worker, nik=NIK)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _state() -> tuple[int, int, list[str]]:
    return (
        Child.objects.count(),
        AuditEvent.objects.count(),
        sorted(Child.objects.exclude(nik="").values_list("nik", flat=True)),
    )


def test_registration_with_a_taken_nik_is_refused_naming_the_record(holder, worker_pusat):
    """Also for a worker of another kota, who cannot see the holder: the number is a pointer
    for the supervisors, not an identity."""
    before = _state()
    for actor in (holder.registered_by, worker_pusat):
        with pytest.raises(ApplicationError) as exc:
            services.child_register(
                actor=actor,
                data=child_data(**{**OTHER_DATA, "nik": NIK}),
                confirm_not_duplicate_of=[str(holder.pk)],
            )
        assert holder.registration_number in str(exc.value.message)
        assert holder.full_name not in str(exc.value.message)
        assert "nik" in exc.value.extra["fields"]
        # The check step says it too, before anything is confirmed.
        with pytest.raises(ApplicationError):
            services.registration_preview(
                actor=actor, data=child_data(**{**OTHER_DATA, "nik": NIK})
            )
    assert _state() == before


def test_registration_form_shows_the_pointer_and_saves_nothing(client, holder, worker):
    client.force_login(worker)
    data = {
        **OTHER_DATA,
        "nik": NIK,
        "current_kelurahan": "31.75.01.1001",
        "birth_certificate_status": "unknown",
        "religion": "unknown",
        "school_status": "unknown",
    }
    before = _state()
    for action in ("check", "confirm"):
        response = client.post(
            reverse("children:register"), {**data, "action": action, "candidate": str(holder.pk)}
        )
        assert response.status_code == 200
        assert holder.registration_number in response.content.decode()
    assert _state() == before


def test_edit_form_and_patch_cannot_take_another_childs_nik(client, holder, worker, register):
    other = register(worker, **OTHER_DATA)
    before = _state()
    client.force_login(worker)
    page = client.post(
        reverse("children:edit", args=[other.pk]),
        form_data(
            other,
            {
                **OTHER_DATA,
                "nik": NIK,
                "current_kelurahan": "31.75.01.1001",
                "birth_certificate_status": "unknown",
                "religion": "unknown",
                "school_status": "unknown",
            },
        ),
    )
    assert page.status_code == 200 and holder.registration_number in page.content.decode()
    response = _api(worker).patch(
        f"/api/v1/children/{other.pk}/", {"nik": NIK}, format="json", headers=if_match(other)
    )
    assert response.status_code == 400, response.json()
    assert holder.registration_number in str(response.json()["fields"]["nik"])
    assert _state() == before
    # Saving the holder's own record with its own NIK is not a conflict.
    response = _api(worker).patch(
        f"/api/v1/children/{holder.pk}/",
        {"nik": NIK, "current_spot": "Pasar Rebo"},
        format="json",
        headers=if_match(holder),
    )
    assert response.status_code == 200, response.json()


def test_api_create_with_a_taken_nik_is_refused(holder, worker):
    before = _state()
    response = _api(worker).post(
        "/api/v1/children/",
        {
            **OTHER_DATA,
            "nik": NIK,
            "current_kelurahan": "31.75.01.1001",
            "confirm_not_duplicate_of": [str(holder.pk)],
        },
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert holder.registration_number in str(response.json()["fields"]["nik"])
    assert _state() == before


def test_import_refuses_a_taken_nik_and_a_nik_repeated_in_the_file(holder, operator, upload):
    nik_b = "3175014206110003"  # female, born 02-06-2011
    job = upload(
        operator,
        xlsx(
            [
                row(nama_lengkap="Rina Marlina", jenis_kelamin="P", nik=NIK),  # 2: taken
                row(
                    nama_lengkap="Sari Dewi",
                    jenis_kelamin="P",
                    tanggal_lahir="02/06/2011",
                    nik=nik_b,
                ),  # 3
                row(
                    nama_lengkap="Tuti Wulandari",
                    jenis_kelamin="P",
                    tanggal_lahir="02/06/2011",
                    nik=nik_b,
                ),  # 4: same NIK as row 3
            ]
        ),
    )
    assert job.status == ChildImport.Status.VALIDATED
    rows = by_row(job)
    assert [e["column"] for e in rows[2]["errors"]] == ["nik"]
    assert holder.registration_number in rows[2]["errors"][0]["message"]
    assert not rows[3]["errors"]
    assert [e["column"] for e in rows[4]["errors"]] == ["nik"]
    assert "3" in rows[4]["errors"][0]["message"]
    with pytest.raises(ApplicationError):
        imports.child_import_accept(actor=operator, job=job)
    assert not Child.objects.filter(nik=nik_b).exists()


def test_a_merged_record_releases_its_nik(holder, worker, supervisor, register):
    twin = register(worker, full_name="Dedi Kurniawan", mother_name="Sumarni")
    services.child_merge(actor=supervisor, survivor=twin, merged=holder, reason="sama anak")
    # The survivor may now carry the NIK (the merge moves it, or the worker enters it).
    twin.refresh_from_db()
    if twin.nik != NIK:
        services.child_update_identity(actor=worker, child=twin, data={"nik": NIK})
    twin.refresh_from_db()
    assert twin.nik == NIK
