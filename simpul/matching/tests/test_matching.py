"""Duplicate detection engine: normalisation, blocking and scoring on hand-made hard cases."""

from __future__ import annotations

import datetime as dt

import pytest

from simpul.matching import (
    BLOCKING_COLUMNS,
    LIKELY_THRESHOLD,
    POSSIBLE_THRESHOLD,
    InMemoryTokenStats,
    PersonRecord,
    blocking_keys,
    candidate_key_values,
    compare,
    name_tokens,
    normalize_name,
    phonetic_key,
    rank_candidates,
    thresholds,
)

D = dt.date
STATS = InMemoryTokenStats()  # an empty registry: built-in priors only


def rec(rid: str, name: str, **kw) -> PersonRecord:
    return PersonRecord(id=rid, full_name=name, **kw)


def child(rid: str, name: str, **kw) -> PersonRecord:
    """A typical fully recorded child; keyword arguments override."""
    base = dict(
        sex="M",
        birth_date=D(2015, 3, 4),
        mother_name="Sumiati",
        kelurahan_code="31.75.01.1001",
        nik=None,
    )
    base.update(kw)
    return PersonRecord(id=rid, full_name=name, **base)


def shares_block(a: PersonRecord, b: PersonRecord) -> bool:
    """True when a check for `a` would fetch `b` (some column holds one of a's values)."""
    wanted = candidate_key_values(a, today=D(2026, 1, 1))
    stored = blocking_keys(b)
    return any(stored[c] is not None and stored[c] in wanted[c] for c in BLOCKING_COLUMNS)


def assert_found(a: PersonRecord, b: PersonRecord, level: str = "possible") -> None:
    result = compare(a, b, STATS)
    allowed = ("likely",) if level == "likely" else ("likely", "possible")
    assert result.level in allowed, (result.score, result.reasons)
    assert shares_block(a, b) and shares_block(b, a), (blocking_keys(a), blocking_keys(b))


def assert_not_likely(a: PersonRecord, b: PersonRecord, *, below_possible: bool = False) -> None:
    result = compare(a, b, STATS)
    limit = POSSIBLE_THRESHOLD if below_possible else LIKELY_THRESHOLD
    assert result.score < limit, (result.score, result.reasons)


# ------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Djoko Santoso", "Joko Santoso"),
        ("Soetrisno", "Sutrisno"),
        ("Muhammad Rizki", "M. Rizki"),
        ("Muh Rizki", "Mochammad Rizki"),
        ("Nurul Aini", "Nur Aini"),
        ("Achmad Fauzi", "Ahmad Fauzi"),
        ("Ahmad bin Yusuf", "AHMAD"),
        ("H. Dewi Lestari, S.Pd.", "dewi lestari"),
        ("Ma'ruf", "Maruf"),
    ],
)
def test_normalize_name_gives_one_form_to_spelling_variants(a, b):
    assert normalize_name(a) == normalize_name(b)


def test_phonetic_key_merges_indonesian_sound_variants():
    assert phonetic_key(name_tokens("Tjahjo")[0]) == phonetic_key(name_tokens("Cahyo")[0])
    assert phonetic_key("rizky") == phonetic_key("rizqi") == phonetic_key("riski")
    assert phonetic_key("fatimah") == phonetic_key("fatima")
    assert phonetic_key("syaiful") == phonetic_key("saiful")
    assert phonetic_key("budi") != phonetic_key("bayu")


def test_name_tokens_collapse_doubled_letters_and_keep_order():
    assert name_tokens("Hassanah  Putri") == ["hasanah", "putri"]
    assert name_tokens("") == []


# ------------------------------------------------------------------------- hard positives


def test_old_spelling_dj_is_found():
    assert_found(child("a", "Djoko Santoso"), child("b", "Joko Santoso"), "likely")


def test_old_spelling_tj_is_found():
    a = child("a", "Tjahjo", birth_date=D(2012, 5, 1))
    b = child("b", "Cahyo", birth_date=D(2012, 5, 1))
    assert_found(a, b, "likely")
    assert compare(a, b, STATS).reason("name").outcome == "agree_spelling_variant"


def test_old_spelling_oe_is_found():
    assert_found(child("a", "Soetrisno"), child("b", "Sutrisno"), "likely")


@pytest.mark.parametrize("other", ["M. Rizky", "Muh Rizki", "Muhamad Rizky", "Mochammad Rizqi"])
def test_muhammad_variants_are_found(other):
    assert_found(child("a", "Muhammad Rizki"), child("b", other), "likely")


def test_nurul_and_nur_are_found():
    a = child("a", "Nurul Aini", sex="F")
    b = child("b", "Nur Aini", sex="F")
    assert_found(a, b, "likely")


