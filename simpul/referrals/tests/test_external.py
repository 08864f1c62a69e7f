"""The no-account link: only the shared fields, every use audited, expiry, no reuse after the
outcome; the e-mail carries the link."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from simpul.core.models import AuditEvent
from simpul.referrals import services
from simpul.referrals.models import ExternalLink, ReferralStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(referral, worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        raw = services.referral_send_external(
            referral=referral, actor=worker, to_email="puskesmas@example.org"
        )
    return raw


def test_link_mailed_and_only_hash_stored(sent, referral):
    link = ExternalLink.objects.get(referral=referral)
    assert link.token_hash == services.token_hash(sent) and sent not in link.token_hash
    assert len(mail.outbox) == 1 and f"/referrals/r/{sent}/" in mail.outbox[0].body
    assert link.expires_at - timezone.now() > dt.timedelta(days=13)


def test_page_shows_only_shared_fields(sent, referral, client, case):
    response = client.get(f"/referrals/r/{sent}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert case.child.full_name not in html
    assert case.case_number not in html
    assert "Butuh tempat tinggal" in html  # the needs summary, shared by default
    assert AuditEvent.objects.filter(
        action="referrals.referral.link_opened", data__external_actor="puskesmas@example.org"
    ).exists()


def test_accept_then_outcome_then_dead(sent, referral, client, case):
    url = f"/referrals/r/{sent}/"
    assert client.post(url, {"action": "accept"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    event = AuditEvent.objects.get(action="referrals.referral.accept")
    assert event.actor is None and event.data["external_actor"] == "puskesmas@example.org"
    # The outcome is required.
    assert client.post(url, {"action": "complete", "outcome": ""}).status_code == 400
    response = client.post(url, {"action": "complete", "outcome": "got_help"})
    assert response.status_code == 302 and response.url.endswith("/done/")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    # No reuse after the outcome.
    assert client.get(url).status_code == 410
    assert client.post(url, {"action": "fail", "reason": "x"}).status_code == 410


def test_reject_needs_reason(sent, referral, client):
    url = f"/referrals/r/{sent}/"
    assert client.post(url, {"action": "reject", "reason": ""}).status_code == 400
    assert client.post(url, {"action": "reject", "reason": "Penuh"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REJECTED and referral.status_reason == "Penuh"
    assert client.get(url).status_code == 410


def test_expired_and_unknown(sent, referral, client):
    ExternalLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(f"/referrals/r/{sent}/").status_code == 410
    assert client.get("/referrals/r/nonsense/").status_code == 410


def test_illegal_step_refused(sent, referral, client):
    response = client.post(f"/referrals/r/{sent}/", {"action": "complete", "outcome": "got_help"})
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REQUESTED


def test_cancel_kills_link(sent, referral, client, worker):
    services.referral_cancel(referral=referral, actor=worker, reason="tidak perlu")
    assert client.get(f"/referrals/r/{sent}/").status_code == 410
    assert re.match(r"^[A-Za-z0-9_-]{40,}$", sent)
