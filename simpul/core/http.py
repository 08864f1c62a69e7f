"""A request type whose ``user`` is a signed-in :class:`~simpul.accounts.models.User`.

``LoginRequiredMiddleware`` guarantees that every view not marked ``@login_not_required`` sees an
authenticated user, so views annotate their request with this type instead of ``HttpRequest``
(as healthchecks does with ``hc.accounts.http.AuthenticatedHttpRequest``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from simpul.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User  # type: ignore[assignment]
