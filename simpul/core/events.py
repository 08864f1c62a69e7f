"""The catalogue of event sentences: what every audit action code and case timeline event
means, as a sentence in the reader's language — and the system texts stored as codes.

Core owns the catalogue and knows no other app. Every app declares the codes it emits in its own
``<app>/events.py``, found by :func:`autodiscover` (``autodiscover_modules``, as the admin
finds ``admin.py``) the first time the catalogue is read::

    from django.utils.translation import gettext_lazy as _
    from simpul.core import events

    events.register("cases.plan.submitted", _("Plan version %(version)s submitted"))

A sentence is a ``gettext_lazy`` string, translated when it is shown. Its placeholders are
filled from the event's ``data`` (and ``changes``), by a ``values`` function the app gives, or by
a *lookup* that turns an id in the data into a name (an organisation's name), resolved for a
whole page in one query. A placeholder never carries a child's identity: names of the keys the
trail masks (:func:`simpul.core.audit.personal_keys`) are refused when a code is registered.

The audit page shows the sentence beside the code; the case timeline shows it with who did it
("Rencana versi 1 diajukan oleh Budi"). ``simpul/core/tests/test_events.py`` walks every code
the source can emit and fails on one without a sentence, or whose sentence has no Bahasa
Indonesia translation.

**Stored system texts.** A text the system writes into a record (the reason of the first risk
rating, a task's title…) is stored as a code, not as a sentence in the language of whoever was
signed in: :func:`stored` makes the value (``"cases.risk.case_opened"``, with parameters
``"cases.task.placement_review?org=LKSA+Pelita"``) and :func:`display_text` turns it into the
reader's sentence; any other value (what a person wrote) is shown as written. See
``docs/events.md``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from simpul.core.audit import personal_keys

if TYPE_CHECKING:
    from simpul.core.models import AuditEvent

CODE = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
MISSING = "—"  # a placeholder whose value an old event does not hold

# Placeholders a sentence may never have, whatever the settings say: they would name a child.
FORBIDDEN_PLACEHOLDERS = frozenset({"child_name", "full_name", "nik", "no_kk", "mother_name"})


@dataclass(frozen=True)
class Event:
    """The facts of one event as stored: its code, its ``data`` and its ``changes``."""

    code: str
    data: Mapping[str, Any] = field(default_factory=dict)
    changes: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, event: AuditEvent) -> Event:
        return cls(code=event.action, data=event.data or {}, changes=event.changes or {})

    def before(self, key: str) -> Any:
        change = self.changes.get(key)
        return change.get("before") if isinstance(change, Mapping) else None

    def after(self, key: str) -> Any:
        change = self.changes.get(key)
        return change.get("after") if isinstance(change, Mapping) else None


Values = Callable[[Event], Mapping[str, Any]]
Note = Callable[[Event], str]


def placeholders_of(text: str | Promise) -> frozenset[str]:
    return frozenset(PLACEHOLDER.findall(str(text)))


def default_note(event: Event) -> str:
    """What a person wrote with the event (a reason, a note), shown under the sentence."""
    for key in ("reason", "note"):
        value = event.data.get(key)
        if isinstance(value, str) and value.strip():
            return display_text(value)
    return ""


# A placeholder filled by a lookup: (the lookup's kind, how to find the id in the event).
Ref = tuple[str, Callable[[Event], Any]]


@dataclass(frozen=True)
class Sentence:
    code: str
    text: Promise
    values: Values | None = None
    note: Note = default_note
    refs: Mapping[str, Ref] = field(default_factory=dict)

    @property
    def placeholders(self) -> frozenset[str]:
        return placeholders_of(self.text)


@dataclass(frozen=True)
class Lookup:
    """Names of records of one kind (organisations, categories…) for many events at once:
    ``resolve`` takes the ids and answers ``{id: name}`` in one query. With ``key``, a
    placeholder named like the kind is filled from ``data[key]`` without a ``refs`` entry."""

    kind: str
    resolve: Callable[[set[str]], Mapping[str, str]]
    key: str | None = None


class Catalogue:
    def __init__(self) -> None:
        self._sentences: dict[str, Sentence] = {}
        self._texts: dict[str, Sentence] = {}
        self._lookups: dict[str, Lookup] = {}

    # --- declaring ---------------------------------------------------------------------------
    def _check(self, code: str, text: Any, table: dict[str, Sentence]) -> None:
        if not CODE.match(code):
            raise ImproperlyConfigured(f"Event code {code!r} is not a dotted lower-case code.")
        if code in table:
            raise ImproperlyConfigured(f"Event code {code!r} is registered twice.")
        if not isinstance(text, Promise):
            # A plain str would be translated once, in the language of whoever imported it.
            raise ImproperlyConfigured(f"The sentence of {code!r} must be a gettext_lazy string.")
        bad = placeholders_of(text) & (personal_keys() | FORBIDDEN_PLACEHOLDERS)
        if bad:
            raise ImproperlyConfigured(
                f"The sentence of {code!r} would show a child's identity: {sorted(bad)}."
            )

    def register(
        self,
        code: str,
        text: Promise,
        *,
        values: Values | None = None,
        note: Note | None = None,
        refs: Mapping[str, Ref] | None = None,
    ) -> None:
        """Declare what the event ``code`` means. ``values`` computes placeholders from the
        event (labels of stored codes, dates); ``refs`` fills a placeholder with a looked-up
        name (``{"to": ("organization", lambda e: e.after("lead_organization"))}``); ``note``
        what to show under the sentence on the timeline (default: the ``reason`` or ``note`` a
        person wrote)."""
        self._check(code, text, self._sentences)
        self._sentences[code] = Sentence(code, text, values, note or default_note, refs or {})

    def register_text(self, code: str, text: Promise, *, values: Values | None = None) -> None:
        """Declare a system text stored as ``code`` (see :func:`stored`); its parameters fill
        the placeholders (``values`` may turn them into labels)."""
        self._check(code, text, self._texts)
        self._texts[code] = Sentence(code, text, values)

    def register_lookup(
        self,
        kind: str,
        *,
        resolve: Callable[[set[str]], Mapping[str, str]],
        key: str | None = None,
    ) -> None:
        if kind in self._lookups:
            raise ImproperlyConfigured(f"Lookup {kind!r} is registered twice.")
        self._lookups[kind] = Lookup(kind, resolve, key)

    def unregister(self, code: str) -> None:
        self._sentences.pop(code, None)
        self._texts.pop(code, None)

    # --- reading -----------------------------------------------------------------------------
    def codes(self) -> frozenset[str]:
        autodiscover()
        return frozenset(self._sentences)

    def text_codes(self) -> frozenset[str]:
        autodiscover()
        return frozenset(self._texts)

    def sentence(self, code: str) -> Sentence | None:
        autodiscover()
        return self._sentences.get(code)

    def text(self, code: str) -> Sentence | None:
        autodiscover()
        return self._texts.get(code)

    def sentences(self) -> list[Sentence]:
        autodiscover()
        return [*self._sentences.values(), *self._texts.values()]

    def _ref(self, sentence: Sentence, name: str, event: Event) -> tuple[str, str] | None:
        """(lookup kind, id) of a placeholder filled by a lookup, or None."""
        if name in sentence.refs:
            kind, getter = sentence.refs[name]
            value = getter(event)
        elif name in self._lookups and self._lookups[name].key:
            kind, value = name, event.data.get(self._lookups[name].key or "")
        else:
            return None
        return kind, "" if value in (None, "") else str(value)

    def _names(self, events: Sequence[Event]) -> dict[str, Mapping[str, str]]:
        """For every lookup a sentence on this page uses: the names of the ids, one query each."""
        wanted: dict[str, set[str]] = {}
        for event in events:
            sentence = self._sentences.get(event.code)
            for name in sentence.placeholders if sentence else ():
                ref = self._ref(sentence, name, event) if sentence else None
                if ref is not None and ref[1] and ref[0] in self._lookups:
                    wanted.setdefault(ref[0], set()).add(ref[1])
        return {kind: self._lookups[kind].resolve(ids) for kind, ids in wanted.items()}

    def _fill(
        self, sentence: Sentence, event: Event, names: Mapping[str, Mapping[str, str]]
    ) -> str:
        computed = dict(sentence.values(event)) if sentence.values else {}
        params: dict[str, Any] = {}
        private = personal_keys()
        for name in sentence.placeholders:
            ref = self._ref(sentence, name, event)
            if name in computed:
                value = computed[name]
            elif ref is not None:
                value = names.get(ref[0], {}).get(ref[1])
            elif name not in private:
                value = event.data.get(name)
            else:  # pragma: no cover - refused at registration
                value = None
            params[name] = MISSING if value in (None, "") else value
        text = str(sentence.text)  # translated now, in the reader's language
        return text % params if params else text

    def describe_many(self, events: Sequence[Event]) -> list[str]:
        """The sentence of each event, in the active language (lookups: one query each)."""
        autodiscover()
        names = self._names(events)
        out = []
        for event in events:
            sentence = self._sentences.get(event.code)
            out.append(self._fill(sentence, event, names) if sentence else str(UNKNOWN))
        return out

    def describe(self, event: Event) -> str:
        return self.describe_many([event])[0]

    def note(self, event: Event) -> str:
        autodiscover()
        sentence = self._sentences.get(event.code)
        return (sentence.note if sentence else default_note)(event)

    def display_text(self, value: str) -> str:
        autodiscover()
        code, params = parse_stored(value)
        sentence = self._texts.get(code) if code else None
        if sentence is None:
            return value
        return self._fill(sentence, Event(code=code, data=params), {})


UNKNOWN = _("Other event")


def stored(code: str, /, *, limit: int = 255, **params: Any) -> str:
    """The value to store for the system text ``code`` with ``params`` (shown by
    :func:`display_text` in the reader's language). At most ``limit`` characters (the field's
    length): the longest parameter is shortened if needed."""
    if not CODE.match(code):
        raise ValueError(code)
    clean = {k: str(v) for k, v in params.items() if v not in (None, "")}

    def encode() -> str:
        return f"{code}?{urlencode(sorted(clean.items()))}" if clean else code

    value = encode()
    while len(value) > limit and any(clean.values()):
        longest = max(clean, key=lambda k: len(clean[k]))
        clean[longest] = clean[longest][: max(0, len(clean[longest]) - (len(value) - limit))]
        value = encode()
    if len(value) > limit:
        raise ValueError(f"{code!r} does not fit in {limit} characters.")
    return value


def parse_stored(value: str) -> tuple[str, dict[str, str]]:
    """``(code, params)`` of a stored system text; ``("", {})`` for anything else."""
    code, _sep, query = (value or "").partition("?")
    if not CODE.match(code):
        return "", {}
    return code, dict(parse_qsl(query, keep_blank_values=False))


catalogue = Catalogue()

register = catalogue.register
register_text = catalogue.register_text
register_lookup = catalogue.register_lookup
describe = catalogue.describe
describe_many = catalogue.describe_many
display_text = catalogue.display_text
note = catalogue.note

_discovered = False


def autodiscover() -> None:
    """Import ``<app>.events`` of every installed app (once): each declares its own codes."""
    global _discovered
    if not _discovered:
        autodiscover_modules("events")
        _discovered = True


def label_of(choices: Any, value: Any) -> str:
    """The label of a stored choice (a ``TextChoices`` class), or the value for an unknown one."""
    if value in (None, ""):
        return ""
    return str(dict(choices.choices).get(value, value))


def date_of(value: Any) -> str:
    """An ISO date or date-time from the data, in the reader's date format."""
    from django.utils import formats
    from django.utils.dateparse import parse_date, parse_datetime

    text = str(value or "")
    parsed = parse_datetime(text) if "T" in text else parse_date(text[:10]) if text else None
    return formats.date_format(parsed, "DATE_FORMAT") if parsed else text


def uuids(ids: Iterable[str]) -> set[uuid.UUID]:
    """The ids that are UUIDs (a lookup's resolver filters with them; old data may hold junk)."""
    out = set()
    for value in ids:
        try:
            out.add(uuid.UUID(str(value)))
        except ValueError:
            continue
    return out


def by(sentence: str, actor: str | None) -> str:
    """``sentence`` with who did it: "… oleh Budi", or "… oleh sistem" without a person."""
    if actor:
        return gettext("%(event)s by %(actor)s") % {"event": sentence, "actor": actor}
    return gettext("%(event)s by the system") % {"event": sentence}


def describe_audit_events(events: Iterable[AuditEvent]) -> list[str]:
    return describe_many([Event.of(e) for e in events])
