"""Signal receivers: audit lock-outs reported by django-axes."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.dispatch import receiver

from simpul.accounts import services


@receiver(user_locked_out, dispatch_uid="simpul.accounts.audit_locked_out")
def audit_locked_out(
    sender: Any, request: Any = None, username: str | None = None, **kwargs: Any
) -> None:
    services.user_lockout_record(
        username=username or "",
        ip_address=str(kwargs.get("ip_address") or ""),
        locked_by=str(getattr(request, "simpul_lockout_by", "") or "account"),
    )
