"""Serialising writers that a row lock cannot: two registrations of the same child create two
new rows, so there is no row to lock. They take transaction-scoped advisory locks on the values
they would both look up (PostgreSQL ``pg_advisory_xact_lock``), so the second waits for the first
to commit and then sees its record.

On SQLite every write transaction already runs alone (``"transaction_mode": "IMMEDIATE"`` in
the settings), so there is nothing to take.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.db import connection

# A bound on one call (a record has a few dozen lookup values; this is far above).
MAX_KEYS = 2000


def lock_key(namespace: str, value: str) -> int:
    """A stable signed 64-bit key for ``namespace:value`` (the type pg_advisory_xact_lock takes);
    the namespace keeps the keys of different uses apart."""
    digest = hashlib.blake2b(f"{namespace}:{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def advisory_xact_lock(namespace: str, values: Iterable[str]) -> int:
    """Take one transaction-scoped lock per value, in a fixed order (no deadlock between two
    callers), held until the transaction ends. Call it inside ``transaction.atomic``.
    Returns how many locks were taken (0 where the database needs none)."""
    if connection.vendor != "postgresql":
        return 0
    if not connection.in_atomic_block:
        raise RuntimeError("advisory_xact_lock must run inside a transaction")
    keys = sorted({lock_key(namespace, v) for v in values if v})[:MAX_KEYS]
    if not keys:
        return 0
    with connection.cursor() as cursor:
        # unnest keeps the array's order, so the locks are taken in sorted order.
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(k)) FROM unnest(%s::bigint[]) AS k", [keys]
        )
    return len(keys)
