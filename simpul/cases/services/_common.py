"""Helpers shared by the case services: validation, permission checks, audit with ``case_id``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from simpul.access.cases import CaseAccess, case_access_memo, forget_case_access
from simpul.cases.models import Case, CaseStatus
from simpul.core.audit import audit_log
from simpul.core.exceptions import ApplicationError
from simpul.core.models import AuditEvent

if TYPE_CHECKING:
    from simpul.accounts.models import User


def full_clean(instance: models.Model, exclude: list[str] | None = None) -> None:
    """``full_clean()`` that turns Django's ValidationError into an ApplicationError."""
    # Nullable references left empty (e.g. created_by of a system action) are not "required".
    empty_nullable = [
        f.name
        for f in instance._meta.concrete_fields
        if f.null and f.is_relation and getattr(instance, f.attname) is None
    ]
    try:
        instance.full_clean(exclude=[*(exclude or []), *empty_nullable])
    except ValidationError as exc:
        if hasattr(exc, "message_dict"):
            fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        else:
            fields = {"__all__": [str(m) for m in exc.messages]}
        message = "; ".join(m for msgs in fields.values() for m in msgs)
        raise ApplicationError(message, extra={"fields": fields}) from exc


def case_audit(
    *,
    actor: User | None,
    action: str,
    case: Case,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Every case service audits through here, so the case timeline finds the event by
    ``data.case_id`` even when the target is a related object (assessment, plan, placement…)."""
    return audit_log(
        actor=actor,
        action=action,
        target=target if target is not None else case,
        changes=changes,
        data={"case_id": str(case.pk), **(data or {})},
    )


def _access(actor: User, case: Case) -> CaseAccess:
    return case_access_memo(actor, case)


def require_edit(actor: User | None, case: Case) -> None:
    """The actor works on the case (assigned, or a supervisor in scope). ``None`` = the system."""
    if actor is None:
        return
    if not _access(actor, case).can_edit:
        raise PermissionDenied


def require_approve(actor: User | None, case: Case) -> None:
    """Only a supervisor whose region scope covers the case approves."""
    if actor is None:
        return
    if not _access(actor, case).can_approve:
        raise PermissionDenied


def require_visible(actor: User | None, case: Case) -> CaseAccess | None:
    if actor is None:
        return None
    access = _access(actor, case)
    if not access.visible:
        raise PermissionDenied
    return access


def case_accepts_work(case: Case) -> bool:
    """Work on the case (assessments, plans, actions, services) may be recorded: it is not
    closed. Pages ask this instead of comparing the status in a template."""
    return case.status != CaseStatus.CLOSED


CLOSED_MESSAGE = _("The case is closed. Reopen it before changing its work.")


def require_not_closed(case: Case) -> None:
    if not case_accepts_work(case):
        raise ApplicationError(CLOSED_MESSAGE)


def forget_access(case: Case) -> None:
    """Drop the cached access decision (after a change of assignment, kota or team)."""
    forget_case_access(case)


def lock(case: Case) -> None:
    """Lock the case row (serialises concurrent changes on PostgreSQL) and reload it, so
    checks run against the committed state."""
    list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True))
    case.refresh_from_db()
