"""The access log: every view of a case (a child's record) and every opening of a restricted case."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction

from simpul.access.restricted import restricted_open
from simpul.cases.models import Case
from simpul.core.audit import access_log_write
from simpul.core.models import AccessLog

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase

    from simpul.accounts.models import User


def _write(*, user: User, case: Case, action: str, reason: str = "") -> AccessLog:
    return access_log_write(
        user=user,
        action=action,
        child_id=case.child_id,
        target=case,
        target_repr=case.case_number,
        reason=reason,
    )


@transaction.atomic
def case_view_log(*, user: User, case: Case, part: str = "") -> AccessLog:
    """One row per page view of the case (``part`` = the tab), with the child's id."""
    return _write(user=user, case=case, action=AccessLog.Action.VIEW, reason=part)


@transaction.atomic
def case_restricted_open(
    *, user: User, case: Case, reason: str, session: SessionBase | None = None
) -> AccessLog:
    """Someone not assigned opens a restricted case: the reason is required and logged."""
    access = getattr(case, "access", None)
    if access is None:
        from simpul.access.cases import case_access

        access = case_access(user, case)
    if not access.visible:
        raise PermissionDenied
    return restricted_open(
        user=user,
        child_id=case.child_id,
        target=case,
        target_repr=case.case_number,
        reason=reason,
        session=session,
    )
