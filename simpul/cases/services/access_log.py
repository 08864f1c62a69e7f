"""The access log: every view of a case (a child's record) and every opening of a restricted case."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction

from simpul.access.restricted import restricted_open
from simpul.cases.models import Case
from simpul.core import request_context
from simpul.core.audit import acting_organization
from simpul.core.models import AccessLog

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase

    from simpul.accounts.models import User


def _write(*, user: User, case: Case, action: str, reason: str = "") -> AccessLog:
    org = acting_organization(user)
    return AccessLog.objects.create(
        user=user,
        user_email=user.email,
        organization_name=org.name if org else "",
        action=action,
        child_id=str(case.child_id),
        target_type=ContentType.objects.get_for_model(Case),
        target_id=str(case.pk),
        target_repr=case.case_number,
        reason=reason[:255],
        ip_address=request_context.current().ip_address,
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
