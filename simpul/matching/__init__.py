"""Probable-duplicate detection for children's records: a plain Python package.

No Django here, and it must stay so (``tests/test_package.py`` checks it): the children app
feeds it records (`PersonRecord`) built from its models and stores what it returns; the
benchmark (``benchmarks/dedupe``) feeds it the rows of a CSV file. Nothing in it knows about
users, permissions, the database or translations; reason codes are turned into sentences by
the children app (``children.selectors.reason_sentence``). It is not a Django app and is not in
INSTALLED_APPS. See docs/decisions/0005-matching-engine-package.md.
"""

from __future__ import annotations

from simpul.matching.scanning import DuplicateScanner, ScanCounters, ScanHit
from simpul.matching.scoring import (
    BLOCKING_COLUMNS,
    DEFAULT_MAX_BLOCK,
    LIKELY_THRESHOLD,
    POSSIBLE_THRESHOLD,
    REFERENCE_SIZE,
    InMemoryTokenStats,
    MatchResult,
    PersonRecord,
    Reason,
    TokenStats,
    blocking_keys,
    candidate_key_values,
    compare,
    frequency_tokens,
    name_tokens,
    normalize_name,
    phonetic_key,
    rank_candidates,
    size_adjustment,
    thresholds,
)

__all__ = [
    "BLOCKING_COLUMNS",
    "DEFAULT_MAX_BLOCK",
    "LIKELY_THRESHOLD",
    "POSSIBLE_THRESHOLD",
    "REFERENCE_SIZE",
    "DuplicateScanner",
    "InMemoryTokenStats",
    "MatchResult",
    "PersonRecord",
    "Reason",
    "ScanCounters",
    "ScanHit",
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
