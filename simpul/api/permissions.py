"""DRF permission classes: thin wrappers over the rules in simpul.accounts.permissions."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from simpul.accounts import permissions


class CanListDirectory(BasePermission):
    """Deny by default: a signed-in user with no active membership may not list directory data
    (403, like the directory page). Single objects answer 404 through the selectors instead."""

    message = "Akun Anda belum menjadi anggota organisasi mana pun. / Your account is not a member of any organisation."

    def has_permission(self, request: Request, view: Any) -> bool:
        if getattr(view, "action", None) not in (None, "list"):
            return True
        return permissions.can_view_directory(request.user)  # type: ignore[arg-type]


# Parameters every operation takes beside its own (DRF's format override).
ALWAYS_ALLOWED = frozenset({"format"})


@lru_cache(maxsize=1)
def _declared_query_parameters() -> tuple[tuple[str, re.Pattern[str], frozenset[str]], ...]:
    """(method, path regex, query parameter names) of every operation of the OpenAPI schema,
    generated once per process from the same code that serves `/api/v1/schema/`."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    out = []
    for path, operations in schema.get("paths", {}).items():
        regex = re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$")
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            names = frozenset(
                p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"
            )
            out.append((method.upper(), regex, names | ALWAYS_ALLOWED))
    return tuple(out)


class KnownQueryParameters(BasePermission):
    """A query parameter the operation does not declare is refused (400 naming it), as unknown
    body fields are: a misspelt filter (`?stauts=open`) would otherwise return everything and
    look like an answer. Runs after authentication, so an anonymous request still gets 401."""

    def has_permission(self, request: Request, view: Any) -> bool:
        names = set(request.query_params)
        if not names:
            return True
        for method, regex, allowed in _declared_query_parameters():
            if method == request.method and regex.match(request.path):
                unknown = sorted(names - allowed)
                if unknown:
                    raise ValidationError(
                        {
                            name: [
                                _(
                                    "Unknown parameter: this operation does not take it (see the API schema)."
                                )
                            ]
                            for name in unknown
                        }
                    )
                return True
        return True  # not in the schema (the schema and docs pages themselves)
