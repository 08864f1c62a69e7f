"""The home page ("Hari ini"): what waits for the signed-in person and their organisation.

Core owns the registry and the page, and knows no other app. Every app registers its own cards
in its own ``<app>/home.py`` (found by :func:`autodiscover`, called from ``CoreConfig.ready()``),
reading only through its own scoped selectors. A later app (referrals, forums, monitoring) adds
a card by adding its ``home.py``; nothing else changes. See ``docs/home.md``.

A card answers two questions: :meth:`HomeCard.applies_to` (does this person have this kind of
work at all — a role check, no query about the data) and :meth:`HomeCard.build` (the count,
at most :attr:`HomeCard.limit` items, each with a due date, urgency and link, and a "see all"
link). ``build`` runs a fixed number of queries whatever the amount of data (the apps' tests
assert it), and shows a child's name only as the lists do (masked for restricted records).

Cards and items are sorted most urgent first: overdue > due today > due this week > waiting >
due later > nothing waiting (links only).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, ClassVar

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

WEEK_DAYS = 7  # "due this week": within the next seven days, today included


class Urgency(IntEnum):
    """How soon something needs doing; lower is more urgent (sorts first)."""

    OVERDUE = 0
    TODAY = 1
    WEEK = 2
    WAITING = 3  # waits for this person, no date (an approval, a decision)
    LATER = 4  # has a date beyond this week
    NONE = 5  # nothing waits: a card of links or an empty card

    @property
    def css(self) -> str:
        return self.name.lower()

    @property
    def label(self) -> str:
        return str(URGENCY_LABELS[self])


URGENCY_LABELS = {
    Urgency.OVERDUE: _("Overdue"),
    Urgency.TODAY: _("Due today"),
    Urgency.WEEK: _("Due this week"),
    Urgency.WAITING: _("Waiting"),
    Urgency.LATER: _("Due later"),
    Urgency.NONE: "",
}


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def urgency_of(
    due: dt.date | dt.datetime | None, *, now: dt.datetime | None = None, waiting: bool = False
) -> Urgency:
    """The urgency of something due at ``due``. A date is overdue from the next day; a time is
    overdue once passed. ``waiting``: the item waits for this person anyway (an approval), so it
    is never less urgent than ``WAITING``."""
    if due is None:
        return Urgency.WAITING
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    overdue = due < now if isinstance(due, dt.datetime) else due < today
    day = _as_date(due)
    if overdue:
        found = Urgency.OVERDUE
    elif day == today:
        found = Urgency.TODAY
    elif day <= today + dt.timedelta(days=WEEK_DAYS):
        found = Urgency.WEEK
    else:
        found = Urgency.LATER
    return min(found, Urgency.WAITING) if waiting else found


@dataclass(frozen=True)
class HomeItem:
    """One thing that waits: a label (never an unmasked restricted name), where to do it, and
    when it is due."""

    label: str
    url: str = ""
    due: dt.date | dt.datetime | None = None
    urgency: Urgency = Urgency.WAITING
    detail: str = ""  # what it is: "Full assessment v2", "Case plan", a service's places…
    since: dt.datetime | None = None  # waiting since (submitted, returned, uploaded)

    @classmethod
    def dated(
        cls,
        label: str,
        due: dt.date | dt.datetime | None,
        *,
        now: dt.datetime | None = None,
        waiting: bool = False,
        **kwargs: Any,
    ) -> HomeItem:
        return cls(
            label=label, due=due, urgency=urgency_of(due, now=now, waiting=waiting), **kwargs
        )

    @property
    def due_text(self) -> str:
        """ "3 days overdue", "Due today", "Due in 2 days", or "" when there is no date."""
        if self.due is None:
            return ""
        today = timezone.localdate()
        days = (_as_date(self.due) - today).days
        if self.urgency == Urgency.OVERDUE:
            late = max(-days, 0)
            if late == 0:
                return str(_("Overdue today"))
            return ngettext("%(n)d day overdue", "%(n)d days overdue", late) % {"n": late}
        if days <= 0:
            return str(_("Due today"))
        if days == 1:
            return str(_("Due tomorrow"))
        return ngettext("Due in %(n)d day", "Due in %(n)d days", days) % {"n": days}

    @property
    def sort_key(self) -> tuple[int, float]:
        due = self.due
        if due is None:
            stamp = self.since.timestamp() if self.since else float("inf")
        elif isinstance(due, dt.datetime):
            stamp = due.timestamp()
        else:
            stamp = dt.datetime.combine(due, dt.time.min, tzinfo=dt.UTC).timestamp()
        return (int(self.urgency), stamp)


@dataclass(frozen=True)
class HomeLink:
    """A link shown on a card (a queue section, a filtered list), with an optional count."""

    label: str
    url: str
    count: int | None = None


@dataclass
class CardData:
    """What one card shows. ``count`` is everything that waits, ``items`` the first few."""

    count: int = 0
    items: list[HomeItem] = field(default_factory=list)
    see_all_url: str = ""
    see_all_label: str = ""
    # Whether "see all" shows the card's count: only when the page it links to lists the same
    # things (the approval queue, the duplicate pairs), not a wider list (every case of a partner).
    see_all_count: bool = True
    links: list[HomeLink] = field(default_factory=list)
    empty_text: str | None = None  # shown when there is no item; "" for a card of links
    note: str = ""  # one line under the title (a summary, or why the card is empty)
    urgency: Urgency | None = None  # computed from the items and the count when None

    def __post_init__(self) -> None:
        self.items = sorted(self.items, key=lambda i: i.sort_key)
        if self.urgency is None:
            if self.items:
                self.urgency = self.items[0].urgency
            else:
                self.urgency = Urgency.WAITING if self.count else Urgency.NONE
        if self.empty_text is None:
            self.empty_text = str(_("Nothing is waiting."))
        if not self.see_all_label:
            self.see_all_label = str(_("See all"))


class HomeCard:
    """Base class of a home card. Subclass, set ``key`` and ``title``, implement ``applies_to``
    and ``build``, and register it with :func:`register` in your app's ``home.py``."""

    key: ClassVar[str] = ""  # unique, "<app>.<name>", also the card's id in the page
    title: ClassVar[Any] = ""  # a gettext_lazy string
    order: ClassVar[int] = 100  # among equally urgent cards, lower first
    limit: ClassVar[int] = 5  # at most this many items

    def applies_to(self, user: Any) -> bool:
        """Whether the card is shown to ``user`` at all (roles and permissions only)."""
        return False

    def build(self, user: Any, *, now: dt.datetime) -> CardData:
        """The card's data for ``user``: a fixed number of queries, scoped like every list."""
        raise NotImplementedError


