"""Blocking: the six stored key values of a record, and what a check looks up.

At most six short strings per record, each stored in its own indexed column. A check fetches
the records that share at least one value in a column family, so it is a handful of index
look-ups on SQLite and PostgreSQL alike. Very common name tokens are left out of the keys
(or combined with the year of birth) so they do not form giant blocks.
"""

from __future__ import annotations

import datetime
import re
from itertools import combinations

from simpul.matching.normalise import _block_tokens
from simpul.matching.records import PersonRecord, TokenStats
from simpul.matching.stats import MOTHER_PREFIX

__all__ = [
    "BLOCKING_COLUMNS",
    "DEFAULT_MAX_BLOCK",
    "NAME_YEAR_COLUMNS",
    "blocking_keys",
    "candidate_key_values",
]


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


_DIGITS_RE = re.compile(r"\D")


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
