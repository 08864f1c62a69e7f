"""The event catalogue (simpul.core.events): every audit action code and timeline event the source
can emit, and every system text stored as a code, has a sentence — in Bahasa Indonesia and in
English.

The codes are collected by reading the source with ``ast``, not from a list kept by hand:
``action=`` / ``code=`` arguments (literals, f-strings, and literals passed to a function whose
parameter is called ``action``, like ``_decide(…, "cases.assessment.approved")``) and the first
argument of ``events.stored(…)``. A new ``audit_log(action="…")`` without a sentence fails here.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import gettext_lazy

from simpul.core import events

SOURCE = Path(settings.BASE_DIR) / "simpul"
AUDIT_CALLS = {"audit_log", "case_audit"}  # a dynamic action= here must come from a parameter


@dataclass
class Found:
    codes: dict[str, str] = field(default_factory=dict)  # code -> where
    patterns: dict[str, str] = field(default_factory=dict)  # f-string regex -> where
    texts: dict[str, str] = field(default_factory=dict)  # stored text code -> where
    unknown: list[str] = field(default_factory=list)  # dynamic actions we cannot follow


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _fstring_regex(node: ast.JoinedStr) -> str:
    parts = []
    for value in node.values:
        if isinstance(value, ast.Constant):
            parts.append(re.escape(str(value.value)))
        else:
            parts.append(r"[a-z0-9_.]+")
    return "^" + "".join(parts) + "$"


def _params_named_action(tree: ast.AST) -> dict[str, int | None]:
    """Functions with a parameter called ``action``: name -> its position (None: keyword-only)."""
    out: dict[str, int | None] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names = [a.arg for a in node.args.posonlyargs + node.args.args]
            if "action" in names:
                out[node.name] = names.index("action")
            elif "action" in [a.arg for a in node.args.kwonlyargs]:
                out[node.name] = None
    return out


def scan(sources: dict[str, str]) -> Found:
    """Every code ``sources`` (path -> Python text) can emit."""
    found = Found()
    trees = {path: ast.parse(text) for path, text in sources.items()}
    forwarders: dict[str, int | None] = {}
    for tree in trees.values():
        forwarders.update(_params_named_action(tree))
    for path, tree in trees.items():
        # Functions whose own parameter is called "action": their audit call forwards it.
        forwarding_bodies = {
            id(n)
            for f in ast.walk(tree)
            if isinstance(f, ast.FunctionDef) and f.name in forwarders
            for n in ast.walk(f)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            where = f"{path}:{node.lineno}"
            name = _name(node.func)
            values = [k.value for k in node.keywords if k.arg in ("action", "code")]
            position = forwarders.get(name)
            if position is not None and len(node.args) > position:
                values.append(node.args[position])
            for value in values:
                if isinstance(value, ast.JoinedStr):
                    found.patterns[_fstring_regex(value)] = where
                    continue
                literals = [
                    n.value
                    for n in ast.walk(value)
                    if isinstance(n, ast.Constant) and isinstance(n.value, str)
                ]
                for literal in literals:
                    if events.CODE.match(literal):
                        found.codes.setdefault(literal, where)
                if not literals and name in AUDIT_CALLS and id(node) not in forwarding_bodies:
                    found.unknown.append(where)
            if name == "stored" and node.args:
                first = node.args[0]
                for n in ast.walk(first):
                    if isinstance(n, ast.Constant) and isinstance(n.value, str):
                        found.texts.setdefault(n.value, where)
    return found


def source_files() -> dict[str, str]:
    return {
        str(path.relative_to(SOURCE.parent)): path.read_text(encoding="utf-8")
        for path in sorted(SOURCE.rglob("*.py"))
        if "tests" not in path.parts and "migrations" not in path.parts
    }


@pytest.fixture(scope="module")
def found() -> Found:
    return scan(source_files())


def test_the_scan_finds_the_codes_it_should(found):
    # A few codes of each kind the scan must see, so that a broken scan cannot pass quietly.
    assert found.codes["accounts.user.signed_in"].startswith("simpul/accounts/")
    assert "cases.assessment.approved" in found.codes  # passed to _decide(…, action)
    assert "cases.case.status_set" in found.codes  # a timeline event, not an audit code
    assert "cases.risk.case_opened" in found.texts
    assert len(found.codes) > 80


def test_the_scan_fails_on_a_code_without_a_sentence():
    source = {
        "x.py": (
            "def f(actor):\n"
            "    audit_log(actor=actor, action='cases.case.teleported')\n"
            "    audit_log(actor=actor, action=f'cases.plan.{kind}')\n"
            "    audit_log(actor=actor, action=some_variable)\n"
            "def g(actor, action):\n"
            "    audit_log(actor=actor, action=action)\n"
            "g(None, 'children.child.vanished')\n"
        )
    }
    found = scan(source)
    assert set(found.codes) == {"cases.case.teleported", "children.child.vanished"}
    assert missing_sentences(found) == ["cases.case.teleported", "children.child.vanished"]
    assert list(found.patterns) == [r"^cases\.plan\.[a-z0-9_.]+$"]
    assert found.unknown == ["x.py:4"]  # a variable that is not a forwarded parameter


def missing_sentences(found: Found) -> list[str]:
    known = events.catalogue.codes()
    return sorted(code for code in found.codes if code not in known)


def test_every_code_the_source_emits_has_a_sentence(found):
    assert missing_sentences(found) == [], "add them to <app>/events.py"
    assert found.unknown == [], "an audit call whose action the scan cannot see"
    known = events.catalogue.codes()
    for regex, where in found.patterns.items():
        assert any(re.match(regex, code) for code in known), (regex, where)


def test_every_stored_text_has_a_sentence(found):
    missing = sorted(code for code in found.texts if code not in events.catalogue.text_codes())
    assert missing == []


def _msgid(text: object) -> str:
    with translation.override("en"):
        return str(text)


def untranslated() -> list[tuple[str, str]]:
    """(code, msgid) of every sentence whose Bahasa Indonesia is missing from the compiled
    catalogue (gettext answers the English msgid), or whose placeholders differ."""
    out = []
    for sentence in events.catalogue.sentences():
        msgid = _msgid(sentence.text)
        with translation.override("id"):
            indonesian = str(sentence.text)
        if not indonesian.strip() or indonesian == msgid:
            out.append((sentence.code, msgid))
        elif events.placeholders_of(indonesian) != events.placeholders_of(msgid):
            out.append((sentence.code, f"{msgid} (placeholders differ: {indonesian})"))
    for msgid in ("%(event)s by %(actor)s", "%(event)s by the system", "Other event"):
        with translation.override("id"):
            if translation.gettext(msgid) == msgid:
                out.append(("", msgid))
    return sorted(out)


def test_every_sentence_is_translated_into_bahasa_indonesia():
    missing = untranslated()
    assert missing == [], "msgids without a Bahasa Indonesia translation:\n" + "\n".join(
        f"  {code}: {msgid}" for code, msgid in missing
    )


def test_no_sentence_shows_a_childs_identity():
    private = events.personal_keys() | events.FORBIDDEN_PLACEHOLDERS
    for sentence in events.catalogue.sentences():
        assert not (sentence.placeholders & private), sentence.code


# --- the catalogue's rules ---------------------------------------------------------------------
def test_register_refuses_a_plain_string_a_personal_placeholder_and_a_second_time():
    catalogue = events.Catalogue()
    with pytest.raises(ImproperlyConfigured, match="gettext_lazy"):
        catalogue.register("test.thing.done", "Thing done")  # type: ignore[arg-type]
    with pytest.raises(ImproperlyConfigured, match="identity"):
        catalogue.register("test.thing.named", gettext_lazy("%(full_name)s registered"))
    with pytest.raises(ImproperlyConfigured, match="dotted"):
        catalogue.register("Thing", gettext_lazy("Thing"))
    catalogue.register("test.thing.done", gettext_lazy("Thing done"))
    with pytest.raises(ImproperlyConfigured, match="twice"):
        catalogue.register("test.thing.done", gettext_lazy("Thing done"))


def test_placeholders_come_from_values_lookups_and_safe_data():
    catalogue = events.Catalogue()
    calls = []

    def names(ids: set[str]) -> dict[str, str]:
        calls.append(ids)
        return {i: f"Org {i}" for i in ids}

    catalogue.register_lookup("organization", resolve=names, key="organization_id")
    catalogue.register(
        "test.plan.sent",
        gettext_lazy("Plan version %(version)s sent to %(organization)s, %(note_count)s notes"),
        values=lambda e: {"note_count": len(e.data.get("notes_list", []))},
    )
    rows = [
        events.Event("test.plan.sent", {"version": 2, "organization_id": "a"}),
        events.Event("test.plan.sent", {"version": 3, "organization_id": "b"}),
        events.Event("test.plan.sent", {}),
        events.Event("test.unknown.code", {}),
    ]
    with translation.override("en"):
        out = catalogue.describe_many(rows)
    assert out[0] == "Plan version 2 sent to Org a, 0 notes"
    assert out[1] == "Plan version 3 sent to Org b, 0 notes"
    assert out[2] == "Plan version — sent to —, 0 notes"  # an old event without the data
    assert out[3] == "Other event"
    assert calls == [{"a", "b"}]  # one lookup for the whole page


def test_stored_texts_are_codes_shown_in_the_readers_language():
    value = events.stored("cases.transition.plan_approved", v=2)
    assert value == "cases.transition.plan_approved?v=2"
    with translation.override("en"):
        assert events.display_text(value) == "Plan version 2 approved"
        assert events.display_text("Anak dipindahkan.") == "Anak dipindahkan."  # a person wrote it
        assert events.display_text("cases.no_such.text") == "cases.no_such.text"
    with translation.override("id"):
        assert events.display_text(value) == translation.gettext("Plan version %(v)s approved") % {
            "v": 2
        }
    long = events.stored("cases.task.placement_review", org="Yayasan " * 60)
    assert len(long) <= 255 and events.parse_stored(long)[0] == "cases.task.placement_review"


def test_by_names_the_officer_or_the_system():
    with translation.override("en"):
        assert events.by("Case opened", "Budi Santoso") == "Case opened by Budi Santoso"
        assert events.by("Case opened", "") == "Case opened by the system"
