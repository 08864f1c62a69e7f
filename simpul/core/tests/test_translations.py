"""The UI speaks Bahasa Indonesia by default and English on request.

The catalogue checks read simpul/locale/id/LC_MESSAGES/django.po with a small parser (no gettext
tools needed), so they keep passing after any later translation pass that leaves no gaps.
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

CATALOGUE_DIR = Path(settings.BASE_DIR) / "simpul" / "locale" / "id" / "LC_MESSAGES"
PO_FILE = CATALOGUE_DIR / "django.po"
MO_FILE = CATALOGUE_DIR / "django.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def _unquote(text: str) -> str:
    # A .po string uses C escapes (\" \\ \n \t), which a Python string literal reads the same way.
    return ast.literal_eval(text.strip())


def parse_po(path: Path) -> list[Entry]:
    """Active (non-obsolete) entries, header excluded."""
    entries: list[Entry] = []
    current = Entry()
    key: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal current, key
        if current.msgstr or current.msgid:
            entries.append(current)
        current, key = Entry(), None

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            finish()
        elif line.startswith("#~"):
            continue  # obsolete entry
        elif line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"') and key is not None:
            name, index = key
            if name == "msgid":
                current.msgid += _unquote(line)
            elif name == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + _unquote(line)
            elif name == "msgstr":
                current.msgstr[index] += _unquote(line)
            elif name == "msgctxt":
                current.msgctxt = (current.msgctxt or "") + _unquote(line)
        else:
            keyword, _, value = line.partition(" ")
            if keyword == "msgid":
                key = ("msgid", 0)
                current.msgid = _unquote(value)
            elif keyword == "msgid_plural":
                key = ("msgid_plural", 0)
                current.msgid_plural = _unquote(value)
            elif keyword == "msgstr":
                key = ("msgstr", 0)
                current.msgstr[0] = _unquote(value)
            elif keyword.startswith("msgstr["):
                index = int(keyword[len("msgstr[") : -1])
                key = ("msgstr", index)
                current.msgstr[index] = _unquote(value)
            elif keyword == "msgctxt":
                key = ("msgctxt", 0)
                current.msgctxt = _unquote(value)
    finish()
    return [e for e in entries if e.msgid]


@pytest.mark.django_db
def test_login_page_is_in_indonesian_by_default(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Kata sandi" in content
    assert "Lupa kata sandi?" in content
    assert "Forgot your password?" not in content


@pytest.mark.django_db
def test_login_page_is_in_english_with_the_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get(reverse("accounts:login")).content.decode()
    assert "Password" in content
    assert "Forgot your password?" in content
    assert "Kata sandi" not in content


def test_indonesian_catalogue_has_no_untranslated_or_fuzzy_entries():
    entries = parse_po(PO_FILE)
    assert len(entries) > 100  # the parser found the catalogue
    untranslated = [
        e.msgid for e in entries if not e.msgstr or any(not text for text in e.msgstr.values())
    ]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_indonesian_translations_keep_every_placeholder():
    # Indonesian has one plural form: it stands for every count, so it keeps the placeholders of
    # the plural msgid (as `msgfmt -c` checks), which may use one the singular leaves out.
    broken = []
    for entry in parse_po(PO_FILE):
        reference = entry.msgid_plural if entry.msgid_plural is not None else entry.msgid
        for text in entry.msgstr.values():
            if sorted(PLACEHOLDER.findall(reference)) != sorted(PLACEHOLDER.findall(text)):
                broken.append((entry.msgid, text))
    assert broken == []


def test_compiled_catalogue_matches_the_po_file():
    # The .mo is committed so running Simpul needs no gettext tools; it must be recompiled after
    # every change to the .po (`make messages`), or the UI silently falls back to English.
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in parse_po(PO_FILE):
        if entry.msgid_plural is None:
            if entry.msgctxt is None:
                found = compiled.gettext(entry.msgid)
            else:
                found = compiled.pgettext(entry.msgctxt, entry.msgid)
        elif entry.msgctxt is None:
            found = compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
        else:
            found = compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
        if found != entry.msgstr.get(0):
            stale.append(entry.msgid)
    assert stale == []
