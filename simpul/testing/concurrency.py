"""Test helpers for optimistic concurrency: send the version read, as the pages and clients do."""

from __future__ import annotations

from typing import Any

from simpul.core.concurrency import VERSION_FIELD, etag


def if_match(instance: Any) -> dict[str, str]:
    """Headers for an API PATCH/PUT of ``instance`` at its current version (re-read from the DB)."""
    instance.refresh_from_db(fields=[VERSION_FIELD])
    return {"If-Match": etag(instance)}


def patch(client: Any, url: str, data: Any, *, instance: Any, **kwargs: Any) -> Any:
    """client.patch(url, data) with If-Match of ``instance``'s current version (format=json)."""
    kwargs.setdefault("format", "json")
    return client.patch(url, data, headers=if_match(instance), **kwargs)


def form_data(instance: Any, data: dict[str, Any]) -> dict[str, Any]:
    """An edit form's POST data with the hidden version field of ``instance``'s current version."""
    instance.refresh_from_db(fields=[VERSION_FIELD])
    return {**data, VERSION_FIELD: instance.edit_version}


def patch_read(client: Any, url: str, data: Any, **kwargs: Any) -> Any:
    """Read ``url`` (GET) and PATCH it with the ETag received, as an API client does. When the
    GET gives no ETag (not visible...), the PATCH goes without If-Match."""
    kwargs.setdefault("format", "json")
    tag = client.get(url).get("ETag")
    headers = {"If-Match": tag} if tag else {}
    return client.patch(url, data, headers=headers, **kwargs)
