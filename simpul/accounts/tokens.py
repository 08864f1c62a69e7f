"""Invitation tokens: derived, never stored (the database keeps only their SHA-256). Used by the
services that create invitations and by the task that mails them, so neither imports the other
for it."""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING

from django.utils.crypto import salted_hmac

if TYPE_CHECKING:
    from simpul.accounts.models import Invitation


def token_hash(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def invitation_token(invitation: Invitation) -> str:
    """The link token of ``invitation``.

    Derived with HMAC(SECRET_KEY) from the invitation's id and expiry, so the e-mail task (which
    is given only the id) can rebuild it while the database holds nothing but its SHA-256 hash.
    Resending moves the expiry, which gives a new token and invalidates the old link.
    """
    value = f"{invitation.pk}:{int(invitation.expires_at.timestamp())}:{invitation.expires_at.microsecond}"
    digest = salted_hmac("simpul.accounts.invitation", value, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
