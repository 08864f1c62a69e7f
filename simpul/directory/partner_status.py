"""Statuses other apps show beside an organisation in the partner picker.

The directory owns organisations, but not every fact about them: whether a valid agreement
(MoU/PKS) covers a partner belongs to the agreements app, which does not exist yet. So the picker
asks a small registry here, and a higher app adds its column without the directory importing it
(dependencies run one way)::

    # simpul/agreements/apps.py
    class AgreementsConfig(AppConfig):
        def ready(self) -> None:
            from simpul.directory.partner_status import PartnerStatus, partner_status_register

            def agreement_status(user, organizations):
                # one query for the whole page of organisations, scoped to ``user``
                return {org_id: PartnerStatus(label, tone) for ... in ...}

            partner_status_register("agreement", agreement_status)

A provider takes the acting user and one page of organisations and returns a status per
organisation id (organisations it says nothing about show "—"). The picker always shows the
"agreement" column, so the page does not change shape when the agreements app arrives.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from simpul.accounts.models import User
    from simpul.directory.models import Organization

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PartnerStatus:
    label: str  # what the picker shows, already translated ("PKS berlaku s.d. 30 Jun 2027")
    tone: str = ""  # "", "ok", "warn" or "danger": the badge colour


PartnerStatusProvider = Callable[["User", Sequence["Organization"]], Mapping[Any, PartnerStatus]]

# The columns the picker shows, in order: key → label. A provider fills one of them.
COLUMNS: dict[str, Any] = {"agreement": _("Agreement")}
_PROVIDERS: dict[str, PartnerStatusProvider] = {}


def partner_status_register(
    key: str, provider: PartnerStatusProvider, *, label: Any = None
) -> None:
    """Let ``provider`` fill column ``key`` (a new column needs its ``label``)."""
    if key not in COLUMNS:
        if label is None:
            raise ValueError(f"partner status column {key!r} needs a label")
        COLUMNS[key] = label
    _PROVIDERS[key] = provider


def partner_status_unregister(key: str) -> None:
    _PROVIDERS.pop(key, None)


def partner_statuses(
    *, user: User, organizations: Sequence[Organization]
) -> dict[Any, list[tuple[str, PartnerStatus | None]]]:
    """For each organisation id: ``[(column label, status or None), …]`` in column order.
    A provider that fails is logged and shows nothing (the picker must still work)."""
    found: dict[str, Mapping[Any, PartnerStatus]] = {}
    for key, provider in _PROVIDERS.items():
        try:
            found[key] = provider(user, organizations) if organizations else {}
        except Exception:
            logger.exception("partner status provider %s failed", key)
            found[key] = {}
    return {
        org.pk: [(str(label), found.get(key, {}).get(org.pk)) for key, label in COLUMNS.items()]
        for org in organizations
    }
