"""Log filters."""

from __future__ import annotations

import logging


class ForbiddenOneLine(logging.Filter):
    """A refused request (403) is expected traffic, not an error: one line with the method, the
    path and the user id, without the traceback Django attaches to ``django.request`` records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            request = getattr(record, "request", None)
            user = getattr(request, "user", None)
            user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else "-"
            method = getattr(request, "method", "?")
            path = getattr(request, "path", "?")
            record.msg = "Forbidden: %s %s user=%s"
            record.args = (method, path, user_id)
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
