"""One DRF exception handler: ApplicationError becomes a 400 with a clear message."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from simpul.core.concurrency import ETAG_FORMAT, ConcurrentUpdate
from simpul.core.exceptions import ApplicationError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(getattr(exc, "message_dict", None) or exc.messages)
    if isinstance(exc, ConcurrentUpdate):  # a view that did not say what changed
        return Response(
            {"detail": str(exc.message), "code": "stale", **exc.extra},
            status=412,
            headers={"ETag": ETAG_FORMAT.format(exc.current_version)},
        )
    if isinstance(exc, ApplicationError):
        return Response({"detail": str(exc.message), **exc.extra}, status=400)
    if isinstance(exc, exceptions.Throttled):
        from simpul.api.throttling import THROTTLED_MESSAGE

        wait = int(exc.wait or 1)
        exc.detail = exceptions.ErrorDetail(
            str(THROTTLED_MESSAGE % {"seconds": max(wait, 1)}), code="throttled"
        )
    return drf_exception_handler(exc, context)
