"""The records the engine compares and what it answers: plain frozen dataclasses, and the
token statistics it reads (a protocol the children app implements over its NameToken table)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["MatchResult", "PersonRecord", "Reason", "TokenStats"]


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