def test_one_word_name_with_same_mother_and_birth_year_is_found():
    a = child(
        "a",
        "Slamet",
        birth_date=None,
        birth_year=2014,
        birth_date_estimated=True,
        kelurahan_code="31.71.03.1002",
    )
    b = child("b", "Slamet", birth_date=D(2014, 8, 17), kelurahan_code="31.74.06.1003")
    assert_found(a, b)
    for x, y in ((a, b), (b, a)):
        assert blocking_keys(y)["bk_mother_yob"] in candidate_key_values(x)["bk_mother_yob"]


def test_swapped_name_order_is_found():
    a = child("a", "Putri Ayu Lestari", sex="F")
    b = child("b", "Lestari Putri Ayu", sex="F")
    assert_found(a, b, "likely")
    assert "swapped" in compare(a, b, STATS).reason("name").outcome


def test_nickname_recorded_as_alias_is_found():
    a = child("a", "Muhammad Rizki Pratama", aliases=("Ucok",))
    b = child("b", "Ucok", birth_date=None, birth_year=2015, birth_date_estimated=True)
    assert_found(a, b)
    name = compare(b, a, STATS).reason("name")
    assert name.outcome.startswith("alias_")
    assert "Ucok" in name.detail


def test_nickname_only_record_blocks_through_mother_and_birth_year():
    a = child("a", "Muhammad Rizki Pratama", aliases=("Ucok",))
    b = child("b", "Ucok", birth_date=None, birth_year=2016, birth_date_estimated=True)
    wanted = candidate_key_values(b, today=D(2026, 1, 1))
    assert blocking_keys(a)["bk_mother_yob"] in wanted["bk_mother_yob"]


def test_estimated_birth_year_matches_real_date():
    a = child("a", "Bagus Wicaksono", birth_date=D(2015, 12, 30))
    b = child("b", "Bagus Wicaksono", birth_date=None, birth_year=2016, birth_date_estimated=True)
    assert_found(a, b, "likely")
    assert compare(a, b, STATS).reason("birth_date").outcome == "estimated_within_1y"


@pytest.mark.parametrize(
    ("nik_b", "outcome"),
    [
        ("3175020403150012", "one_typo"),  # one digit
        ("3175010443150012", "one_typo"),  # two neighbouring digits swapped
        ("3175014403150012", "exact"),
    ],
)
def test_mistyped_nik_still_matches(nik_b, outcome):
    a = child("a", "Rahmat Hidayat", nik="3175010403150012", mother_name=None)
    b = child("b", "Rahmat Hidayat", nik=nik_b, mother_name=None)
    if outcome == "exact":
        b = child("b", "Rahmat Hidayat", nik=a.nik, mother_name=None)
    assert compare(a, b, STATS).reason("nik").outcome == outcome
    assert_found(a, b, "likely")
    # One half of the NIK survives the typo, so the NIK alone blocks the pair.
    wanted = candidate_key_values(a)
    stored = blocking_keys(b)
    assert stored["bk_nik_a"] in wanted["bk_nik_a"] or stored["bk_nik_b"] in wanted["bk_nik_b"]


def test_child_who_moved_kelurahan_is_found():
    a = child("a", "Wulan Sari Handayani", sex="F", kelurahan_code="31.75.01.1001")
    b = child("b", "Wulan Sari Handayani", sex="F", kelurahan_code="31.72.04.1003")
    assert_found(a, b, "likely")
    assert compare(a, b, STATS).reason("kelurahan").outcome == "different"


def test_day_and_month_swapped_in_birth_date_is_found():
    a = child("a", "Fikri Maulana", birth_date=D(2013, 4, 9))
    b = child("b", "Fikri Maulana", birth_date=D(2013, 9, 4))
    assert_found(a, b, "likely")
    assert compare(a, b, STATS).reason("birth_date").outcome == "day_month_swapped"


def test_compound_name_written_apart_is_found():
    assert_found(
        child("a", "Siti Nurhaliza", sex="F"), child("b", "Siti Nur Haliza", sex="F"), "likely"
    )


# ------------------------------------------------------------------------- hard negatives


def test_twins_are_not_matched():
    mother = dict(
        mother_name="Siti Rahayu", birth_date=D(2016, 2, 10), kelurahan_code="31.73.02.1004"
    )
    a = child("a", "Hasan Saputra", nik="3173021002160031", **mother)
    b = child("b", "Husein Saputra", nik="3173021002160032", **mother)
    assert_not_likely(a, b, below_possible=True)
    result = compare(a, b, STATS)
    assert result.reason("name").outcome == "conflict"
    assert result.reason("nik").outcome == "serial_differs"


