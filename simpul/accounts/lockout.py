"""Sign-in lock-out (django-axes) with two independent limits.

``AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]`` counts failures per account
(from any address) and per address (for any account). django-axes has one failure limit; this
handler scales the per-address count so that an address is locked after
``LOGIN_FAILURE_LIMIT_PER_IP`` failures and an account after ``AXES_FAILURE_LIMIT``.

A successful sign-in clears only that account's failures: signing in to one's own account must
not wipe the count of an address that is trying many others.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def _limit_for(parameters: Any) -> int:
    account_limit = int(settings.AXES_FAILURE_LIMIT)
    if list(parameters) == ["ip_address"]:
        return int(getattr(settings, "LOGIN_FAILURE_LIMIT_PER_IP", account_limit))
    return account_limit


class SimpulAxesHandler(AxesDatabaseHandler):
    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        account_limit = int(settings.AXES_FAILURE_LIMIT)
        worst, reason = 0, ""
        attempts_list = self.get_user_attempts(request, credentials)
        for parameters, attempts in zip(
            settings.AXES_LOCKOUT_PARAMETERS, attempts_list, strict=False
        ):
            count = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            # Scaled to the account limit: count >= own limit <=> scaled >= account limit.
            scaled = count * account_limit // max(_limit_for(parameters), 1)
            if scaled > worst or (scaled == worst and scaled >= account_limit and not reason):
                worst = scaled
                reason = "address" if list(parameters) == ["ip_address"] else "account"
        if request is not None and worst >= account_limit:
            # Read by the lock-out page and the audit record: which limit was reached.
            request.simpul_lockout_by = reason
        return worst

    def reset_user_attempts(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        deleted, _rows = AccessAttempt.objects.filter(username=username).delete()
        return deleted
