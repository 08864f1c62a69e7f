"""The one error type services raise when a business rule is broken."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A rule was broken; ``message`` is user-facing and already translated.

    ``extra`` carries structured details (e.g. per-field or per-row errors) for forms and the API.
    """

    def __init__(self, message: Any, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
