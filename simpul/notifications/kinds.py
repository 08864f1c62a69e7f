"""The registry of notification kinds.

Each app that sends notifications declares its kinds in ``<app>/notification_kinds.py``
(found by autodiscovery the first time the registry is read)::

    from django.utils.translation import gettext_lazy as _
    from simpul.notifications.kinds import notification_kind

    notification_kind("referrals.deadline", _("Referral deadline reminders"))

``email_default`` is what a user gets by e-mail when they have not chosen; the preferences page
lists every kind by its label. :func:`kind_get` raises on an unknown code, so ``notify`` with a
misspelt kind fails loudly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules

CODE = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$")


@dataclass(frozen=True)
class NotificationKind:
    code: str
    label: str | Promise
    email_default: bool = True


_KINDS: dict[str, NotificationKind] = {}
_discovered = False


def notification_kind(
    code: str, label: str | Promise, *, email_default: bool = True
) -> NotificationKind:
    """Register a kind (at import time of ``<app>/notification_kinds.py``)."""
    if not CODE.match(code):
        raise ImproperlyConfigured(f"Notification kind {code!r} is not an app.name code.")
    kind = NotificationKind(code=code, label=label, email_default=email_default)
    existing = _KINDS.get(code)
    if existing is not None and existing != kind:
        raise ImproperlyConfigured(f"Notification kind {code!r} is registered twice.")
    _KINDS[code] = kind
    return kind


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("notification_kinds")
        _discovered = True


def kind_get(code: str) -> NotificationKind:
    _discover()
    try:
        return _KINDS[code]
    except KeyError:
        raise ImproperlyConfigured(f"Unknown notification kind {code!r}.") from None


def kinds() -> list[NotificationKind]:
    _discover()
    return sorted(_KINDS.values(), key=lambda kind: kind.code)
