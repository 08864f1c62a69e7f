"""Capacity history notes written by the system stored as codes (issue 8, "words that are not
the user's language"): "Initial capacity", "Imported" and "Placement ended <case>" were written
in the language of whoever was signed in; they are now codes translated when shown
(``simpul/directory/events.py``, ``simpul/cases/events.py``). Notes a person wrote stay as they
are. The msgids are copied here; their translations are read from the catalogue."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.db import migrations
from django.utils import translation

NOTES = {
    "directory.capacity.initial": "Initial capacity",
    "directory.capacity.imported": "Imported",
}
PLACEMENT_ENDED = ("cases.capacity.placement_ended", "Placement ended")  # + " <case number>"


def variants(msgid: str) -> set[str]:
    out = {msgid}
    for lang in ("id", "en"):
        with translation.override(lang):
            out.add(translation.gettext(msgid))
    return out


def forwards(apps: Any, schema_editor: Any) -> None:
    CapacityRecord = apps.get_model("directory", "CapacityRecord")
    for code, msgid in NOTES.items():
        CapacityRecord.objects.filter(note__in=variants(msgid)).update(note=code)
    code, msgid = PLACEMENT_ENDED
    pattern = re.compile(
        "^(?:" + "|".join(re.escape(v) for v in variants(msgid)) + r") (?P<case>\S+)$"
    )
    for record in CapacityRecord.objects.exclude(note="").exclude(note__startswith="directory."):
        found = pattern.match(record.note)
        if found:
            value = f"{code}?{urlencode({'case': found['case']})}"
            CapacityRecord.objects.filter(pk=record.pk).update(note=value[:255])


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_directory_edit_version"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
