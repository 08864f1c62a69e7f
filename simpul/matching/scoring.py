"""Probable-duplicate detection for children's records. Pure Python: no Django here.

The engine has three parts:

1. **Normalisation** of Indonesian names (`normalize_name`, `name_tokens`, `phonetic_key`):
   titles and punctuation go, old spelling becomes new (dj→j, tj→c, oe→u, ch→kh, sj→sy,
   nj→ny), doubled letters collapse, Muhammad/Muhamad/Muh./M./Mochammad become one token,
   Nurul becomes Nur, "bin"/"binti" and the father's name after it are dropped. A second,
   coarser *phonetic key* per token merges sounds that Indonesians write several ways
   (y/j/i, z/s, q/k, f/v/p, kh/h, sy/s, a final h, ...).

2. **Blocking** (`blocking_keys`, `candidate_key_values`): at most six short strings per
   record, each stored in its own indexed column. A check fetches the records that share at
   least one value in a column family, so it is a handful of index look-ups on SQLite and
   PostgreSQL alike. Very common name tokens are left out of the keys (or combined with
   the year of birth) so they do not form giant blocks.

3. **Scoring** (`compare`, `rank_candidates`): a Fellegi–Sunter model. Every field is compared
   at a few levels, each with a weight log2(m/u); the weights add up to a score. Name tokens
   weigh by their rarity in the registry (`TokenStats`): sharing a rare name says more than
   sharing "Muhammad". A name *conflict* (each record has a distinctive name token that the
   other lacks) weighs strongly against a match, because twins and siblings share the
   mother, the address and sometimes the birth date, but not the given name.

Everything is deterministic: the same inputs give the same scores, reasons and order.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from typing import Protocol

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler, Levenshtein

__all__ = [
    "BLOCKING_COLUMNS",
    "DEFAULT_MAX_BLOCK",
    "LIKELY_THRESHOLD",
    "POSSIBLE_THRESHOLD",
    "REFERENCE_SIZE",
    "InMemoryTokenStats",
    "MatchResult",
    "PersonRecord",
    "Reason",
    "TokenStats",
    "blocking_keys",
    "candidate_key_values",
    "compare",
    "frequency_tokens",
    "name_tokens",
    "normalize_name",
    "phonetic_key",
    "rank_candidates",
    "size_adjustment",
    "thresholds",
]

# --------------------------------------------------------------------------------------
# Records and results
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonRecord:
    id: str
    full_name: str
    aliases: tuple[str, ...] = ()  # nicknames / other spellings recorded
    sex: str | None = None  # "M", "F" or None
    birth_date: datetime.date | None = None
    birth_date_estimated: bool = False  # True when only an estimated age is known
    birth_year: int | None = None  # for estimated ages (derived from birth_date otherwise)
    nik: str | None = None
    mother_name: str | None = None
    kelurahan_code: str | None = None  # "31.75.01.1001"
    origin_code: str | None = None

    @property
    def year_of_birth(self) -> int | None:
        if self.birth_date is not None:
            return self.birth_date.year
        return self.birth_year


@dataclass(frozen=True)
class Reason:
    field: str  # "name", "birth_date", "nik", "sex", "mother_name", "kelurahan"
    outcome: str  # a stable code, e.g. "agree_rare_tokens", "exact", "one_typo", "disagree"
    weight: float  # log2(m/u) contribution to the score
    detail: str = ""  # short human-readable explanation (not translated: for logs/tooltips)


@dataclass(frozen=True)
class MatchResult:
    score: float
    probability: float
    level: str  # "likely" | "possible" | "unlikely"
    reasons: list[Reason] = field(default_factory=list)

    def reason(self, field_name: str) -> Reason | None:
        for r in self.reasons:
            if r.field == field_name:
                return r
        return None


class TokenStats(Protocol):
    """How many records of the registry contain a (phonetic) name token."""

    total: int

    def frequency(self, token: str) -> int: ...


class InMemoryTokenStats:
    """`TokenStats` held in a dict; build it with `from_records` or `add`."""

    def __init__(self, counts: dict[str, int] | None = None, total: int = 0) -> None:
        self.counts: Counter[str] = Counter(counts or {})
        self.total = total

    @classmethod
    def from_records(cls, records: Iterable[PersonRecord]) -> InMemoryTokenStats:
        stats = cls()
        for rec in records:
            stats.add(rec)
        return stats

    def add(self, rec: PersonRecord) -> None:
        """Count one record (a registry keeps this table up to date on save)."""
        self.total += 1
        self.counts.update(frequency_tokens(rec))

    def frequency(self, token: str) -> int:
        return self.counts.get(token, 0)


# --------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------

# Whole tokens dropped from names: honorifics, kinship words, "baby of Mrs" (By. Ny.).
_TITLE_TOKENS = frozenset(
    {
        "h",
        "hj",
        "haji",
        "hajah",
        "hajjah",
        "dr",
        "drs",
        "dra",
        "ir",
        "prof",
        "alm",
        "almh",
        "almarhum",
        "almarhumah",
        "sdr",
        "sdri",
        "tn",
        "ny",
        "nn",
        "nona",
        "nyonya",
        "bpk",
        "bapak",
        "ibu",
        "bu",
        "pak",
        "by",
        "bayi",
        "an",
        "anak",
        "dik",
        "adik",
        "kak",
        "tgk",
        "teuku",
        "tengku",
        "cut",
        "raden",
        "rr",
        "dt",
        "datuk",
    }
)
# Everything from these tokens on is a patronym ("Ahmad bin Yusuf"): not compared.
_PATRONYM_TOKENS = frozenset({"bin", "binti", "bt", "bte", "binte"})

# Spelled variants (after the spelling rules below) mapped to one canonical token.
_CANONICAL = {
    **dict.fromkeys(
        [
            "m",
            "md",
            "mhd",
            "muh",
            "moh",
            "mohd",
            "muhd",
            "mhmd",
            "muhamad",
            "muhammad",
            "mohamad",
            "mohammad",
            "mohamed",
            "muhamed",
            "mokhamad",
            "mukhamad",
            "mokh",
            "muhamat",
            "mohamat",
            "mukhammad",
            "mochammad",
            "mochamad",
            "mukammad",
            "mamad",
        ],
        "muhammad",
    ),
    **dict.fromkeys(["akhmad", "ahmat", "akhmat", "ahmed", "achmad", "amad"], "ahmad"),
    **dict.fromkeys(["nurul", "nor", "nurl"], "nur"),
    **dict.fromkeys(["st", "sitti"], "siti"),
    **dict.fromkeys(["abd", "abdl"], "abdul"),
}

# Built-in prior share of records holding a token (by phonetic key), for when the registry is
# still small. Rare tokens get the default. Measured data overrides this as the registry grows.
_DEFAULT_TOKEN_PRIOR = 1 / 5000
_PRIOR_PSEUDO_RECORDS = 2000
_COMMON_TOKENS = {
    "muhammad": 0.08,
    "nur": 0.05,
    "siti": 0.05,
    "putri": 0.04,
    "ahmad": 0.03,
    "putra": 0.03,
    "sri": 0.03,
    "dewi": 0.02,
    "ayu": 0.02,
    "dwi": 0.02,
    "tri": 0.015,
    "eka": 0.015,
    "abdul": 0.02,
    "rizki": 0.02,
    "sari": 0.02,
    "saputra": 0.015,
    "pratama": 0.012,
    "agus": 0.01,
    "adi": 0.01,
    "budi": 0.01,
    "indah": 0.01,
    "fitri": 0.01,
    "lestari": 0.01,
    "wati": 0.01,
    "aditya": 0.01,
    "nurhayati": 0.008,
    "rahmawati": 0.008,
    "hidayat": 0.008,
    "kurniawan": 0.008,
    "setiawan": 0.008,
    "wahyu": 0.008,
    "dian": 0.008,
    "rina": 0.006,
    "andi": 0.008,
    "fajar": 0.008,
    "ramadhan": 0.008,
    "anisa": 0.008,
    "aisyah": 0.008,
}
# Tokens too common to block on alone (canonical forms).
_STOP_CANONICAL = (
    "muhammad",
    "nur",
    "siti",
    "putri",
    "ahmad",
    "putra",
    "sri",
    "dewi",
    "ayu",
    "dwi",
    "tri",
    "eka",
    "abdul",
)

_PUNCT_RE = re.compile(r"[^a-z\s]")
_APOSTROPHE_RE = re.compile(r"[`'’‘ʼ]")
_DOUBLE_RE = re.compile(r"(.)\1+")
_DIGITS_RE = re.compile(r"\D")

_MAX_KEY_TOKEN = 18  # so that keys fit 40-character columns


def _ascii_lower(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.lower()


def _spell(token: str) -> str:
    """Modern spelling of one lowercase token (EYD): the old Dutch-era letters become new."""
    t = token
    t = t.replace("dj", "j").replace("tj", "c").replace("sj", "sy").replace("nj", "ny")
    t = t.replace("ch", "kh").replace("oe", "u")
    t = _DOUBLE_RE.sub(r"\1", t)
    return t


@lru_cache(maxsize=200_000)
def _canonical_token(raw: str) -> str:
    t = _spell(raw)
    return _CANONICAL.get(t, _CANONICAL.get(raw, t))


@lru_cache(maxsize=200_000)
def phonetic_key(token: str) -> str:
    """Coarse sound key of a canonical token, tuned to Indonesian spelling variants."""
    t = token
    for old, new in (
        ("kh", "h"),
        ("sy", "s"),
        ("sh", "s"),
        ("ts", "s"),
        ("dz", "z"),
        ("z", "s"),
        ("ck", "k"),
        ("q", "k"),
        ("x", "ks"),
        ("ph", "f"),
        ("v", "f"),
        ("f", "p"),
        ("th", "t"),
        ("dh", "d"),
        ("gh", "g"),
        ("j", "i"),
        ("y", "i"),
        ("ae", "ai"),
        ("ei", "ai"),
        ("au", "o"),
        ("ao", "o"),
        ("ou", "u"),
        ("uw", "u"),
    ):
        t = t.replace(old, new)
    t = _DOUBLE_RE.sub(r"\1", t)
    if len(t) > 3 and t.endswith("h"):
        t = t[:-1]
    return t or token


@lru_cache(maxsize=200_000)
def _tokens(name: str) -> tuple[str, ...]:
    return tuple(canon for canon, _raw in _token_pairs(name))


@lru_cache(maxsize=200_000)
def _token_pairs(name: str) -> tuple[tuple[str, str], ...]:
    """(canonical, as written) for every token kept."""
    text = _ascii_lower(name)
    text = text.split(",", 1)[0]  # academic titles follow a comma: "Dewi, S.Pd."
    text = _APOSTROPHE_RE.sub("", text)
    text = _PUNCT_RE.sub(" ", text)
    out: list[tuple[str, str]] = []
    for raw in text.split():
        if raw in _PATRONYM_TOKENS and out:
            break
        if raw in _TITLE_TOKENS or raw in _PATRONYM_TOKENS:
            continue
        out.append((_canonical_token(raw), raw))
    return tuple(out)


def _plain(name: str) -> str:
    text = _PUNCT_RE.sub(" ", _APOSTROPHE_RE.sub("", _ascii_lower(name).split(",", 1)[0]))
    return " ".join(t for t in text.split() if t not in _TITLE_TOKENS)


def name_tokens(name: str | None) -> list[str]:
    """Canonical tokens of a name, in order (see the module docstring for the rules)."""
    if not name:
        return []
    return list(_tokens(name))


def normalize_name(name: str | None) -> str:
    """Lowercase, title- and punctuation-free name in canonical spelling, tokens space-joined."""
    return " ".join(name_tokens(name))


_STOP_KEYS = frozenset(phonetic_key(t) for t in _STOP_CANONICAL)
_COMMON_KEYS = {phonetic_key(k): v for k, v in _COMMON_TOKENS.items()}


MOTHER_PREFIX = "m:"


def frequency_tokens(rec: PersonRecord) -> set[str]:
    """The tokens counted in the token-frequency table for this record (distinct keys): the
    child's name tokens, and the mother's name tokens prefixed with "m:" (used to keep
    mother-name blocks small)."""
    out = {phonetic_key(t) for t in name_tokens(rec.full_name) if len(t) > 1}
    out.update(MOTHER_PREFIX + k for k in _block_tokens(rec.mother_name))
    return out


# --------------------------------------------------------------------------------------
# Blocking
# --------------------------------------------------------------------------------------

BLOCKING_COLUMNS = ("bk_name_a", "bk_name_b", "bk_name_c", "bk_nik_a", "bk_nik_b", "bk_mother_yob")
# Name keys "token|year" are searched in both name columns (swapped order still blocks).
NAME_YEAR_COLUMNS = ("bk_name_a", "bk_name_b")
_YEAR_WINDOW = 1  # estimated ages: search the year before and after too
_UNKNOWN_YEAR = "?"
_SEARCH_YEARS_BACK = 30  # a query without any year searches this many years (children)
_CHILD_YEARS = 18  # records spread over about this many birth years
_APPROX_SHARE = 0.25  # estimated years are a minority of records
DEFAULT_MAX_BLOCK = 300  # expected records per looked-up value before it is left out


def _block_tokens(name: str | None) -> list[str]:
    """Distinct phonetic keys usable for blocking, in name order: no initials; stop tokens
    only when the name has nothing else."""
    keys: list[str] = []
    for t in name_tokens(name):
        if len(t) < 2:
            continue
        k = phonetic_key(t)[:_MAX_KEY_TOKEN]
        if k not in keys:
            keys.append(k)
    distinctive = [k for k in keys if k not in _STOP_KEYS]
    return distinctive or keys


def _nik_digits(nik: str | None) -> str | None:
    if not nik:
        return None
    digits = _DIGITS_RE.sub("", nik)
    return digits if len(digits) >= 12 else None


def _year_part(rec: PersonRecord) -> str:
    """ "2015" for a known date of birth, "~2015" for an estimated year, "?" for none."""
    year = rec.year_of_birth
    if not year:
        return _UNKNOWN_YEAR
    exact = rec.birth_date is not None and not rec.birth_date_estimated
    return str(year) if exact else f"~{year}"


def blocking_keys(rec: PersonRecord) -> dict[str, str | None]:
    """The six stored blocking values of a record (None when not applicable).

    The year part is "2015" for a known date of birth, "~2015" for an estimated year and
    "?" when there is none.

    - bk_name_a: first distinctive name token + "|" + year
    - bk_name_b: last distinctive name token + "|" + year (names of 2+ distinctive tokens)
    - bk_name_c: first and last distinctive tokens, sorted, space-joined (no year)
    - bk_nik_a / bk_nik_b: first 8 / last 8 digits of the NIK (one typo leaves one intact)
    - bk_mother_yob: first distinctive token of the mother's name + "|" + year
    """
    year = _year_part(rec)
    keys = _block_tokens(rec.full_name)
    nik = _nik_digits(rec.nik)
    mother = _block_tokens(rec.mother_name)
    return {
        "bk_name_a": f"{keys[0]}|{year}" if keys else None,
        "bk_name_b": f"{keys[-1]}|{year}" if len(keys) > 1 else None,
        "bk_name_c": " ".join(sorted((keys[0], keys[-1]))) if len(keys) > 1 else None,
        "bk_nik_a": nik[:8] if nik else None,
        "bk_nik_b": nik[8:16] if nik else None,
        "bk_mother_yob": f"{mother[0]}|{year}" if mother else None,
    }


def _search_years(rec: PersonRecord, today: datetime.date | None = None) -> tuple[list[str], float]:
    """Year parts to look up, and their weight in 'years of records' (to estimate block
    sizes: estimated years are a minority of the records)."""
    y = rec.year_of_birth
    if y:
        around = [y + d for d in range(-_YEAR_WINDOW, _YEAR_WINDOW + 1)]
        approx = [f"~{v}" for v in around]
        exact_date = rec.birth_date is not None and not rec.birth_date_estimated
        # A known date searches its own year exactly and the estimated years around it; an
        # estimated year searches the years around it, known or estimated.
        exact = [str(y)] if exact_date else [str(v) for v in around]
    else:
        this_year = (today or datetime.date.today()).year
        around = [this_year - d for d in range(_SEARCH_YEARS_BACK + 1)]
        exact = [str(v) for v in around]
        approx = [f"~{v}" for v in around]
    return [*exact, *approx, _UNKNOWN_YEAR], len(exact) + _APPROX_SHARE * len(approx)


def candidate_key_values(
    rec: PersonRecord,
    today: datetime.date | None = None,
    stats: TokenStats | None = None,
    max_block: int | None = None,
) -> dict[str, set[str]]:
    """What to look up, per column, to find the records that may be the same child as `rec`.

    A candidate is a record whose column equals one of the values listed for that column.
    Name keys of the full name and of every alias are searched in both name columns and for
    the neighbouring years; NIK halves include the variant with the two middle digits swapped.

    With `stats` (the registry's token frequencies), name and mother values whose expected
    block is larger than `max_block` records are left out, keeping at least the cheapest name
    value; this bounds the cost of a check for very common names at the price of missing
    pairs that share nothing but a common name (and no NIK, mother or name pair).
    """
    years, year_weight = _search_years(rec, today)
    tokens: list[str] = []
    pairs: list[str] = []
    for name in (rec.full_name, *rec.aliases):
        keys = _block_tokens(name)
        tokens.extend(k for k in keys if k not in tokens)
        for p in combinations(keys, 2):
            pair = " ".join(sorted(p))
            if pair not in pairs:
                pairs.append(pair)
    mothers = _block_tokens(rec.mother_name)

    limit = max_block if max_block is not None else DEFAULT_MAX_BLOCK
    if stats is not None and stats.total:

        def per_year(token: str) -> float:
            return stats.frequency(token) * year_weight / _CHILD_YEARS

        def pair_size(pair: str) -> float:
            x, _, y = pair.partition(" ")
            return stats.frequency(x) * stats.frequency(y) / stats.total

        def established(option: tuple[float, int, str]) -> bool:
            return all(stats.frequency(t) >= 2 for t in option[2].split(" "))

        options = [(per_year(t), 0, t) for t in tokens] + [(pair_size(p), 1, p) for p in pairs]
        kept = [o for o in options if o[0] <= limit]
        if not kept and options:
            kept = [min(options)]
        # A typo makes a token rare, so its small block is kept while it matches nothing:
        # also keep the cheapest value made of tokens the registry already knows.
        known = [o for o in options if established(o)]
        if known and not any(established(o) for o in kept):
            kept.append(min(known))
        tokens = [t for _s, kind, t in kept if kind == 0]
        pairs = [p for _s, kind, p in kept if kind == 1]
        mothers = [m for m in mothers if per_year(MOTHER_PREFIX + m) <= limit]

    name_year = {f"{k}|{y}" for k in tokens for y in years}
    out: dict[str, set[str]] = {col: set() for col in BLOCKING_COLUMNS}
    out["bk_name_a"] = set(name_year)
    out["bk_name_b"] = set(name_year)
    out["bk_name_c"] = set(pairs)
    nik = _nik_digits(rec.nik)
    if nik:
        out["bk_nik_a"] = {nik[:8], nik[:7] + nik[8]}
        out["bk_nik_b"] = {nik[8:16], nik[7] + nik[9:16]}
    out["bk_mother_yob"] = {f"{k}|{y}" for k in mothers for y in years}
    return out


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


def _compare_token_lists(pa: _Prepared, pb: _Prepared, stats: TokenStats | None) -> _NameComparison:
    a, b, ra, rb, ka, kb = pa.canon, pb.canon, pa.raw, pb.raw, pa.keys, pb.keys
    ua, wa = _weights(pa, stats)
    if a == b:  # fast path: the same tokens in the same order
        return _NameComparison(min(sum(wa), _MAX_NAME_WEIGHT), "exact", _rarity(wa), False)
    ub, wb = _weights(pb, stats)
    options = []
    for i in range(len(a)):
        for j in range(len(b)):
            kind = _token_match(a[i], b[j], ka[i], kb[j], ra[i], rb[j])
            if kind == _FUZZY and min(ua[i], ub[j]) >= _ESTABLISHED_U:
                # Two established names one letter apart (Putra/Putri, Rina/Rini) are
                # different names, not a typo: typos make rare tokens.
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
        return _NameComparison(weight, outcome, names, True)
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


def _compare_names(a: PersonRecord, b: PersonRecord, stats: TokenStats | None) -> Reason | None:
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
            res = _compare_token_lists(ta, tb, stats)
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
    return Reason("name", outcome, round(res.weight, 2), detail)


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
    if dist == 1 and len(na) == len(nb) == 16:
        diff = [i for i in range(16) if na[i] != nb[i]]
        if diff == [6] and abs(int(na[6:8]) - int(nb[6:8])) == 40:
            # The day field carries sex (+40 for girls): a twin of the other sex.
            return Reason("nik", "sex_digit_differs", W_NIK["sex_digit_differs"])
        if all(i >= 12 for i in diff):
            # Same region and date, another serial: a typo, or a twin registered next.
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
    reasons = [
        r
        for r in (
            _compare_names(a, b, stats),
            _compare_nik(a, b),
            _compare_birth(a, b),
            _compare_sex(a.sex, b.sex),
            _compare_mother(a.mother_name, b.mother_name, stats),
            _compare_place(a.kelurahan_code, b.kelurahan_code),
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
