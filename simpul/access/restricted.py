"""The one rule for opening a restricted record (a child victim of violence, a child in conflict
with the law, a case marked sensitive) by someone who is not assigned to it.

- A reason is required: at least ``MIN_REASON_LENGTH`` characters of text that says something
  (not one character repeated). The same check for the child's profile, its documents, the case
  workspace and both APIs.
- The reason is written to the access log (``AccessLog.Action.OPEN_RESTRICTED``) with the record
  it opened; supervisors review it at the access-log page.
- In a browser session the opening holds for ``SIMPUL_RESTRICTED_OPEN_HOURS`` (8 by default) for
  the *child*: opening the case opens the child's record and the other way round. An API call
  without a session gives its reason on every call.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simpul.core.audit import access_log_write
from simpul.core.exceptions import ApplicationError
from simpul.core.models import AccessLog

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase

    from simpul.accounts.models import User

MIN_REASON_LENGTH = 10
SESSION_KEY = "restricted_open_grants"  # {child id: ISO time of the opening}


class ReasonRequired(Exception):
    """A restricted record was asked for by someone who must give a reason first: the request
    is sent to ``url`` (the reason page, which comes back afterwards). Raised by the getters of
    the pages; :class:`simpul.access.middleware.ReasonRequiredMiddleware` answers it."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def grant_hours() -> int:
    return int(getattr(settings, "SIMPUL_RESTRICTED_OPEN_HOURS", 8))


def restricted_reason_clean(reason: str | None) -> str:
    """The reason, normalised; ApplicationError if it says nothing."""
    text = " ".join(str(reason or "").split())
    letters = {c for c in text.lower() if c.isalnum()}
    if len(text) < MIN_REASON_LENGTH or len(letters) < 3:
        raise ApplicationError(
            _(
                "Give the reason for opening this restricted record: at least %(n)d characters "
                "that say why you need it. It is recorded in the access log."
            )
            % {"n": MIN_REASON_LENGTH},
            extra={"fields": {"reason": [_("Too short or not a reason.")]}},
        )
    return text[:255]


def restricted_grant_active(*, session: SessionBase | None, child_id: Any) -> bool:
    """Whether this browser session opened the child's restricted record less than
    ``grant_hours()`` ago."""
    if session is None:
        return False
    at = session.get(SESSION_KEY, {}).get(str(child_id))
    if not at:
        return False
    try:
        opened = dt.datetime.fromisoformat(at)
    except (TypeError, ValueError):
        return False
    return opened > timezone.now() - dt.timedelta(hours=grant_hours())


@transaction.atomic
def restricted_open(
    *,
    user: User,
    child_id: Any,
    target: models.Model,
    target_repr: str,
    reason: str | None,
    session: SessionBase | None = None,
) -> AccessLog:
    """Open a restricted record with a reason: validated, logged, and (in a session) granted for
    the child. ``target`` is what was opened (the child or one of its cases); ``target_repr`` its
    number, never a name. The caller has already checked that the user may know the record."""
    text = restricted_reason_clean(reason)
    entry = access_log_write(
        user=user,
        action=AccessLog.Action.OPEN_RESTRICTED,
        child_id=child_id,
        target=target,
        target_repr=target_repr,
        reason=text,
    )
    if session is not None:
        grants = dict(session.get(SESSION_KEY, {}))
        grants[str(child_id)] = timezone.now().isoformat()
        session[SESSION_KEY] = grants
    return entry
