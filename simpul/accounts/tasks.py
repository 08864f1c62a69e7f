"""Background work of the accounts app (django-tasks; served by `manage.py db_worker`)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from simpul.accounts.models import Invitation
from simpul.accounts.tokens import invitation_token, token_hash

logger = logging.getLogger(__name__)


@task()
def send_invitation_email(invitation_id: str) -> bool:
    """Mail the (bilingual) invitation with its accept link. Skips invitations no longer pending."""
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_pending:
        logger.info("Invitation %s is gone or no longer pending; no e-mail sent.", invitation_id)
        return False
    raw_token = invitation_token(invitation)
    if token_hash(raw_token) != invitation.token_hash:
        # SECRET_KEY changed since the invitation was made (or it was resent meanwhile):
        # the link would not work. "Resend" issues a fresh one.
        logger.warning("Invitation %s: token does not match; resend it.", invitation_id)
        return False
    link = settings.SITE_URL + reverse("accounts:invitation_accept", args=[raw_token])
    context = {"invitation": invitation, "link": link, "site_url": settings.SITE_URL}
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])
    return True
