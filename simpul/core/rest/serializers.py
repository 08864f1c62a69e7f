"""Input serializers that refuse what they do not know (unknown fields, wrongly typed JSON,
empty query parameters), used by every app's API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class StrictInputSerializer(serializers.Serializer):
    """Rejects fields it does not know instead of silently ignoring them (a misspelt field
    would otherwise be dropped and the client told that all went well). Nested input
    serializers that derive from it are checked too."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = set(data) - set(self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("Unknown field.")] for name in sorted(unknown)}
                )
            wrong = {
                name: [_("Not the type this field takes (see the API schema).")]
                for name, field in self.fields.items()
                if name in data
                and data[name] is not None
                and not _json_type_fits(field, data[name])
            }
            if wrong:
                raise serializers.ValidationError(wrong)
        return super().to_internal_value(data)


def _json_type_fits(field: serializers.Field, value: Any) -> bool:
    """JSON input has types: text is a string, a count a number, a yes/no a boolean (DRF alone
    would read 12 as "12" and "true" as True)."""
    if isinstance(field, serializers.BooleanField):
        return isinstance(value, bool)
    if isinstance(field, serializers.IntegerField):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(field, serializers.ChoiceField | serializers.CharField):
        return isinstance(value, str)
    return True


class StrictQuerySerializer(serializers.Serializer):
    """Query parameters: an empty value is refused, not read as "left out", unless the parameter
    allows a blank (its schema then says so): an id, a number, a date, a yes/no or a code given
    as "" is none of these."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            empty = [
                name
                for name, field in self.fields.items()
                if name in data
                and data.get(name) == ""
                and not getattr(field, "allow_blank", False)
            ]
            if empty:
                raise serializers.ValidationError(
                    {name: [_("Give a value, or leave the parameter out.")] for name in empty}
                )
        return super().to_internal_value(data)


CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$"


class CodeField(serializers.RegexField):
    """A code given as a query parameter (a category, a service type, a Kemendagri region code):
    letters, digits and ``. _ : / -``. The pattern is declared in the schema, so a value of
    blanks or control characters is a refused request (400), never a silent "no filter"."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(CODE_PATTERN, **kwargs)
        self.error_messages["invalid"] = _(
            "Give a code of letters, digits and . _ : / - (e.g. AJ, residential-care, 31.71)."
        )
