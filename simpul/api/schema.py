"""drf-spectacular extensions for Simpul's own API classes (loaded in ApiConfig.ready)."""

from typing import Any

from drf_spectacular.authentication import SessionScheme, TokenScheme


class VerifiedSessionScheme(SessionScheme):
    target_class = "simpul.api.authentication.VerifiedSessionAuthentication"


class ExpiringTokenScheme(TokenScheme):
    target_class = "simpul.api.authentication.ExpiringTokenAuthentication"


# --- postprocessing: what every operation can answer, and how operations link ---------------
ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: `detail` says why (Bahasa Indonesia or English, per the request's "
    "language); `fields` holds per-field messages where the input was wrong.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": True},
    },
    "additionalProperties": True,
}
# Answers any operation can give, beside the ones an operation declares itself.
COMMON_ERRORS = {
    "401": "Not signed in, or the token is unknown, expired or revoked.",
    "403": "Signed in, but not allowed to do this.",
    "404": "Not found, not visible to you, or a page number past the last page.",
    "406": "The Accept header asks for a format the API does not give (it gives JSON).",
    "429": "Too many requests: wait and try again (see the Retry-After header).",
}
INPUT_ERRORS = {"400": "Invalid input or a broken rule; `detail` (and `fields`) say why."}
BODY_ERRORS = {"415": "The body is not JSON (the API takes `application/json` only)."}

# Where the ids an operation needs come from: (operation producing them, JSON pointer of the
# id in its response) → the path parameter of the operations that take it.
LINK_SOURCES = {
    "/api/v1/cases/{id}/": ("post", "/api/v1/cases/", "$response.body#/id"),
    "/api/v1/children/{id}/": ("post", "/api/v1/children/", "$response.body#/id"),
}


def _links(result: dict[str, Any]) -> None:
    """OpenAPI links from the create operations to every operation under the created path, so
    that clients (and schemathesis's stateful run) can follow real ids."""
    paths = result.get("paths", {})
    for prefix, (method, source, pointer) in LINK_SOURCES.items():
        producer = paths.get(source, {}).get(method)
        if producer is None:
            continue
        created = next((c for c in ("201", "200") if c in producer["responses"]), None)
        if created is None:
            continue
        links = producer["responses"][created].setdefault("links", {})
        for path, operations in paths.items():
            if not path.startswith(prefix):
                continue
            for verb, operation in operations.items():
                if verb not in ("get", "post", "patch", "put", "delete"):
                    continue
                names = {
                    p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"
                }
                if "id" not in names or "operationId" not in operation:
                    continue
                links[operation["operationId"]] = {
                    "operationId": operation["operationId"],
                    "parameters": {"id": pointer},
                }


def postprocess(result: dict[str, Any], generator: Any, request: Any, public: Any) -> dict:
    """Declare the answers every operation can give (so that no status is undocumented) with one
    Error schema, and the links between operations."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    ref = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for verb, operation in operations.items():
            if verb not in ("get", "post", "patch", "put", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            extra = dict(COMMON_ERRORS)
            if operation.get("parameters") or operation.get("requestBody"):
                extra.update(INPUT_ERRORS)
            if operation.get("requestBody"):
                extra.update(BODY_ERRORS)
            for code, description in extra.items():
                response = responses.setdefault(code, {"description": description})
                response.setdefault("content", {"application/json": {"schema": ref}})
            for code, response in responses.items():
                if code.startswith(("4", "5")) and "content" not in response:
                    response["content"] = {"application/json": {"schema": ref}}
    _links(result)
    return result
