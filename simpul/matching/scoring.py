"""Scoring: a Fellegi–Sunter model over the fields of two records.

Every field is compared at a few levels, each with a weight log2(m/u); the weights add up to
a score. Name tokens weigh by their rarity in the registry (`TokenStats`): sharing a rare name
says more than sharing "Muhammad". A name *conflict* (each record has a distinctive name
token that the other lacks) weighs strongly against a match, because twins and siblings share
the mother, the address and sometimes the birth date, but not the given name.

Everything is deterministic: the same inputs give the same scores, reasons and order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler, Levenshtein

from simpul.matching.keys import _nik_digits
from simpul.matching.normalise import (
    _COMMON_KEYS,
    _COMMON_TOKENS,
    _DEFAULT_TOKEN_PRIOR,
    _PRIOR_PSEUDO_RECORDS,
    _plain,
    _token_pairs,
    phonetic_key,
)
from simpul.matching.records import MatchResult, PersonRecord, Reason, TokenStats

__all__ = [
    "LIKELY_THRESHOLD",
    "POSSIBLE_THRESHOLD",
    "REFERENCE_SIZE",
    "WEIGHTS",
    "compare",
    "rank_candidates",
    "size_adjustment",
    "thresholds",
]


# --------------------------------------------------------------------------------------
# Scoring: weights are log2(m/u)
# --------------------------------------------------------------------------------------

# Thresholds on the score (sum of log2 weights) for a registry of up to REFERENCE_SIZE
# records. A larger registry holds proportionally more namesakes for every child, so the
# prior odds of a match fall and both thresholds rise by log2(size / REFERENCE_SIZE).
LIKELY_THRESHOLD = 16.0
POSSIBLE_THRESHOLD = 9.0
REFERENCE_SIZE = 100_000
# Prior odds, log2, that a blocked candidate is the same child in a registry of the reference
# size; only used for `probability`.
_PRIOR_LOG2 = -13.0

_M_TOKEN = 0.95  # chance that a true duplicate repeats a name token
_ESTABLISHED_U = 1 / 3000  # tokens at least this frequent are names, not typos
_MIN_TOKEN_WEIGHT = 1.0
_MAX_TOKEN_WEIGHT = 13.0
_MAX_NAME_WEIGHT = 22.0
# A conflict (each name has a distinctive token the other lacks): twins and siblings. The
# shared tokens (often a family name) count for a quarter, the conflict is never positive.
_CONFLICT_BASE = 10.0
_MAX_CONFLICT = 12.0
_CONFLICT_SHARED = 0.25
_CONFLICT_MAX_WEIGHT = -4.0
# A token only one name has (a dropped middle or family name) weighs a little against.
_EXTRA_TOKEN_PENALTY = 1.5
_EXTRA_TOKEN_MAX = 3.0

W_NIK = {
    "exact": 16.0,
    "one_typo": 11.0,
    "serial_differs": 3.0,
    "sex_digit_differs": -2.0,
    "two_typos": 5.0,
    "disagree": -6.0,
    # only one record has a NIK: does the date (and sex) it encodes fit the other record?
    "fits_other_record": 0.5,
    "contradicts_other_record": -3.0,
}
W_BIRTH = {
    "exact": 10.0,
    "day_month_swapped": 6.0,
    "same_month_year": 2.5,
    "year_typo": 3.0,
    "estimated_within_1y": 2.5,
    "estimated_within_2y": 0.0,
    "within_1y": -2.0,
    "disagree": -6.0,
}
W_SEX = {"agree": 1.0, "disagree": -8.0}
W_MOTHER = {"agree": 6.0, "spelling_variant": 5.0, "partial": 2.0, "disagree": -5.0}
W_PLACE = {"same_kelurahan": 3.0, "same_kecamatan": 1.5, "same_kota": 0.5, "different": -1.0}

# The twin guard: the given names compared *given that the mother and the exact date of birth
# agree*. Such a pair is one child or twins (triplets, ...): nothing else shares a mother and a
# birthday. The fields are then not independent, so the level has its own m and u, measured
# among such pairs only:
#   m = P(given names clearly different | one child, same mother and date) ≈ 0.02: a name
#       recorded in another form nobody linked (an unrecorded nickname, a new name);
#   u = P(given names clearly different | twins) ≈ 0.9: parents give each twin a name of
#       their own (the rest share or nearly share one: Rina/Rini count as clearly different).
# "Clearly different": each name keeps a token that nothing in the other name matches, other
# than an initial, a prefix often left out (Muhammad, Nur, Siti, Abdul) or a nickname-shaped
# repeated syllable (Kiki, Yaya: an unrecorded nickname, not a given name), and two such tokens
# are far apart in spelling (not within two edits or Jaro-Winkler 0.85 of each other) or are
# two names one vowel apart: under this condition a final a/i or o/i (Putra/Putri,
# Rizka/Rizki) makes two names, not a typo, as parents name twins. Close spellings
# (Jayadi/Jyady, Dongoran/Dongorahn) are not clearly different: the guard stays out, since
# frequent spelling habits make such variants as common in a registry as real names. Nor is
# a final vowel the registry shows to be a typo (held by one or two records beside one held
# by fifty times more: Salsabili beside Salsabila).
# The level adds log2(m/u) to the score, and the name is weighed as that conflict.
_M_TWINS = 0.02
_U_TWINS = 0.9
W_TWINS = {"possibly_twins": round(math.log2(_M_TWINS / _U_TWINS), 2)}
_CLOSE_JW = 0.85
# A token held by at most this many records beside one held by this many times more is a typo.
_TYPO_COUNT = 2
_TYPO_RATIO = 50
_DROPPABLE = frozenset({"muhammad", "nur", "siti", "abdul"})
_HOUSEHOLD_MOTHER = ("agree", "spelling_variant")

# Every field the engine compares and its outcome codes (with their weights); the name's
# outcomes are composed (see `_compare_token_lists`). The children app has a sentence for each.
WEIGHTS: dict[str, dict[str, float]] = {
    "nik": W_NIK,
    "birth_date": W_BIRTH,
    "sex": W_SEX,
    "mother_name": W_MOTHER,
    "kelurahan": W_PLACE,
    "twins": W_TWINS,
}


def _token_u(token_key: str, stats: TokenStats | None) -> float:
    """Share of registry records holding the token, smoothed with the built-in prior."""
    prior = _COMMON_KEYS.get(token_key, _DEFAULT_TOKEN_PRIOR)
    freq = stats.frequency(token_key) if stats is not None else 0
    total = stats.total if stats is not None else 0
    return (freq + _PRIOR_PSEUDO_RECORDS * prior) / (total + _PRIOR_PSEUDO_RECORDS)


def _weight_of_u(u: float) -> float:
    return max(_MIN_TOKEN_WEIGHT, min(_MAX_TOKEN_WEIGHT, math.log2(_M_TOKEN / u)))


def _is_nickname(short: str, long: str) -> bool:
    """Common Indonesian short forms: a repeated syllable ("Kiki" for Rizki), a head or tail
    of the name ("Yanto" for Suryanto, "Andi" for Andika)."""
    if len(short) >= len(long) or len(short) < 3:
        return False
    if len(short) == 4 and short[:2] == short[2:]:
        half = short[:2]
        found = long.endswith(half) or long[:-1].endswith(half)
    else:
        found = long.startswith(short) or (len(short) >= 4 and long.endswith(short))
    # "Tri" is not a nickname of "Putri": both are names in their own right.
    return found and short not in _COMMON_TOKENS and long not in _COMMON_TOKENS


# Token match kinds, best first: (kind, quality factor applied to the token's rarity weight)
_EXACT, _PHONETIC, _FUZZY, _COMPOUND, _NICK, _INITIAL = range(6)
_KIND_FACTOR = {_EXACT: 1.0, _PHONETIC: 0.9, _FUZZY: 0.7, _COMPOUND: 0.9}
_KIND_FIXED = {_NICK: 2.0, _INITIAL: 0.5}


def _token_match(a: str, b: str, ka: str, kb: str, ra: str, rb: str) -> int | None:
    if a == b:
        return _EXACT
    if ka == kb:
        return _PHONETIC
    la, lb = len(a), len(b)
    if la == 1 or lb == 1:
        return _INITIAL if a[0] == b[0] else None
    if min(la, lb) >= 4 and (
        JaroWinkler.similarity(ka, kb) >= 0.92
        or Levenshtein.distance(a, b, score_cutoff=1) <= 1
        or Levenshtein.distance(ra, rb, score_cutoff=1) <= 1  # "Aditja": tj here is t+y
    ):
        return _FUZZY
    if (la < lb and _is_nickname(a, b)) or (lb < la and _is_nickname(b, a)):
        return _NICK
    return None


@dataclass
class _NameComparison:
    weight: float
    outcome: str
    detail: str
    conflict: bool
    # tokens nothing in the other name matched (canonical), for a conflict
    unmatched: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())


@dataclass(frozen=True)
class _Prepared:
    canon: tuple[str, ...]
    raw: tuple[str, ...]
    keys: tuple[str, ...]


@lru_cache(maxsize=200_000)
def _prepare(name: str) -> _Prepared:
    pairs = _token_pairs(name)
    canon = tuple(c for c, _r in pairs)
    return _Prepared(canon, tuple(r for _c, r in pairs), tuple(phonetic_key(c) for c in canon))


def _weights(p: _Prepared, stats: TokenStats | None) -> tuple[list[float], list[float]]:
    us = [_token_u(k, stats) for k in p.keys]
    ws = [_weight_of_u(u) if len(t) > 1 else 0.5 for t, u in zip(p.canon, us, strict=True)]
    return us, ws


def _different_names(a: str, b: str, ka: str, kb: str, stats: TokenStats | None) -> bool:
    """Under the twin guard: two tokens one letter apart that are two names, not a typo — a
    final a/i or o/i (Putra/Putri, Rizka/Rizki, Rina/Rini), as parents name twins; unless the
    registry says one is a typo of the other (Salsabili, once, beside thousands of Salsabila)."""
    if not (len(a) == len(b) and a[:-1] == b[:-1] and {a[-1], b[-1]} in ({"a", "i"}, {"o", "i"})):
        return False
    if stats is None:
        return True
    fa, fb = stats.frequency(ka), stats.frequency(kb)
    rare, common = min(fa, fb), max(fa, fb)
    return not (rare <= _TYPO_COUNT and common >= _TYPO_RATIO * max(rare, 1))


def _nickname_shaped(token: str) -> bool:
    """A repeated syllable (Kiki, Yaya, Mama, Lili): how a child is called, not a given name."""
    return len(token) == 4 and token[:2] == token[2:]


def _clearly_different(a: str, b: str, stats: TokenStats | None) -> bool:
    """Two given names left unmatched are clearly different: two names one vowel apart (see
    `_different_names`), or far apart in spelling (Rizki/Fajar, Hasan/Husein). Two close
    spellings (Jayadi/Jyady, Dongoran/Dongorahn) are not: a typo or a spelling habit."""
    ka, kb = phonetic_key(a), phonetic_key(b)
    if ka == kb:
        return False
    if _different_names(a, b, ka, kb, stats):
        return True
    close = JaroWinkler.similarity(ka, kb) >= _CLOSE_JW or (
        min(len(a), len(b)) >= 4 and Levenshtein.distance(a, b, score_cutoff=2) <= 2
    )
    return not close


def _compare_token_lists(
    pa: _Prepared, pb: _Prepared, stats: TokenStats | None, *, household: bool = False
) -> _NameComparison:
    a, b, ra, rb, ka, kb = pa.canon, pb.canon, pa.raw, pb.raw, pa.keys, pb.keys
    ua, wa = _weights(pa, stats)
    if a == b:  # fast path: the same tokens in the same order
        return _NameComparison(min(sum(wa), _MAX_NAME_WEIGHT), "exact", _rarity(wa), False)
    ub, wb = _weights(pb, stats)
    options = []
    for i in range(len(a)):
        for j in range(len(b)):
            kind = _token_match(a[i], b[j], ka[i], kb[j], ra[i], rb[j])
            if kind == _FUZZY and (
                min(ua[i], ub[j]) >= _ESTABLISHED_U
                or (household and _different_names(a[i], b[j], ka[i], kb[j], stats))
            ):
                # Two established names one letter apart (Putra/Putri, Rina/Rini) are
                # different names, not a typo: typos make rare tokens. Under the twin
                # guard, so are two names one final vowel apart (see W_TWINS).
                continue
            if kind is not None:
                options.append((kind, -min(wa[i], wb[j]), i, j))
    options.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    # (kind, position in a, position in b, weight of the agreement)
    matched: list[tuple[int, int, int, float]] = []

    def assign(kinds: set[int]) -> None:
        for kind, neg_w, i, j in options:
            if kind not in kinds or i in used_a or j in used_b:
                continue
            used_a.add(i)
            used_b.add(j)
            w = _KIND_FIXED.get(kind, _KIND_FACTOR.get(kind, 1.0) * -neg_w)
            matched.append((kind, i, j, w))

    assign({_EXACT, _PHONETIC, _FUZZY})
    # Compound names written apart: "Nurhaliza" ~ "Nur Haliza" (either side).
    for x, y, kx, wx, used_x, used_y, x_is_a in (
        (a, b, ka, wa, used_a, used_b, True),
        (b, a, kb, wb, used_b, used_a, False),
    ):
        for i in range(len(x)):
            for j in range(len(y) - 1):
                if i in used_x or j in used_y or j + 1 in used_y:
                    continue
                joined = y[j] + y[j + 1]
                if joined == x[i] or phonetic_key(joined) == kx[i]:
                    used_x.add(i)
                    used_y.update((j, j + 1))
                    pos = (i, j) if x_is_a else (j, i)
                    matched.append((_COMPOUND, *pos, _KIND_FACTOR[_COMPOUND] * wx[i]))
    assign({_NICK, _INITIAL})

    un_a = [i for i in range(len(a)) if i not in used_a]
    un_b = [j for j in range(len(b)) if j not in used_b]
    if un_a and un_b:
        strength = min(max(wa[i] for i in un_a), max(wb[j] for j in un_b), _MAX_CONFLICT)
        names = f"{' '.join(a[i] for i in un_a)} ≠ {' '.join(b[j] for j in un_b)}"
        outcome = "conflict" if matched else "disagree"
        agree = min(sum(m[3] for m in matched), _MAX_NAME_WEIGHT)
        weight = min(_CONFLICT_SHARED * agree - (_CONFLICT_BASE + strength), _CONFLICT_MAX_WEIGHT)
        unmatched = (tuple(a[i] for i in un_a), tuple(b[j] for j in un_b))
        return _NameComparison(weight, outcome, names, True, unmatched)
    agree = min(sum(m[3] for m in matched), _MAX_NAME_WEIGHT)
    extra = len(un_a) + len(un_b)
    weight = agree - min(_EXTRA_TOKEN_MAX, _EXTRA_TOKEN_PENALTY * extra)
    kinds = {m[0] for m in matched}
    order_b = [m[2] for m in sorted(matched, key=lambda m: m[1])]
    swapped = order_b != sorted(order_b)
    if kinds & {_NICK, _INITIAL}:
        outcome = "agree_nickname_or_initial"
    elif kinds & {_PHONETIC, _FUZZY, _COMPOUND}:
        outcome = "agree_spelling_variant"
    elif swapped:
        outcome = "agree_swapped_order"
    elif extra:
        outcome = "agree_partial"
    else:
        outcome = "exact"
    if swapped and outcome != "agree_swapped_order":
        outcome += "_swapped"
    if extra and outcome != "agree_partial":
        outcome += "_partial"
    rare = [min(wa[i], wb[j]) for k, i, j, _w in matched if k in _KIND_FACTOR]
    return _NameComparison(weight, outcome, _rarity(rare), False)


def _rarity(weights: Sequence[float]) -> str:
    best = max(weights, default=0.0)
    return "rare name" if best >= 10 else ("common name" if best < 6 else "")


def _compare_names(
    a: PersonRecord, b: PersonRecord, stats: TokenStats | None, *, household: bool = False
) -> tuple[Reason, _NameComparison] | None:
    """The best comparison of any of a's names (full name, aliases) with any of b's."""
    names_a = [n for n in (a.full_name, *a.aliases) if n]
    names_b = [n for n in (b.full_name, *b.aliases) if n]
    best: tuple[float, int, _NameComparison, str, str] | None = None
    for ia, na in enumerate(names_a):
        ta = _prepare(na)
        if not ta.canon:
            continue
        for ib, nb in enumerate(names_b):
            tb = _prepare(nb)
            if not tb.canon:
                continue
            res = _compare_token_lists(ta, tb, stats, household=household)
            rank = ia + ib  # prefer full names on ties
            if best is None or (res.weight, -rank) > (best[0], -best[1]):
                best = (res.weight, rank, res, na if ia else "", nb if ib else "")
    if best is None:
        return None
    _w, _rank, res, alias_a, alias_b = best
    outcome = res.outcome
    if outcome == "exact" and _plain(alias_a or a.full_name) != _plain(alias_b or b.full_name):
        outcome = "agree_spelling_variant"  # same after canonical spelling: "Djoko" ~ "Joko"
    detail = res.detail
    if alias_a or alias_b:
        outcome = "alias_" + outcome
        detail = f"via alias {alias_a or alias_b!r}" + (f"; {detail}" if detail else "")
    return Reason("name", outcome, round(res.weight, 2), detail), res


def _twin_guard(
    a: PersonRecord,
    b: PersonRecord,
    stats: TokenStats | None,
    name: Reason | None,
    mother: Reason | None,
    birth: Reason | None,
) -> tuple[Reason, Reason] | None:
    """(the name compared under the guard, the "possibly twins" level) when the mother and the
    exact date of birth agree and the given names clearly differ; None otherwise."""
    if name is None or mother is None or birth is None:
        return None
    if birth.outcome != "exact" or mother.outcome not in _HOUSEHOLD_MOTHER:
        return None
    found = _compare_names(a, b, stats, household=True)
    if found is None:
        return None
    strict, res = found
    left, right = (
        [t for t in side if t not in _DROPPABLE and len(t) > 1 and not _nickname_shaped(t)]
        for side in res.unmatched
    )
    if not res.conflict or not any(_clearly_different(x, y, stats) for x in left for y in right):
        return None
    if strict.weight > name.weight:  # never above the comparison without the guard
        strict = name
    twins = Reason("twins", "possibly_twins", W_TWINS["possibly_twins"], res.detail)
    return strict, twins


def _nik_fits(nik: str, other: PersonRecord) -> Reason | None:
    """Compare the date of birth and sex a NIK encodes with another record's (exact dates
    only). A mismatch is only evidence, never proof: legacy NIKs with wrong dates exist."""
    if len(nik) != 16 or other.birth_date is None or other.birth_date_estimated:
        return None
    try:
        day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    except ValueError:
        return None
    female = day > 40
    day = day - 40 if female else day
    bd = other.birth_date
    fits = (day, month, yy) == (bd.day, bd.month, bd.year % 100)
    if other.sex in ("M", "F"):
        fits = fits and female == (other.sex == "F")
    outcome = "fits_other_record" if fits else "contradicts_other_record"
    return Reason("nik", outcome, W_NIK[outcome])


def _compare_nik(a: PersonRecord, b: PersonRecord) -> Reason | None:
    na, nb = _nik_digits(a.nik), _nik_digits(b.nik)
    if na and not nb:
        return _nik_fits(na, b)
    if nb and not na:
        return _nik_fits(nb, a)
    if not na or not nb:
        return None
    if na == nb:
        return Reason("nik", "exact", W_NIK["exact"])
    dist = DamerauLevenshtein.distance(na, nb, score_cutoff=3)
    if dist <= 2 and len(na) == len(nb) == 16:
        diff = [i for i in range(16) if na[i] != nb[i]]
        if diff and diff[0] == 6 and abs(int(na[6:8]) - int(nb[6:8])) == 40:
            if all(i == 6 or i >= 12 for i in diff):
                # The day field carries sex (+40 for girls): a twin of the other sex
                # (registered next when the serial differs too).
                return Reason("nik", "sex_digit_differs", W_NIK["sex_digit_differs"])
        elif diff and all(i >= 12 for i in diff):
            # Same region and date, another serial: a typo, or a twin registered next
            # (0009 and 0010 differ in two digits).
            return Reason("nik", "serial_differs", W_NIK["serial_differs"])
    if dist == 1:
        return Reason("nik", "one_typo", W_NIK["one_typo"])
    if dist == 2:
        return Reason("nik", "two_typos", W_NIK["two_typos"])
    return Reason("nik", "disagree", W_NIK["disagree"])


def _compare_birth(a: PersonRecord, b: PersonRecord) -> Reason | None:
    ya, yb = a.year_of_birth, b.year_of_birth
    if ya is None or yb is None:
        return None
    estimated = (
        a.birth_date_estimated
        or b.birth_date_estimated
        or a.birth_date is None
        or b.birth_date is None
    )
    if not estimated:
        da, db = a.birth_date, b.birth_date
        assert da is not None and db is not None
        if da == db:
            return Reason("birth_date", "exact", W_BIRTH["exact"])
        if da.year == db.year and da.day == db.month and da.month == db.day:
            return Reason("birth_date", "day_month_swapped", W_BIRTH["day_month_swapped"])
        if da.year == db.year and da.month == db.month:
            return Reason("birth_date", "same_month_year", W_BIRTH["same_month_year"])
        if (da.month, da.day) == (db.month, db.day) and abs(da.year - db.year) <= 2:
            return Reason("birth_date", "year_typo", W_BIRTH["year_typo"])
        if abs((da - db).days) <= 366:
            return Reason("birth_date", "within_1y", W_BIRTH["within_1y"])
        return Reason("birth_date", "disagree", W_BIRTH["disagree"], f"{da} ≠ {db}")
    gap = abs(ya - yb)
    if gap <= 1:
        return Reason("birth_date", "estimated_within_1y", W_BIRTH["estimated_within_1y"])
    if gap <= 2:
        return Reason("birth_date", "estimated_within_2y", W_BIRTH["estimated_within_2y"])
    return Reason("birth_date", "disagree", W_BIRTH["disagree"], f"{ya} ≠ {yb}")


def _compare_sex(a: str | None, b: str | None) -> Reason | None:
    if not a or not b:
        return None
    if a == b:
        return Reason("sex", "agree", W_SEX["agree"])
    return Reason("sex", "disagree", W_SEX["disagree"])


def _compare_mother(a: str | None, b: str | None, stats: TokenStats | None) -> Reason | None:
    if not a or not b:
        return None
    ta, tb = _prepare(a), _prepare(b)
    if not ta.canon or not tb.canon:
        return None
    if ta.canon == tb.canon:
        return Reason("mother_name", "agree", W_MOTHER["agree"])
    res = _compare_token_lists(ta, tb, None)  # mothers' names: built-in priors only
    if res.conflict or "nickname" in res.outcome:
        return Reason("mother_name", "disagree", W_MOTHER["disagree"], res.detail)
    if res.outcome in ("exact", "agree_swapped_order"):
        return Reason("mother_name", "agree", W_MOTHER["agree"])
    if "partial" in res.outcome:
        return Reason("mother_name", "partial", W_MOTHER["partial"])
    return Reason("mother_name", "spelling_variant", W_MOTHER["spelling_variant"])


def _compare_place(a: str | None, b: str | None) -> Reason | None:
    if not a or not b:
        return None
    pa, pb = a.split("."), b.split(".")
    if pa == pb:
        return Reason("kelurahan", "same_kelurahan", W_PLACE["same_kelurahan"])
    if pa[:3] == pb[:3]:
        return Reason("kelurahan", "same_kecamatan", W_PLACE["same_kecamatan"])
    if pa[:2] == pb[:2]:
        return Reason("kelurahan", "same_kota", W_PLACE["same_kota"])
    return Reason("kelurahan", "different", W_PLACE["different"])


def size_adjustment(stats: TokenStats | None) -> float:
    """How much the thresholds rise for a registry larger than REFERENCE_SIZE."""
    total = stats.total if stats is not None else 0
    return math.log2(total / REFERENCE_SIZE) if total > REFERENCE_SIZE else 0.0


def thresholds(stats: TokenStats | None) -> tuple[float, float]:
    """(likely, possible) score thresholds for a registry with these statistics."""
    adj = size_adjustment(stats)
    return LIKELY_THRESHOLD + adj, POSSIBLE_THRESHOLD + adj


def _level(score: float, stats: TokenStats | None) -> str:
    likely, possible = thresholds(stats)
    if score >= likely:
        return "likely"
    if score >= possible:
        return "possible"
    return "unlikely"


def compare(a: PersonRecord, b: PersonRecord, stats: TokenStats | None) -> MatchResult:
    """Score how likely `a` and `b` are records of the same child, with the reasons."""
    found = _compare_names(a, b, stats)
    name = found[0] if found is not None else None
    birth = _compare_birth(a, b)
    mother = _compare_mother(a.mother_name, b.mother_name, stats)
    twins = None
    guard = _twin_guard(a, b, stats, name, mother, birth)
    if guard is not None:
        name, twins = guard
    reasons = [
        r
        for r in (
            name,
            _compare_nik(a, b),
            birth,
            _compare_sex(a.sex, b.sex),
            mother,
            _compare_place(a.kelurahan_code, b.kelurahan_code),
            twins,
        )
        if r is not None
    ]
    score = round(sum(r.weight for r in reasons), 2)
    prior = _PRIOR_LOG2 - size_adjustment(stats)
    probability = 1.0 / (1.0 + 2.0 ** -(score + prior))
    reasons.sort(key=lambda r: (-abs(r.weight), r.field))
    return MatchResult(
        score=score, probability=probability, level=_level(score, stats), reasons=reasons
    )


def rank_candidates(
    query: PersonRecord,
    candidates: Iterable[PersonRecord],
    stats: TokenStats | None,
    limit: int = 10,
    *,
    include_unlikely: bool = False,
) -> list[tuple[PersonRecord, MatchResult]]:
    """Candidates scored against `query`, best first (ties by id), likely and possible only
    unless `include_unlikely`. The query itself (same id) is skipped."""
    scored = []
    seen: set[str] = set()
    for cand in candidates:
        if cand.id == query.id or cand.id in seen:
            continue
        seen.add(cand.id)
        result = compare(query, cand, stats)
        if include_unlikely or result.level != "unlikely":
            scored.append((cand, result))
    scored.sort(key=lambda cr: (-cr[1].score, cr[0].id))
    return scored[:limit]
