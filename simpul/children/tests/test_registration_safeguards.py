"""Finding 9: a confirm that does not declare each candidate a different child saves nothing."""

import pytest

from simpul.children import services
from simpul.children.models import Child
from simpul.children.tests.conftest import child_data


@pytest.mark.django_db
def test_confirm_without_declaring_candidates_is_refused(worker, register):
    first = register(worker)
    before = Child.objects.count()
    with pytest.raises(services.DuplicateSuspected):
        services.child_register(actor=worker, data=child_data(), confirm_not_duplicate_of=[])
    assert Child.objects.count() == before
    second = services.child_register(
        actor=worker, data=child_data(), confirm_not_duplicate_of=[str(first.pk)]
    )
    assert second.pk != first.pk
    assert Child.objects.count() == before + 1


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_of_the_same_child_make_one_record(kel_timur):
    """Finding 9b: two workers register the same child at the same moment. The second waits
    for the first (advisory locks on the values both look up), then finds it as a candidate."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite runs one write transaction at a time (IMMEDIATE); the race needs PostgreSQL"
        )
    from simpul.accounts.models import Role
    from simpul.testing.factories import make_user, sudin

    workers = [make_user(Role.CASE_WORKER, sudin("31.75")) for _ in range(2)]
    people = [
        ("Bagas Pratama", "Sulastri"),
        ("Yoga Firmansyah", "Wartini"),
        ("Ilham Hidayat", "Juleha"),
    ]
    for round_, (name, mother) in enumerate(people):
        data = child_data(full_name=name, mother_name=mother)
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def run(actor, data=data, barrier=barrier, outcomes=outcomes) -> None:
            try:
                barrier.wait()
                services.child_register(actor=actor, data=dict(data), confirm_not_duplicate_of=[])
                outcomes.append("saved")
            except services.DuplicateSuspected:
                outcomes.append("duplicate")
            finally:
                connection.close()

        threads = [threading.Thread(target=run, args=(w,)) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["duplicate", "saved"], (round_, outcomes)
        assert Child.objects.filter(full_name=data["full_name"]).count() == 1


@pytest.mark.django_db
def test_an_age_over_21_or_a_future_birth_date_is_refused(worker, register):
    import datetime as dt

    from django.utils import timezone

    from simpul.core.exceptions import ApplicationError

    today = timezone.localdate()
    before = Child.objects.count()
    for bad in (
        {"birth_date": dt.date(1900, 1, 1)},
        {"birth_date": today.replace(year=today.year - 23)},
        {"birth_date": today + dt.timedelta(days=1)},
        {"birth_date": None, "estimated_age": 22, "age_estimate_reason": "self_report"},
    ):
        with pytest.raises(ApplicationError) as exc:
            register(worker, **bad)
        assert set(exc.value.extra["fields"]) & {"birth_date", "estimated_age"}, bad
    assert Child.objects.count() == before
    # 21 is still a child record (care to 21); editing a record that has since grown past the
    # limit works as long as its date is not changed.
    old = register(worker, birth_date=today.replace(year=today.year - 21) - dt.timedelta(days=3))
    Child.objects.filter(pk=old.pk).update(birth_date=dt.date(today.year - 23, 1, 1))
    old.refresh_from_db()
    services.child_update_identity(actor=worker, child=old, data={"current_spot": "Pasar Rebo"})
    with pytest.raises(ApplicationError):
        services.child_update_identity(
            actor=worker, child=old, data={"birth_date": dt.date(today.year - 24, 1, 1)}
        )


@pytest.mark.django_db
def test_age_limits_in_the_api(worker):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(worker)
    base = {"full_name": "Agus Salim", "sex": "M", "current_kelurahan": "31.75.01.1001"}
    before = Child.objects.count()
    for bad in (
        {"birth_date": "1900-01-01"},
        {"estimated_age": 22, "age_estimate_reason": "self_report"},
    ):
        response = client.post("/api/v1/children/", {**base, **bad}, format="json")
        assert response.status_code == 400, response.json()
    assert Child.objects.count() == before


@pytest.mark.django_db
def test_age_limits_in_the_import(django_capture_on_commit_callbacks):
    from simpul.accounts.models import Role
    from simpul.children import imports
    from simpul.children.tests.test_import import by_row, row, xlsx
    from simpul.testing.factories import make_user, sudin

    operator = make_user(Role.DATA_OPERATOR, sudin("31.75"))
    rows = [
        row(tanggal_lahir="01/01/1900"),
        row(
            nama_lengkap="Agus Salim",
            tanggal_lahir="",
            usia_perkiraan="22",
            alasan_perkiraan="anak",
        ),
        row(
            nama_lengkap="Tono Wijaya",
            tanggal_lahir="",
            usia_perkiraan="21",
            alasan_perkiraan="anak",
        ),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.child_import_upload(actor=operator, file=xlsx(rows))
    job.refresh_from_db()
    report = by_row(job)
    assert [e["column"] for e in report[2]["errors"]] == ["tanggal_lahir"]
    assert "1900" in report[2]["errors"][0]["message"]
    assert "usia_perkiraan" in [e["column"] for e in report[3]["errors"]]
    assert not report[4]["errors"]


@pytest.mark.django_db
def test_children_api_refuses_unknown_fields_and_condition_codes(worker, register):
    from rest_framework.test import APIClient

    from simpul.testing.concurrency import if_match

    client = APIClient()
    client.force_authenticate(worker)
    payload = {
        "full_name": "Agus Salim",
        "sex": "M",
        "birth_date": "2012-03-14",
        "current_kelurahan": "31.75.01.1001",
    }
    before = Child.objects.count()
    response = client.post("/api/v1/children/", {**payload, "nama_ibu": "Yati"}, format="json")
    assert response.status_code == 400 and "nama_ibu" in str(response.json()), response.json()
    response = client.post(
        "/api/v1/children/", {**payload, "aliases": [{"name": "Gus", "typo": 1}]}, format="json"
    )
    assert response.status_code == 400, response.json()
    response = client.post(
        "/api/v1/children/", {**payload, "conditions": ["NO_SUCH_CODE"]}, format="json"
    )
    assert response.status_code == 400 and "NO_SUCH_CODE" in str(response.json())
    assert Child.objects.count() == before
    child = register(worker)
    response = client.patch(
        f"/api/v1/children/{child.pk}/",
        {"current_spot": "Pasar", "guardians": []},
        format="json",
        headers=if_match(child),
    )
    assert response.status_code == 400, response.json()
    child.refresh_from_db()
    assert child.current_spot != "Pasar"
