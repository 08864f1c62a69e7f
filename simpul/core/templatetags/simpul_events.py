"""``{{ value|display_text }}``: a system text stored as a code (simpul.core.events.stored),
shown in the reader's language; what a person wrote is shown as written."""

from __future__ import annotations

from django import template

from simpul.core import events

register = template.Library()


@register.filter
def display_text(value: object) -> str:
    return events.display_text("" if value is None else str(value))
