"""Agreement services: status changes (allowed and illegal), amendments keep the history,
expiry and reminders by the daily job (run twice = done once), the signed document."""

from __future__ import annotations

import datetime as dt
import sys
import types

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from simpul.agreements import daily, services
from simpul.agreements.models import AgreementReminder, AgreementStatus
from simpul.agreements.tests.conftest import make_agreement
from simpul.core.exceptions import ApplicationError
from simpul.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _data(gov, parties, **kw):
    return {
        "number": kw.pop("number", "PKS/001/2026"),
        "title": "Pelayanan anak jalanan",
        "kind": "pks",
        "government_side": gov,
        "parties": parties,
        "start_date": dt.date(2026, 1, 1),
        "end_date": dt.date(2027, 12, 31),
        **kw,
    }


def test_create_activate_terminate(admin, dinsos, lksa):
    agreement = services.agreement_create(actor=admin, **_data(dinsos, [lksa]))
    assert agreement.status == AgreementStatus.DRAFT
    services.agreement_activate(actor=admin, agreement=agreement)
    assert agreement.status == AgreementStatus.ACTIVE
    assert agreement.activated_on is not None
    with pytest.raises(ApplicationError):
        services.agreement_terminate(actor=admin, agreement=agreement, reason="  ")
    services.agreement_terminate(actor=admin, agreement=agreement, reason="Mitra tutup")
    assert agreement.status == AgreementStatus.TERMINATED
    assert agreement.termination_reason == "Mitra tutup"
    actions = list(
        AuditEvent.objects.filter(target_id=str(agreement.pk))
        .order_by("created_at")
        .values_list("action", flat=True)
    )
    assert actions == [
        "agreements.agreement.created",
        "agreements.agreement.activated",
        "agreements.agreement.terminated",
    ]


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (AgreementStatus.DRAFT, "terminate"),
        (AgreementStatus.ACTIVE, "activate"),
        (AgreementStatus.EXPIRED, "activate"),
        (AgreementStatus.EXPIRED, "terminate"),
        (AgreementStatus.TERMINATED, "activate"),
        (AgreementStatus.TERMINATED, "terminate"),
    ],
)
def test_illegal_status_changes(admin, dinsos, lksa, status, action):
    agreement = make_agreement(
        government_side=dinsos, parties=[lksa], status=status, end_date=dt.date(2030, 1, 1)
    )
    with pytest.raises(ApplicationError):
        if action == "activate":
            services.agreement_activate(actor=admin, agreement=agreement)
        else:
            services.agreement_terminate(actor=admin, agreement=agreement, reason="x")
    agreement.refresh_from_db()
    assert agreement.status == status


def test_validation(admin, dinsos, lksa, sudin_timur):
    with pytest.raises(ApplicationError):  # the government side must be Dinas Sosial / Sudin
        services.agreement_create(actor=admin, **_data(lksa, [dinsos]))
    with pytest.raises(ApplicationError):  # no parties
        services.agreement_create(actor=admin, **_data(dinsos, []))
    with pytest.raises(ApplicationError):  # end before start
        services.agreement_create(
            actor=admin, **_data(dinsos, [lksa], end_date=dt.date(2025, 1, 1))
        )
    with pytest.raises(ApplicationError):  # a clause ticked without its detail
        services.agreement_create(actor=admin, **_data(dinsos, [lksa], clause_reporting=True))
    ok = services.agreement_create(actor=admin, **_data(sudin_timur, [lksa], number="PKS/2"))
    assert ok.government_side == sudin_timur


def test_only_managers_write(sudin_worker, lksa_admin, dinsos, lksa):
    for user in (sudin_worker, lksa_admin):
        with pytest.raises(PermissionDenied):
            services.agreement_create(actor=user, **_data(dinsos, [lksa]))


def test_draft_edit_is_not_an_amendment(admin, dinsos, lksa):
    agreement = services.agreement_create(actor=admin, **_data(dinsos, [lksa]))
    result = services.agreement_update(
        actor=admin,
        agreement=agreement,
        data={"title": "Baru"},
        expected_version=agreement.edit_version,
    )
    assert result is None
    assert agreement.amendments.count() == 0


def test_amendments_keep_history(admin, dinsos, lksa, yayasan):
    agreement = services.agreement_create(actor=admin, **_data(dinsos, [lksa]))
    services.agreement_activate(actor=admin, agreement=agreement)
    with pytest.raises(ApplicationError):  # an amendment needs a reason
        services.agreement_update(
            actor=admin, agreement=agreement, data={"end_date": dt.date(2028, 12, 31)}
        )
    agreement.refresh_from_db()
    first = services.agreement_update(
        actor=admin,
        agreement=agreement,
        data={"end_date": dt.date(2028, 12, 31), "parties": [lksa, yayasan]},
        reason="Diperpanjang dan mitra bertambah",
        reference="ADD/1",
        expected_version=agreement.edit_version,
    )
    second = services.agreement_update(
        actor=admin,
        agreement=agreement,
        data={"end_date": dt.date(2029, 6, 30)},
        reason="Diperpanjang lagi",
        expected_version=agreement.edit_version,
    )
    assert (first.sequence, second.sequence) == (1, 2)
    first.refresh_from_db()
    assert first.previous_values["end_date"] == "2027-12-31"
    assert set(first.changes) == {"end_date", "parties"}
    assert second.previous_values["end_date"] == "2028-12-31"
    assert first.created_by == admin
    assert agreement.amendments.count() == 2
    # a stale form is refused
    from simpul.core.concurrency import ConcurrentUpdate

    with pytest.raises(ConcurrentUpdate):
        services.agreement_update(
            actor=admin,
            agreement=agreement,
            data={"title": "X"},
            reason="r",
            expected_version=1,
        )


