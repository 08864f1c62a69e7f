"""Registry-wide duplicate scan: the engine (simpul.matching.scanning) on a synthetic registry
checked against brute force. The app's background job is tested in
simpul/children/tests/test_duplicate_scan.py."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from simpul.matching import (
    BLOCKING_COLUMNS,
    InMemoryTokenStats,
    PersonRecord,
    blocking_keys,
    candidate_key_values,
    compare,
    phonetic_key,
)
from simpul.matching import scoring as matching
from simpul.matching.scanning import DuplicateScanner, ScanCounters

TODAY = dt.date(2026, 1, 1)

# --------------------------------------------------------------------------------------
# A small synthetic registry with the variations the matcher handles
# --------------------------------------------------------------------------------------

GIVEN = [
    "Rizki",
    "Aditya",
    "Putri",
    "Siti Aminah",
    "Dewi",
    "Budi",
    "Agus",
    "Nurhaliza",
    "Yahya",
    "Joko",
    "Cahyo",
    "Sutrisno",
    "Andika",
    "Suryanto",
    "Rina",
    "Rini",
    "Muhammad Fajar",
    "Ahmad",
    "Nur Aini",
    "Kiki",
    "Yusuf",
    "Zainal",
    "Fitri",
    "Indah",
    "Bayu",
    "Dimas",
    "Eka",
    "Tri Wahyu",
]
FAMILY = [
    "Pratama",
    "Saputra",
    "Lubis",
    "Siregar",
    "Nasution",
    "Hidayat",
    "Kurniawan",
    "Setiawan",
    "Santoso",
]
MOTHERS = ["Sumarni", "Siti Rahayu", "Dewi Lestari", "Suharti", "Nur Aisyah", "Tjitjih", "Yuliani"]
KELURAHAN = ["31.75.01.1001", "31.75.01.1002", "31.75.02.1001", "31.71.03.1008", "31.74.05.1006"]


def _variant(name: str, rng: random.Random) -> str:
    """A duplicate's spelling of a name: old spelling, Muhammad abbreviated, a compound joined
    or split, a dropped or swapped token, or a typo."""
    tokens = name.split()
    kind = rng.randrange(7)
    if kind == 0:
        return name.replace("j", "dj").replace("c", "tj").replace("u", "oe")
    if kind == 1:
        return name.replace("Muhammad", "M.").replace("Nurhaliza", "Nur Haliza")
    if kind == 2 and len(tokens) > 2:
        return " ".join(tokens[:1] + tokens[2:])
    if kind == 3 and len(tokens) > 1:
        return " ".join(reversed(tokens))
    if kind == 4 and len(tokens) > 1 and tokens[0] == "Nur":
        return tokens[0] + tokens[1].lower() + " " + " ".join(tokens[2:])
    if kind == 5:
        i = rng.randrange(len(name) - 1)
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name.replace("y", "i")


def synthetic_registry(
    n_children: int = 250, seed: int = 3
) -> tuple[list[PersonRecord], set[tuple[int, int]]]:
    """Records (ids in order) and the index pairs that are the same child."""
    rng = random.Random(seed)
    rows: list[dict] = []
    truth: list[int] = []
    for child in range(n_children):
        name = rng.choice(GIVEN) + (" " + rng.choice(FAMILY) if rng.random() < 0.7 else "")
        birth = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(3000))
        estimated = rng.random() < 0.2
        nik = (
            f"3175{rng.randrange(10, 99)}{birth:%d%m%y}{rng.randrange(1, 9999):04d}"
            if rng.random() < 0.5
            else None
        )
        row = {
            "full_name": name,
            "sex": rng.choice("MF"),
            "birth_date": None if estimated else birth,
            "birth_date_estimated": estimated,
            "birth_year": birth.year,
            "nik": nik,
            "mother_name": rng.choice(MOTHERS) if rng.random() < 0.8 else None,
            "kelurahan_code": rng.choice(KELURAHAN),
            "aliases": (rng.choice(["Kiki", "Yanto", "Andi", "Ami"]),)
            if rng.random() < 0.08
            else (),
        }
        rows.append(row)
        truth.append(child)
        if rng.random() < 0.3:  # a duplicate record of the same child
            dup = dict(row, full_name=_variant(name, rng))
            if rng.random() < 0.3:
                dup.update(
                    birth_date=None,
                    birth_date_estimated=True,
                    birth_year=birth.year + rng.choice((-1, 0, 1)),
                )
            if nik and rng.random() < 0.5:  # no NIK, a one-digit typo or two digits swapped
                i = rng.randrange(15)
                dup["nik"] = rng.choice(
                    [
                        None,
                        nik[:i] + str((int(nik[i]) + 1) % 10) + nik[i + 1 :],
                        nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :],
                    ]
                )
            rows.append(dup)
            truth.append(child)
        if rng.random() < 0.05:  # a twin: same mother and date, another given name
            other = rng.choice([g for g in GIVEN if g != name.split()[0]])
            twin_nik = nik[:12] + f"{(int(nik[12:]) + 1) % 10000:04d}" if nik else None
            rows.append(dict(row, full_name=other + " " + " ".join(name.split()[1:]), nik=twin_nik))
            truth.append(n_children + child)
    records = [PersonRecord(id=f"r{i:04d}", **row) for i, row in enumerate(rows)]
    pairs = {
        (i, j) for i in range(len(rows)) for j in range(i + 1, len(rows)) if truth[i] == truth[j]
    }
    return records, pairs


@pytest.fixture(scope="module")
def registry():
    records, true_pairs = synthetic_registry()
    stats = InMemoryTokenStats.from_records(records)
    return records, true_pairs, stats


def build(records, stats, **kw) -> DuplicateScanner:
    scanner = DuplicateScanner(stats, today=TODAY, **kw)
    for r in records:
        scanner.add(r)
    scanner.prepare()
    return scanner


def brute_force_pairs(records, stats) -> set[tuple[int, int]]:
    """Every pair a check from either record would fetch: its query values against the
    other record's stored values, column by column."""
    stored = [blocking_keys(r) for r in records]
    pairs = set()
    for i, r in enumerate(records):
        wanted = candidate_key_values(r, today=TODAY, stats=stats)
        for j in range(len(records)):
            if j != i and any(stored[j][c] and stored[j][c] in wanted[c] for c in BLOCKING_COLUMNS):
                pairs.add((min(i, j), max(i, j)))
    return pairs