def test_twins_of_different_sex_with_gendered_names_are_not_matched():
    same = dict(mother_name="Yuliana", birth_date=D(2018, 6, 1), kelurahan_code="31.71.01.1001")
    a = child("a", "Putra Ramadhan", sex="M", nik="3171010106180021", **same)
    b = child("b", "Putri Ramadhan", sex="F", nik="3171014106180021", **same)
    assert_not_likely(a, b, below_possible=True)
    assert compare(a, b, STATS).reason("nik").outcome == "sex_digit_differs"


def test_twins_sharing_a_first_name_token_are_not_matched():
    same = dict(
        mother_name="Dewi Kartika",
        birth_date=D(2019, 1, 20),
        kelurahan_code="31.74.06.1003",
        sex="F",
    )
    assert_not_likely(
        child("a", "Putri Ayu Lestari", **same),
        child("b", "Putri Anisa Lestari", **same),
        below_possible=True,
    )


def test_siblings_are_not_matched():
    a = child("a", "Dimas Pratama", birth_date=D(2012, 7, 1))
    b = child("b", "Bagas Pratama", birth_date=D(2015, 2, 11))
    assert_not_likely(a, b, below_possible=True)


def test_two_children_called_muhammad_rizki_are_not_likely():
    a = child(
        "a",
        "Muhammad Rizki",
        mother_name="Aminah",
        birth_date=D(2011, 1, 5),
        kelurahan_code="31.71.01.1001",
    )
    b = child(
        "b",
        "Muhammad Rizki",
        mother_name="Sulastri",
        birth_date=D(2014, 9, 30),
        kelurahan_code="31.74.08.1002",
    )
    assert_not_likely(a, b, below_possible=True)


def test_same_name_of_the_other_sex_is_not_likely():
    a = rec("a", "Eka Saputra", sex="M", birth_year=2014, birth_date_estimated=True)
    b = rec("b", "Eka Saputra", sex="F", birth_year=2014, birth_date_estimated=True)
    assert_not_likely(a, b)
    assert compare(a, b, STATS).reason("sex").outcome == "disagree"


# ------------------------------------------------------------------------- the model


def test_rare_names_weigh_more_than_common_ones():
    common = InMemoryTokenStats({"riski": 500, "wulandari": 1}, total=10_000)
    a, b = rec("a", "Rizki"), rec("b", "Rizki")
    c, d = rec("c", "Wulandari"), rec("d", "Wulandari")
    assert compare(c, d, common).score > compare(a, b, common).score


def test_frequencies_from_the_registry_change_the_weight():
    a, b = rec("a", "Sekar"), rec("b", "Sekar")
    rare = InMemoryTokenStats({"sekar": 1}, total=100_000)
    frequent = InMemoryTokenStats({"sekar": 5_000}, total=100_000)
    assert compare(a, b, rare).score > compare(a, b, frequent).score


def test_thresholds_rise_with_the_size_of_the_registry():
    small = InMemoryTokenStats(total=50_000)
    large = InMemoryTokenStats(total=1_600_000)
    assert thresholds(small) == (LIKELY_THRESHOLD, POSSIBLE_THRESHOLD)
    assert thresholds(large) == (LIKELY_THRESHOLD + 4, POSSIBLE_THRESHOLD + 4)
    a = child("a", "Bagus Wicaksono")
    b = child(
        "b",
        "Bagus Wicaksono",
        birth_date=None,
        birth_year=2015,
        birth_date_estimated=True,
        mother_name=None,
    )
    in_small, in_large = compare(a, b, small), compare(a, b, large)
    assert in_small.score == in_large.score
    assert in_large.probability < in_small.probability


def test_in_memory_stats_count_each_token_once_per_record():
    stats = InMemoryTokenStats.from_records([rec("a", "Budi Budi Santoso"), rec("b", "Budi")])
    assert stats.total == 2
    assert stats.frequency(phonetic_key("budi")) == 2


def test_result_has_probability_level_and_reasons():
    a, b = child("a", "Joko Santoso"), child("b", "Joko Santoso")
    result = compare(a, b, STATS)
    assert 0.9 < result.probability <= 1
    assert result.level == "likely"
    fields = {r.field for r in result.reasons}
    assert {"name", "birth_date", "sex", "mother_name", "kelurahan"} <= fields
    assert result.score == pytest.approx(sum(r.weight for r in result.reasons), abs=0.05)
    # Strongest evidence first.
    assert abs(result.reasons[0].weight) >= abs(result.reasons[-1].weight)


