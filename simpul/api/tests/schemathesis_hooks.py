"""Schemathesis hooks for the conformance run (loaded with SCHEMATHESIS_HOOKS by
test_schemathesis.py): path ids are those of real records, given in SIMPUL_ST_IDS as JSON
{path prefix: {parameter: value}}, so that detail, update and action operations reach a record
instead of answering 404 to every generated id."""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

import schemathesis

IDS: dict[str, dict[str, str]] = json.loads(os.environ.get("SIMPUL_ST_IDS", "{}"))


@schemathesis.hook
def map_path_parameters(ctx: Any, path_parameters: dict[str, Any]) -> dict[str, Any]:
    """A generated id that is a well-formed one is replaced by a real record's; a malformed one
    (a negative case) is kept, so that the case stays invalid."""
    path = ctx.operation.path if ctx.operation is not None else ""
    for prefix in sorted(IDS, key=len, reverse=True):
        if path.startswith(prefix):
            values = IDS[prefix]
            return {
                k: values[k] if k in values and _well_formed(k, v) else v
                for k, v in (path_parameters or {}).items()
            }
    return path_parameters


def _well_formed(name: str, value: Any) -> bool:
    if name == "code":
        return isinstance(value, str) and bool(value)
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
