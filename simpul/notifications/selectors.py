"""Reading notifications and preferences."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, QuerySet, Value, When

from simpul.notifications.kinds import NotificationKind, kind_get, kinds
from simpul.notifications.models import Notification, NotificationPreference

if TYPE_CHECKING:
    from simpul.accounts.models import User


@dataclass(frozen=True)
class Choice:
    """What one user wants for one kind (a stored preference or the kind's default)."""

    kind: NotificationKind
    email: bool
    digest: bool
    whatsapp: bool
    stored: bool = False


def _default(kind: NotificationKind) -> Choice:
    return Choice(kind=kind, email=kind.email_default, digest=False, whatsapp=False)


def choices_for_users(*, user_ids: Iterable, kind: str) -> dict:
    """{user id: Choice} for one kind, in one query."""
    spec = kind_get(kind)
    ids = list(user_ids)
    stored = {
        p.user_id: Choice(
            kind=spec, email=p.email, digest=p.digest, whatsapp=p.whatsapp, stored=True
        )
        for p in NotificationPreference.objects.filter(user_id__in=ids, kind=kind)
    }
    return {user_id: stored.get(user_id) or _default(spec) for user_id in ids}


def choices_for_user(*, user: User) -> list[Choice]:
    """Every kind with what ``user`` wants (the preferences page)."""
    stored = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    result = []
    for spec in kinds():
        p = stored.get(spec.code)
        if p is None:
            result.append(_default(spec))
        else:
            result.append(
                Choice(kind=spec, email=p.email, digest=p.digest, whatsapp=p.whatsapp, stored=True)
            )
    return result


def inbox(*, user: User) -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first."""
    return (
        Notification.objects.filter(recipient=user)
        .alias(
            read=Case(
                When(read_at__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("read", "-created_at", "-id")
    )


def unread_count(*, user: User) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
