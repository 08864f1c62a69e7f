"""Probable-duplicate detection for children's records: a plain Python package, no Django.

The children app feeds it records (`PersonRecord`) built from its models and stores what it
returns; the benchmark (``benchmarks/dedupe``) feeds it the rows of a CSV file. Nothing here
knows about users, permissions, the database or translations: reason codes are turned into
sentences by the children app (``children.selectors.reason_sentence``). It is not a Django app
(not in INSTALLED_APPS) and must never import Django (``tests/test_package.py`` checks both).
See docs/decisions/0005-matching-engine-package.md.

- `normalise`: Indonesian names as canonical tokens and a phonetic key per token.
- `keys`: blocking — six short stored values per record, and what a check looks up.
- `stats`: the token frequencies a registry keeps (`InMemoryTokenStats`, `frequency_tokens`).
- `scoring`: the Fellegi–Sunter comparison of two records (`compare`, `rank_candidates`).
- `scanning`: the registry-wide scan, each candidate pair once (`DuplicateScanner`).
- `records`: the dataclasses passed in and out (`PersonRecord`, `MatchResult`, `Reason`).

Everything is deterministic: the same inputs give the same scores, reasons and order.
"""

from __future__ import annotations

from simpul.matching.keys import (
    BLOCKING_COLUMNS,
    DEFAULT_MAX_BLOCK,
    blocking_keys,
    candidate_key_values,
)
from simpul.matching.normalise import name_tokens, normalize_name, phonetic_key
from simpul.matching.records import MatchResult, PersonRecord, Reason, TokenStats
from simpul.matching.scanning import DuplicateScanner, ScanCounters, ScanHit
from simpul.matching.scoring import (
    LIKELY_THRESHOLD,
    POSSIBLE_THRESHOLD,
    REFERENCE_SIZE,
    compare,
    rank_candidates,
    size_adjustment,
    thresholds,
)
from simpul.matching.stats import InMemoryTokenStats, frequency_tokens

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
