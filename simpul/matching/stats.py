"""Token statistics held in memory (the benchmark, the scan, tests) and the tokens a record
contributes to them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from simpul.matching.normalise import _block_tokens, name_tokens, phonetic_key
from simpul.matching.records import PersonRecord

__all__ = ["MOTHER_PREFIX", "InMemoryTokenStats", "frequency_tokens"]


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


MOTHER_PREFIX = "m:"


def frequency_tokens(rec: PersonRecord) -> set[str]:
    """The tokens counted in the token-frequency table for this record (distinct keys): the
    child's name tokens, and the mother's name tokens prefixed with "m:" (used to keep
    mother-name blocks small)."""
    out = {phonetic_key(t) for t in name_tokens(rec.full_name) if len(t) > 1}
    out.update(MOTHER_PREFIX + k for k in _block_tokens(rec.mother_name))
    return out