# --------------------------------------------------------------------------------------
# The engine
# --------------------------------------------------------------------------------------


def test_candidates_are_what_a_check_from_either_record_fetches_each_pair_once(registry):
    records, true_pairs, stats = registry
    scanner = build(records, stats)
    found = [(i, j) for i in range(len(records)) for j in scanner.candidates(i)]
    assert len(found) == len(set(found))  # each unordered pair once
    assert all(i < j for i, j in found)
    assert set(found) == brute_force_pairs(records, stats)
    assert len(true_pairs & set(found)) >= 0.9 * len(true_pairs)


def test_the_token_relation_holds_every_pair_token_match_accepts(registry):
    records, _true, stats = registry
    scanner = build(records, stats)
    tokens = sorted(scanner._vocab, key=scanner._vocab.__getitem__)
    info = [(c, phonetic_key(c), r) for c, r in tokens]
    for u, (a, ka, ra) in enumerate(info):
        for v, (b, kb, rb) in enumerate(info):
            if matching._token_match(a, b, ka, kb, ra, rb) is not None:
                assert v in scanner._related[u], (info[u], info[v])


def test_the_upper_bound_is_never_below_the_score(registry):
    records, _true, stats = registry
    scanner = build(records, stats)
    checked = 0
    for i in range(len(records)):
        for j in scanner.candidates(i):
            score = compare(records[i], records[j], stats).score
            assert score <= scanner.upper_bound(i, j) + 0.01, (records[i], records[j])
            checked += 1
    assert checked > 1000


@pytest.mark.parametrize("min_score", [None, 0.0])
def test_the_scan_reports_exactly_the_pairs_compare_rates_at_least_min_score(registry, min_score):
    records, true_pairs, stats = registry
    scanner = build(records, stats, min_score=min_score)
    counters = ScanCounters()
    hits = list(scanner.scan(counters=counters))
    expected = {}
    for i in range(len(records)):
        for j in scanner.candidates(i):
            result = compare(records[i], records[j], stats)
            if result.score >= scanner.min_score:
                expected[(i, j)] = result
    assert {(h.i, h.j): h.result for h in hits} == expected
    assert counters.candidate_pairs == sum(len(scanner.candidates(i)) for i in range(len(records)))
    assert counters.hits == len(hits) <= counters.scored <= counters.candidate_pairs
    if min_score is None:
        assert scanner.min_score == matching.thresholds(stats)[1]
        assert counters.scored < counters.candidate_pairs / 2  # the bound skips most pairs
        found = {(h.i, h.j) for h in hits}
        assert len(found & true_pairs) >= 0.8 * len(true_pairs)


def test_scanning_in_ranges_gives_the_same_pairs(registry):
    records, _true, stats = registry
    scanner = build(records, stats)
    whole = [(h.i, h.j, h.result.score) for h in scanner.scan()]
    parts = [
        (h.i, h.j, h.result.score)
        for start in range(0, len(records), 37)
        for h in scanner.scan(start, start + 37)
    ]
    assert parts == whole


def test_stored_values_come_from_the_columns_empty_means_none():
    a = PersonRecord(id="1", full_name="Joko Susilo", birth_date=dt.date(2015, 1, 2), sex="M")
    b = PersonRecord(id="2", full_name="Djoko Soesilo", birth_date=dt.date(2015, 1, 2), sex="M")
    stats = InMemoryTokenStats.from_records([a, b])
    scanner = DuplicateScanner(stats)
    for r in (a, b):
        scanner.add(r, {c: (v or "") for c, v in blocking_keys(r).items()})
    assert scanner.candidates(0) == [1]
    # records without stored values are found by no check
    lone = DuplicateScanner(stats)
    lone.add(a, dict.fromkeys(BLOCKING_COLUMNS, ""))
    lone.add(b, dict.fromkeys(BLOCKING_COLUMNS, ""))
    assert lone.candidates(0) == [] and list(lone.scan()) == []