def test_compare_is_symmetric_and_deterministic():
    a = child("a", "Muhammad Rizki", nik="3175010403150012")
    b = child("b", "M. Rizky", birth_date=None, birth_year=2015, birth_date_estimated=True)
    assert compare(a, b, STATS) == compare(a, b, STATS)
    assert compare(a, b, STATS).score == compare(b, a, STATS).score


def test_rank_candidates_orders_by_score_and_skips_the_query_itself():
    q = child("q", "Djoko Santoso")
    best = child("b1", "Joko Santoso")
    weaker = child(
        "b2",
        "Joko Santoso",
        birth_date=None,
        birth_year=2015,
        birth_date_estimated=True,
        kelurahan_code="31.72.01.1001",
    )
    unrelated = child("x", "Bagas Pratama", birth_date=D(2010, 1, 1), mother_name="Rini")
    ranked = rank_candidates(q, [unrelated, weaker, q, best], STATS)
    assert [c.id for c, _r in ranked] == ["b1", "b2"]
    everything = rank_candidates(q, [unrelated, weaker, best], STATS, include_unlikely=True)
    assert [c.id for c, _r in everything] == ["b1", "b2", "x"]
    assert len(rank_candidates(q, [weaker, best], STATS, limit=1)) == 1


def test_rank_candidates_breaks_ties_by_id():
    q = child("q", "Djoko Santoso")
    ranked = rank_candidates(q, [child("z", "Joko Santoso"), child("m", "Joko Santoso")], STATS)
    assert [c.id for c, _r in ranked] == ["m", "z"]


# ------------------------------------------------------------------------- blocking


def test_blocking_keys_have_six_short_columns():
    keys = blocking_keys(child("a", "Muhammad Rizki Ramadhan", nik="3175010403150012"))
    assert tuple(keys) == BLOCKING_COLUMNS
    assert all(v is None or len(v) <= 40 for v in keys.values())
    assert keys["bk_nik_a"] == "31750104" and keys["bk_nik_b"] == "03150012"


def test_common_tokens_do_not_make_blocks_of_their_own():
    keys = blocking_keys(child("a", "Muhammad Rizki"))
    assert keys["bk_name_a"] == "riski|2015"
    assert keys["bk_name_b"] is None
    # ...unless the name has nothing else.
    assert blocking_keys(child("b", "Muhammad"))["bk_name_a"] == "muhamad|2015"


def test_long_tokens_still_fit_the_columns():
    keys = blocking_keys(child("a", "Kusumawardhaniningtyasari Prawiranegarakusumah"))
    assert all(v is None or len(v) <= 40 for v in keys.values())


def test_query_without_any_year_searches_all_child_years():
    q = rec("q", "Wulandari")
    years = {v.split("|")[1] for v in candidate_key_values(q, today=D(2026, 1, 1))["bk_name_a"]}
    assert {"2026", "2010", "1996", "~2010", "?"} <= years


def test_estimated_years_are_marked_and_searched_around():
    known = child("a", "Wulandari", birth_date=D(2015, 1, 1))
    guessed = child("b", "Wulandari", birth_date=None, birth_year=2016, birth_date_estimated=True)
    assert blocking_keys(known)["bk_name_a"] == "wulandari|2015"
    assert blocking_keys(guessed)["bk_name_a"] == "wulandari|~2016"
    assert shares_block(known, guessed) and shares_block(guessed, known)
    # A known date does not search the neighbouring known years.
    assert "wulandari|2016" not in candidate_key_values(known)["bk_name_a"]


def test_common_values_are_left_out_of_a_check_when_stats_say_so():
    stats = InMemoryTokenStats({"riski": 90_000, "pratama": 50_000, "gilang": 40}, total=1_000_000)
    q = child("q", "Rizki Gilang Pratama")
    wanted = candidate_key_values(q, stats=stats)
    searched = {v.split("|")[0] for v in wanted["bk_name_a"]}
    assert searched == {"gilang"}
    assert wanted["bk_name_c"] == {"gilang riski", "gilang pratama"}
    # With only common tokens, the cheapest name value is still searched.
    only_common = candidate_key_values(child("q2", "Rizki Pratama"), stats=stats)
    assert only_common["bk_name_a"] or only_common["bk_name_c"]
    # Without stats everything is searched.
    assert {v.split("|")[0] for v in candidate_key_values(q)["bk_name_a"]} == {
        "riski",
        "gilang",
        "pratama",
    }


def test_blocking_misses_unrelated_records():
    a = child("a", "Dimas Pratama", birth_date=D(2010, 1, 1), mother_name="Aminah")
    b = child("b", "Bagas Wicaksono", birth_date=D(2016, 1, 1), mother_name="Rini")
    assert not shares_block(a, b)