def test_ended_agreements_do_not_change(admin, dinsos, lksa):
    agreement = make_agreement(government_side=dinsos, parties=[lksa], status="expired")
    with pytest.raises(ApplicationError):
        services.agreement_update(actor=admin, agreement=agreement, data={"title": "X"}, reason="r")


@pytest.fixture
def sent(monkeypatch):
    """A stand-in for simpul.notifications.services.notify (idempotent by dedupe_key)."""
    calls: list[dict] = []
    seen: set[tuple] = set()

    def notify(*, recipients, kind, subject, body, url="", dedupe_key, data=None):
        new = 0
        for user in recipients:
            if (user.pk, dedupe_key) not in seen:
                seen.add((user.pk, dedupe_key))
                new += 1
        calls.append({"recipients": list(recipients), "key": dedupe_key, "kind": kind})
        return new

    module = types.ModuleType("simpul.notifications.services")
    module.notify = notify  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "simpul.notifications.services", module)
    return calls


def test_reminders_once_per_threshold(sent, admin, dinsos, lksa, lksa_admin, yayasan_staff):
    agreement = make_agreement(
        government_side=dinsos, parties=[lksa], status="active", end_date=dt.date(2026, 12, 31)
    )
    far = dt.date(2026, 12, 31) - dt.timedelta(days=91)
    assert daily.remind_expiring_agreements(far) == 0
    day90 = dt.date(2026, 12, 31) - dt.timedelta(days=90)
    assert daily.remind_expiring_agreements(day90) == 1
    assert daily.remind_expiring_agreements(day90) == 0  # run twice: once
    assert daily.remind_expiring_agreements(day90 + dt.timedelta(days=1)) == 0
    assert len(sent) == 1
    assert {u.pk for u in sent[0]["recipients"]} == {admin.pk, lksa_admin.pk}
    assert sent[0]["kind"] == "agreements.expiring"
    day30 = dt.date(2026, 12, 1)
    assert daily.remind_expiring_agreements(day30) == 1
    assert daily.remind_expiring_agreements(dt.date(2026, 12, 24)) == 1  # 7 days
    assert daily.remind_expiring_agreements(dt.date(2026, 12, 25)) == 0
    assert sorted(
        AgreementReminder.objects.filter(agreement=agreement).values_list("days_before", flat=True)
    ) == [7, 30, 90]
    assert len({c["key"] for c in sent}) == 3


def test_late_entry_gets_only_the_nearest_threshold(sent, dinsos, lksa):
    make_agreement(
        government_side=dinsos, parties=[lksa], status="active", end_date=dt.date(2026, 12, 31)
    )
    assert daily.remind_expiring_agreements(dt.date(2026, 12, 25)) == 1
    assert list(AgreementReminder.objects.values_list("days_before", flat=True)) == [7]


def test_daily_job_expires_once(dinsos, lksa):
    agreement = make_agreement(
        government_side=dinsos, parties=[lksa], status="active", end_date=dt.date(2026, 5, 31)
    )
    make_agreement(
        government_side=dinsos, parties=[lksa], status="draft", end_date=dt.date(2026, 5, 31)
    )
    assert daily.expire_agreements(dt.date(2026, 5, 31)) == 0
    assert daily.expire_agreements(dt.date(2026, 6, 1)) == 1
    assert daily.expire_agreements(dt.date(2026, 6, 1)) == 0
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.EXPIRED
    assert AuditEvent.objects.filter(action="agreements.agreement.expired").count() == 1


def test_daily_jobs_registered():
    from simpul.core.daily import daily_jobs

    labels = {job.label for job in daily_jobs()}
    assert {"agreements expired", "agreement expiry reminders"} <= labels


PDF = b"%PDF-1.4\n%test\n"


def test_document_upload_checks_type(admin, dinsos, lksa, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    agreement = make_agreement(government_side=dinsos, parties=[lksa])
    with pytest.raises(ApplicationError):
        services.agreement_document_upload(
            actor=admin, agreement=agreement, file=SimpleUploadedFile("x.exe", b"MZ\x90\x00")
        )
    doc = services.agreement_document_upload(
        actor=admin, agreement=agreement, file=SimpleUploadedFile("pks.pdf", PDF)
    )
    assert doc.file.name == f"protected/agreements/{agreement.pk}/{doc.pk}"
    assert doc.content_type == "application/pdf"
    assert doc.original_name == "pks.pdf"
    assert agreement.documents.count() == 1


def test_reminders_through_the_real_notifications(admin, dinsos, lksa, lksa_admin, mailoutbox):
    """With simpul.notifications: each org admin gets one notification per threshold, even when
    the job runs twice and the reminder row were lost."""
    from simpul.notifications.models import Notification

    agreement = make_agreement(
        government_side=dinsos, parties=[lksa], status="active", end_date=dt.date(2026, 12, 31)
    )
    day = dt.date(2026, 12, 1)
    assert daily.remind_expiring_agreements(day) == 1
    assert daily.remind_expiring_agreements(day) == 0
    rows = Notification.objects.filter(kind="agreements.expiring")
    assert {n.recipient_id for n in rows} == {admin.pk, lksa_admin.pk}
    assert all(agreement.number in n.subject for n in rows)
    AgreementReminder.objects.all().delete()  # notify's own dedupe still holds
    daily.remind_expiring_agreements(day)
    assert Notification.objects.filter(kind="agreements.expiring").count() == 2
