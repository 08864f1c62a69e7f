"""Test helpers for home cards (simpul.core.home): build one card as a fresh user, and check that
its number of queries does not grow with the data (no query per item)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from simpul.core.home import CardData, home_cards, registry


def fresh(user: Any) -> Any:
    """The same user loaded again: nothing cached from an earlier build (roles, memberships)."""
    return type(user).objects.get(pk=user.pk)


def build(key: str, user: Any, **kwargs: Any) -> CardData:
    card = registry.get(key)
    user = fresh(user)
    assert card.applies_to(user), f"{key} does not apply to {user}"
    return card.build(user, now=kwargs.get("now") or timezone.now())


def build_counting(key: str, user: Any) -> tuple[CardData, int]:
    card = registry.get(key)
    user = fresh(user)
    assert card.applies_to(user), f"{key} does not apply to {user}"
    now = timezone.now()
    with CaptureQueriesContext(connection) as ctx:
        data = card.build(user, now=now)
    return data, len(ctx)


def assert_constant_queries(key: str, user: Any, add_items: Callable[[int], Any]) -> None:
    """Build ``key`` with the data as it is, call ``add_items(n)`` to add many more items the
    card must show, build again: the count must have grown and the queries must not."""
    before, queries_before = build_counting(key, user)
    assert before.count >= 1 and before.items, f"{key}: start from at least one item"
    add_items(8)
    after, queries_after = build_counting(key, user)
    assert after.count >= before.count + 8, (
        f"{key}: the added items are not on the card ({before.count} → {after.count})"
    )
    assert len(after.items) == registry.get(key).limit, f"{key}: the card is not full"
    assert queries_after <= queries_before, (
        f"{key}: {queries_before} queries with {before.count} items, {queries_after} with "
        f"{after.count}"
    )


def card_keys(user: Any) -> set[str]:
    return {b.key for b in home_cards(fresh(user))}