@dataclass(frozen=True)
class BuiltCard:
    key: str
    title: str
    data: CardData
    failed: bool = False

    @property
    def urgency(self) -> Urgency:
        return Urgency.NONE if self.data.urgency is None else self.data.urgency


class CardRegistry:
    def __init__(self) -> None:
        self._cards: dict[str, HomeCard] = {}

    def register(self, card: HomeCard | type[HomeCard]) -> Any:
        """Register a card (an instance, or a class: usable as a class decorator)."""
        instance = card() if isinstance(card, type) else card
        if not instance.key:
            raise ValueError(f"{type(instance).__name__} has no key")
        existing = self._cards.get(instance.key)
        if existing is not None and type(existing) is not type(instance):
            raise ValueError(f"Two home cards use the key {instance.key!r}")
        self._cards[instance.key] = instance
        return card

    def unregister(self, key: str) -> None:
        self._cards.pop(key, None)

    def get(self, key: str) -> HomeCard:
        return self._cards[key]

    def cards(self) -> list[HomeCard]:
        return sorted(self._cards.values(), key=lambda c: (c.order, c.key))

    def __contains__(self, key: object) -> bool:
        return key in self._cards


registry = CardRegistry()
register = registry.register
_discovered = False


def autodiscover() -> None:
    """Import ``<app>.home`` of every installed app (once): each registers its own cards."""
    global _discovered
    if not _discovered:
        autodiscover_modules("home")
        _discovered = True


@contextmanager
def registered(*cards: HomeCard | type[HomeCard]) -> Iterator[None]:
    """Register cards for the duration of a block (for tests)."""
    keys = []
    for card in cards:
        instance = card() if isinstance(card, type) else card
        registry.register(instance)
        keys.append(instance.key)
    try:
        yield
    finally:
        for key in keys:
            registry.unregister(key)


def _sorted(built: Iterable[BuiltCard]) -> list[BuiltCard]:
    return sorted(built, key=lambda b: (b.urgency, 0 if b.data.count else 1))


def home_cards(user: Any, *, now: dt.datetime | None = None) -> list[BuiltCard]:
    """The cards that apply to ``user``, built, most urgent first. A card that fails is logged
    and shown as failed: one app's error never takes the home page away."""
    autodiscover()
    now = now or timezone.now()
    built: list[BuiltCard] = []
    for card in registry.cards():  # already in (order, key) order: the stable tie-break
        if not card.applies_to(user):
            continue
        try:
            data = card.build(user, now=now)
        except Exception:
            logger.exception("home card %s failed", card.key)
            data = CardData(
                empty_text=str(_("This card could not be loaded. Try again later.")),
                urgency=Urgency.NONE,
            )
            built.append(BuiltCard(card.key, str(card.title), data, failed=True))
            continue
        built.append(BuiltCard(card.key, str(card.title), data))
    return _sorted(built)
