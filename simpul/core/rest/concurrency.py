"""ETag / If-Match for the API's edits (see simpul.core.concurrency).

GET of an editable record answers ``ETag: W/"<version>"``; PATCH/PUT must send it back in
``If-Match``: without it 428 Precondition Required, with an older one 412 Precondition Failed
(the body says what changed since) and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from simpul.core.concurrency import (
    ETAG_FORMAT,
    ConcurrentUpdate,
    VersionedModel,
    etag,
    field_label,
    parse_version,
)


class PreconditionRequired(APIException):
    status_code = 428
    default_code = "precondition_required"

    def __init__(self) -> None:
        super().__init__(
            _(
                "Send the ETag you received with the record in the If-Match header, so that "
                "nobody's changes are overwritten."
            )
        )


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "stale"


def if_match(request: Request) -> int:
    """The version named by ``If-Match`` (428 when missing, 412 when it names no version)."""
    header = (request.headers.get("If-Match") or "").strip()
    if not header or header == "*":
        raise PreconditionRequired()
    version = parse_version(header.split(",")[0])
    if version is None:
        raise PreconditionFailed(_("The If-Match header does not name a version of this record."))
    return version


def with_etag(response: Response, instance: VersionedModel) -> Response:
    response["ETag"] = etag(instance)
    return response


def conflict_response(
    exc: ConcurrentUpdate, instance: models.Model, representation: dict[str, Any]
) -> Response:
    """412 with what changed since the version sent: only fields of the caller's own
    representation of the record (so nothing they may not see), with their current values."""
    changes = [
        {"field": name, "label": field_label(instance, name), "value": representation[name]}
        for name in exc.changed_fields
        if name in representation
    ]
    return Response(
        {
            "detail": str(exc.message),
            "code": "stale",
            "current_version": exc.current_version,
            "changes": changes,
        },
        status=status.HTTP_412_PRECONDITION_FAILED,
        headers={"ETag": ETAG_FORMAT.format(exc.current_version)},
    )


# --- OpenAPI (drf-spectacular) ----------------------------------------------------------------
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag of the version you read (e.g. `W/"3"`). Missing: 428; older than the '
    "current version: 412 and nothing is saved.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=True,
    description='The version of the record (e.g. `W/"3"`); send it in If-Match to change it.',
)
PRECONDITION_RESPONSES = {
    412: OpenApiResponse(
        description="Someone else saved the record after the version in If-Match: nothing was "
        "saved; `changes` lists the fields they changed (that you may see) with current values, "
        "`current_version` the version to read again."
    ),
    428: OpenApiResponse(description="If-Match is missing."),
}
