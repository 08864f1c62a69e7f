"""The compare-and-swap helper (simpul.core.concurrency): one conditional UPDATE, not a read
followed by a check, so of two saves of the same version exactly one wins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from simpul.core.concurrency import (
    ConcurrentUpdate,
    changed_since,
    parse_version,
    version_claim,
)
from simpul.directory.models import Organization
from simpul.testing.factories import OrganizationFactory


def test_parse_version():
    assert [parse_version(v) for v in ('W/"3"', '"3"', "3", 3, "x", "", None, 0, "W/")] == [
        3,
        3,
        3,
        3,
        None,
        None,
        None,
        None,
        None,
    ]


@pytest.mark.django_db
def test_claim_moves_to_the_next_version_or_raises_and_changes_nothing():
    org = OrganizationFactory()
    assert org.edit_version == 1
    with transaction.atomic():
        assert version_claim(org, expected_version=1) == 2
        org.name = "Baru"
        org.save()
    org.refresh_from_db()
    assert (org.name, org.edit_version) == ("Baru", 2)
    stale = Organization.objects.get(pk=org.pk)
    stale.edit_version = 1
    with pytest.raises(ConcurrentUpdate) as info:
        version_claim(stale, expected_version=1)
    assert info.value.current_version == 2
    org.refresh_from_db()
    assert (org.name, org.edit_version) == ("Baru", 2)


@pytest.mark.django_db
def test_changed_since_reads_the_audit_trail():
    from simpul.core.audit import audit_log

    org = OrganizationFactory()
    org.save()  # v2
    audit_log(actor=None, action="t", target=org, changes={"name": {"before": "a", "after": "b"}})
    org.save()  # v3
    audit_log(actor=None, action="t", target=org, changes={"phone": {"before": 1, "after": 2}})
    assert changed_since(org, 1) == ["name", "phone"]
    assert changed_since(org, 2) == ["phone"]
    assert changed_since(org, 3) == []


@pytest.mark.django_db(transaction=True)
def test_two_threads_claiming_the_same_version_exactly_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises all writers; the race needs PostgreSQL's row locks")
    org = OrganizationFactory()
    for _round in range(5):
        org.refresh_from_db()
        version = org.edit_version
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def claim(version: int = version) -> None:
            try:
                with transaction.atomic():
                    mine = Organization.objects.get(pk=org.pk)
                    barrier.wait()
                    try:
                        version_claim(mine, expected_version=version)
                    except ConcurrentUpdate:
                        outcomes.append("refused")
                        return
                    mine.name = f"Menang {version}"
                    mine.save()
                    outcomes.append("won")
            finally:
                connection.close()

        threads = [threading.Thread(target=claim) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["refused", "won"]
        org.refresh_from_db()
        assert org.edit_version == version + 1
