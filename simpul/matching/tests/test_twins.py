"""The twin guard: the same mother and the same date of birth with clearly different given
names is evidence of two children (a Fellegi–Sunter level with its own m and u), not one."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from simpul.matching import InMemoryTokenStats, PersonRecord, compare, scoring, thresholds

D = dt.date
EMPTY = InMemoryTokenStats()  # an empty registry: built-in priors only
HOUSEHOLD = dict(
    mother_name="Siti Rahayu",
    birth_date=D(2016, 2, 10),
    kelurahan_code="31.73.02.1004",
    sex="M",
)


def child(rid: str, name: str, **kw) -> PersonRecord:
    data = {**HOUSEHOLD, **kw}
    return PersonRecord(id=rid, full_name=name, **data)


def without_guard(monkeypatch, a, b, stats=EMPTY):
    with monkeypatch.context() as m:
        m.setattr(scoring, "_twin_guard", lambda *args: None)
        return compare(a, b, stats)


def test_the_level_weight_is_log2_of_m_over_u():
    w = scoring.W_TWINS["possibly_twins"]
    assert w == round(math.log2(scoring._M_TWINS / scoring._U_TWINS), 2)
    assert w < -5  # strong disagreement evidence
    assert scoring.WEIGHTS["twins"] is scoring.W_TWINS


def test_twins_with_different_given_names_are_possibly_twins(monkeypatch):
    a = child("a", "Muhammad Rizki Saputra", nik="3173021002160031")
    b = child("b", "Muhammad Fajar Saputra", nik="3173021002160032")
    result = compare(a, b, EMPTY)
    twins = result.reason("twins")
    assert twins is not None and twins.outcome == "possibly_twins"
    assert twins.weight == scoring.W_TWINS["possibly_twins"] and twins.weight < 0
    assert "rizki" in twins.detail and "fajar" in twins.detail
    assert result.level == "unlikely"
    # the level is what moves the score: the same pair without it scores exactly that much more
    off = without_guard(monkeypatch, a, b)
    assert off.reason("twins") is None
    assert result.score == pytest.approx(off.score + twins.weight, abs=0.02)


def test_the_guard_pulls_a_possible_pair_of_twins_below_possible(monkeypatch):
    # Without the guard, mother + date + kelurahan + consecutive NIK serials outweigh the
    # name conflict enough to reach "possible"; with it they do not.
    stats = InMemoryTokenStats.from_records(
        [child(str(i), n) for i, n in enumerate(["Prabu Mardhiyah", "Rizki Mardhiyah"] * 3)]
    )
    a = child("a", "Prabu Mardhiyah", nik="3171010909185012", birth_date=D(2018, 9, 9))
    b = child("b", "Rizki Mardhiyah", nik="3171010909185013", birth_date=D(2018, 9, 9))
    _likely, possible = thresholds(stats)
    assert without_guard(monkeypatch, a, b, stats).score >= possible
    result = compare(a, b, stats)
    assert result.score < possible and result.reason("twins") is not None


def test_rhyming_twin_names_one_vowel_apart_are_two_names(monkeypatch):
    # Rini is one letter from Rina: without the guard a spelling variant, so the household
    # makes it "likely"; under the guard a final a/i makes two names.
    a = child("a", "Rina Lestari", sex="F")
    b = child("b", "Rini Lestari", sex="F")
    off = without_guard(monkeypatch, a, b)
    assert off.level == "likely" and off.reason("name").outcome.startswith("agree")
    result = compare(a, b, EMPTY)
    assert result.reason("name").outcome == "conflict"
    assert result.reason("twins") is not None
    assert result.level == "unlikely"


def test_putra_and_putri_with_other_sex_are_twins_not_one_child():
    a = child("a", "Putra Ramadhan", sex="M", nik="3171010106180021")
    b = child("b", "Putri Ramadhan", sex="F", nik="3171014106180022")
    result = compare(a, b, EMPTY)
    assert result.level == "unlikely"
    assert result.reason("nik").outcome == "sex_digit_differs"  # and the next serial


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Muhammad Rizki Pratama", "M. Rizky Pratama"),  # spelling variants
        ("Setiawan Nugroho", "Setiawam Nugroho"),  # a typo
        ("Jayadi Dabukke", "Jyady Dabukke"),  # two edits, close spellings
        ("Rizki Pratama", "Muhammad Rizki"),  # Muhammad added, family name dropped
        ("Nurhaliza Lubis", "Nur Haliza Lubis"),  # a compound written apart
        ("Djoko Susilo", "Joko Soesilo"),  # old spelling
    ],
)
def test_one_child_recorded_twice_is_not_taken_for_twins(monkeypatch, a, b):
    ra, rb = child("a", a), child("b", b)
    result = compare(ra, rb, EMPTY)
    assert result.reason("twins") is None, result.reasons
    assert result == without_guard(monkeypatch, ra, rb)


def test_a_recorded_nickname_keeps_the_guard_out():
    a = child("a", "Rizki Saputra", aliases=("Kiki",))
    b = child("b", "Kiki Saputra")
    result = compare(a, b, EMPTY)
    assert result.reason("twins") is None and result.level == "likely"


@pytest.mark.parametrize(
    "change",
    [
        {"birth_date": D(2016, 2, 11)},  # another date: siblings, not twins
        {"birth_date": None, "birth_date_estimated": True, "birth_year": 2016},  # estimated
        {"mother_name": "Yuliani"},  # another mother
        {"mother_name": None},  # no mother recorded
    ],
)
def test_the_guard_needs_the_same_mother_and_the_exact_date(change):
    a = child("a", "Hasan Saputra")
    b = child("b", "Husein Saputra", **change)
    result = compare(a, b, EMPTY)
    assert result.reason("twins") is None
    assert result.level == "unlikely"  # the names still conflict


def test_the_mother_in_another_spelling_is_the_same_mother():
    a = child("a", "Hasan Saputra", mother_name="Siti Rahayu")
    b = child("b", "Husein Saputra", mother_name="Siti Rahajoe")
    assert compare(a, b, EMPTY).reason("mother_name").outcome in ("agree", "spelling_variant")
    assert compare(a, b, EMPTY).reason("twins") is not None


def test_an_exact_nik_still_counts_beside_the_guard(monkeypatch):
    # Twins never share a NIK: an identical one stays strong evidence of one child, so the
    # pair is still shown (a person decides, and a merge asks for the twin confirmation).
    a = child("a", "Dwi Salsabila Hafshah", sex="F", nik="3175037006170015")
    b = child("b", "Sri Indah Hafshah", sex="F", nik="3175037006170015")
    result, off = compare(a, b, EMPTY), without_guard(monkeypatch, a, b)
    assert result.reason("nik").outcome == "exact"
    assert result.score == pytest.approx(off.score + scoring.W_TWINS["possibly_twins"], abs=0.02)
    assert result.level != "unlikely"


def test_the_guard_never_raises_a_score(monkeypatch):
    pairs = [
        ("Hasan Saputra", "Husein Saputra"),
        ("Rina Lestari", "Rini Lestari"),
        ("Muhammad Rizki", "Rizki Pratama"),
        ("Putri Ayu Lestari", "Putri Anisa Lestari"),
        ("Dimas", "Bagas"),
        ("Rizki Saputra", "Rizky Saputra"),
        ("Tri Raina Citra", "Putri Citra"),
    ]
    for x, y in pairs:
        a, b = child("a", x), child("b", y)
        assert compare(a, b, EMPTY).score <= without_guard(monkeypatch, a, b).score, (x, y)


def test_consecutive_nik_serials_across_a_carry_are_a_serial_difference():
    a = child("a", "Hasan Saputra", nik="3172045705155009")
    b = child("b", "Husein Saputra", nik="3172045705155010")
    assert compare(a, b, EMPTY).reason("nik").outcome == "serial_differs"


def test_twin_reasons_are_deterministic_and_symmetric():
    a = child("a", "Muhammad Rizki Saputra")
    b = child("b", "Muhammad Fajar Saputra")
    ab, ba = compare(a, b, EMPTY), compare(b, a, EMPTY)
    assert ab.score == ba.score and ab.level == ba.level
    assert [(r.field, r.outcome, r.weight) for r in ab.reasons] == [
        (r.field, r.outcome, r.weight) for r in ba.reasons
    ]
