"""Parents and guardians of a child."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from simpul.children.models import (
    Child,
    Guardian,
)
from simpul.children.services._common import (
    GUARDIAN_FIELDS,
    _active_child,
    _full_clean,
    _require_edit,
)
from simpul.core.audit import audit_log, diff, snapshot
from simpul.core.exceptions import ApplicationError

if TYPE_CHECKING:
    from simpul.accounts.models import User

logger = logging.getLogger(__name__)


@transaction.atomic
def guardian_save(
    *, actor: User, child: Child, data: dict[str, Any], guardian: Guardian | None = None
) -> Guardian:
    """Add (``guardian=None``) or update a parent/guardian."""
    _require_edit(actor, child)
    _active_child(child)
    unknown = set(data) - set(GUARDIAN_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    guardian = guardian or Guardian(child=child)
    if guardian.child_id != child.pk:
        raise ApplicationError(_("This guardian belongs to another child."))
    before = (
        snapshot(guardian, GUARDIAN_FIELDS) if guardian.pk and not guardian._state.adding else {}
    )
    for k, v in data.items():
        setattr(guardian, k, v)
    _full_clean(guardian)
    guardian.save()
    audit_log(
        actor=actor,
        action="children.guardian.saved",
        target=child,
        changes=diff(before, snapshot(guardian, GUARDIAN_FIELDS)),
        data={"guardian": str(guardian.pk)},
    )
    return guardian


@transaction.atomic
def guardian_remove(*, actor: User, guardian: Guardian) -> None:
    child = guardian.child
    _require_edit(actor, child)
    before = snapshot(guardian, GUARDIAN_FIELDS)
    pk = guardian.pk
    guardian.delete()
    audit_log(
        actor=actor,
        action="children.guardian.removed",
        target=child,
        changes=diff(before, {}),
        data={"guardian": str(pk)},
    )
