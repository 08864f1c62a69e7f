"""The app's registry-wide duplicate scan (services.duplicate_scan_run) on the database; the
engine itself (simpul.matching.scanning) is tested in simpul/matching/tests/test_scanning.py."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from simpul.children import selectors, services
from simpul.children.models import Child, DuplicateCandidate, DuplicateScan
from simpul.matching import scanning
from simpul.matching.scanning import DuplicateScanner

KNOWN: list[tuple[str, str, dict[str, object]]] = [
    ("Muhammad Rizky Pratama", "M. Rizki Pratama", {}),
    ("Joko Susilo", "Djoko Soesilo", {}),
    ("Nurhaliza Lubis", "Nur Haliza Lubis", {"mother_name": "Siti Rahayu"}),
    (
        "Cahyo Nugroho",
        "Tjahjo Nugroho",
        {"birth_date": dt.date(2011, 7, 1), "mother_name": "Suharti"},
    ),
]


@pytest.fixture
def small_registry(db, supervisor, register):
    pairs = []
    for first, second, extra in KNOWN:
        a = register(supervisor, full_name=first, **extra)
        b = register(supervisor, full_name=second, **extra)
        pairs.append({a.pk, b.pk})
    # twins and unrelated children
    register(
        supervisor,
        full_name="Rina Wulandari",
        birth_date=dt.date(2014, 5, 5),
        mother_name="Yuliani",
    )
    register(
        supervisor,
        full_name="Dimas Wulandari",
        birth_date=dt.date(2014, 5, 5),
        mother_name="Yuliani",
    )
    register(
        supervisor, full_name="Yohanes Marpaung", birth_date=dt.date(2010, 1, 1), mother_name="Rut"
    )
    register(
        supervisor,
        full_name="Putri Ayu Lestari",
        sex="F",
        birth_date=dt.date(2016, 2, 2),
        mother_name="Tjitjih",
    )
    return pairs


def test_the_app_scan_finds_known_duplicates_scores_each_pair_once_like_the_check(
    small_registry, supervisor, monkeypatch
):
    calls: Counter[frozenset[str]] = Counter()
    real_compare = scanning.compare

    def counting_compare(a, b, stats):
        calls[frozenset((a.id, b.id))] += 1
        return real_compare(a, b, stats)

    monkeypatch.setattr(scanning, "compare", counting_compare)
    scan = DuplicateScan.objects.create(started_by=supervisor)
    services.duplicate_scan_run(scan=scan)
    scan.refresh_from_db()
    assert scan.status == DuplicateScan.Status.DONE, scan.error
    assert calls and max(calls.values()) == 1  # every pair scored once

    stored = {frozenset((c.child_a_id, c.child_b_id)): c for c in DuplicateCandidate.objects.all()}
    for pair in small_registry:
        assert frozenset(pair) in stored
    assert scan.pairs_found == len(stored)
    stats = selectors.DbTokenStats()
    for cand in stored.values():
        assert str(cand.child_a_id) < str(cand.child_b_id)
        a, b = Child.objects.get(pk=cand.child_a_id), Child.objects.get(pk=cand.child_b_id)
        # the check, from either child: same score (and the same reasons from the first)
        [(_child, result)] = selectors.score_candidates(
            selectors.person_record(a), [b], stats=stats
        )
        assert (cand.score, cand.level, cand.reasons) == (
            result.score,
            result.level,
            selectors.reasons_as_dicts(result),
        )
        for child, other in ((a, b), (b, a)):
            shown = {
                v.child_id: v.score
                for v in selectors.child_duplicates_of(user=supervisor, child=child)
            }
            assert shown[str(other.pk)] == cand.score


def test_the_app_scan_reports_progress_batch_by_batch(small_registry, supervisor, monkeypatch):
    monkeypatch.setattr("simpul.children.services.duplicates.SCAN_BATCH", 3)
    seen: list[tuple[int, int]] = []
    real_save = DuplicateScan.save

    def spy(self, *args, **kwargs):
        if self.status == DuplicateScan.Status.RUNNING:
            seen.append((self.processed, self.total))
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(DuplicateScan, "save", spy)
    scan = DuplicateScan.objects.create(started_by=supervisor)
    services.duplicate_scan_run(scan=scan)
    total = Child.objects.active().count()
    assert [p for p, _t in seen] == [0, *range(3, total, 3), total]
    assert all(t == total for _p, t in seen)
    scan.refresh_from_db()
    assert scan.processed == scan.total == total and scan.percent == 100


def test_the_app_scan_updates_open_pairs_and_keeps_reviewed_ones(small_registry, supervisor):
    scan = DuplicateScan.objects.create(started_by=supervisor)
    services.duplicate_scan_run(scan=scan)
    first, second = DuplicateCandidate.objects.order_by("child_a_id")[:2]
    DuplicateCandidate.objects.filter(pk=first.pk).update(score=-1.0, reasons=[])
    DuplicateCandidate.objects.filter(pk=second.pk).update(
        score=-1.0, status=DuplicateCandidate.Status.NOT_DUPLICATE
    )
    count = DuplicateCandidate.objects.count()
    again = DuplicateScan.objects.create(started_by=supervisor)
    services.duplicate_scan_run(scan=again)
    first.refresh_from_db()
    second.refresh_from_db()
    assert DuplicateCandidate.objects.count() == count
    assert first.score > 0 and first.reasons and first.scan_id == again.pk
    assert second.score == -1.0 and second.status == DuplicateCandidate.Status.NOT_DUPLICATE


def test_a_failing_scan_is_recorded(small_registry, supervisor, monkeypatch):
    def boom(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(DuplicateScanner, "prepare", boom)
    scan = DuplicateScan.objects.create(started_by=supervisor)
    services.duplicate_scan_run(scan=scan)
    scan.refresh_from_db()
    assert scan.status == DuplicateScan.Status.FAILED and "disk full" in scan.error
