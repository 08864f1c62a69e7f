"""Who sees which referral, the queues, the shared view and the response record."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from simpul.referrals import selectors, services
from simpul.referrals.models import Referral, ReferralEvent

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=WIB)


def test_visibility(
    referral,
    worker,
    supervisor,
    other_supervisor,
    lksa_staff,
    yayasan_staff,
    colleague,
    case,
    yayasan,
):
    to_yayasan = services.referral_create(actor=worker, case=case, to_organization=yayasan)
    # The LKSA works on the case (accepted), yet never sees the referral to the yayasan.
    services.referral_accept(referral=referral, actor=lksa_staff)
    assert set(selectors.referrals_visible_to(lksa_staff)) == {referral}
    assert set(selectors.referrals_visible_to(yayasan_staff)) == {to_yayasan}
    assert set(selectors.referrals_visible_to(worker)) == {referral, to_yayasan}
    assert set(selectors.referrals_visible_to(supervisor)) == {referral, to_yayasan}
    assert not selectors.referrals_visible_to(other_supervisor).exists()
    assert not selectors.referrals_visible_to(colleague).exists()
    assert list(selectors.intake_queue(lksa_staff)) == [referral]
    assert list(selectors.intake_queue(worker)) == []
    assert set(selectors.outgoing(worker)) == {referral, to_yayasan}
    assert not selectors.outgoing(lksa_staff).exists()


def test_shared_view_only_shared_fields(case, worker, lksa, sharing_allowed, lksa_staff):
    r = services.referral_create(
        actor=worker,
        case=case,
        to_organization=lksa,
        needs_summary="Perlu sekolah",
        shared_fields=["age", "needs_summary"],
    )
    view = selectors.referral_shared_view(r, lksa_staff)
    assert [code for code, _label, _v in view["shared"]] == ["age", "needs_summary"]
    assert case.child.full_name not in str(view)
    r2 = services.referral_create(
        actor=worker, case=case, to_organization=lksa, shared_fields=["child_name"]
    )
    assert case.child.full_name in str(selectors.referral_shared_view(r2, lksa_staff))


def test_response_record(case, worker, lksa, sharing_allowed, lksa_staff):
    # Three referrals made Monday 7 Dec 2026 09:00 (normal: acknowledge by Wed 9 Dec).
    made = at("2026-12-07")
    rs = [
        services.referral_create(actor=worker, case=case, to_organization=lksa, now=made)
        for _ in range(4)
    ]
    a, b, c, _d = rs
    services.referral_accept(referral=a, actor=lksa_staff, now=made + dt.timedelta(hours=2))
    services.referral_start(referral=a, actor=lksa_staff, now=made + dt.timedelta(hours=3))
    services.referral_complete(
        referral=a, actor=lksa_staff, outcome="got_help", now=made + dt.timedelta(hours=50)
    )
    services.referral_receive(referral=b, actor=lksa_staff, now=made + dt.timedelta(hours=4))
    services.referral_accept(referral=b, actor=lksa_staff, now=made + dt.timedelta(hours=10))
    services.referral_reject(
        referral=c,
        actor=lksa_staff,
        reason="penuh",
        outcome="no_capacity",
        now=made + dt.timedelta(hours=80),
    )  # Thursday: after the acknowledge deadline
    # d: never answered.
    now = at("2026-12-11")
    rec = selectors.response_record(lksa, since=dt.date(2026, 12, 1), now=now)
    assert rec["received"] == 4
    assert rec["accepted"] == 2
    assert rec["rejected"] == 1
    assert rec["rejected_by_reason"] == {"no_capacity": 1}
    assert rec["completed"] == 1
    # Acknowledged after 2, 4 and 80 hours: median 4, mean 28.7.
    assert rec["median_acknowledge_hours"] == 4.0
    assert rec["avg_acknowledge_hours"] == 28.7
    assert rec["median_accept_hours"] == 6.0  # 2 and 10
    assert rec["median_complete_hours"] == 50.0
    # a, b in time; c late; d overdue unanswered: 2 of 4.
    assert rec["within_deadline_share"] == 0.5
    assert rec["open"] == 2  # b accepted, d requested
    assert rec["overdue"] == 1  # d (b must start only by 21 Dec)
    assert ReferralEvent.objects.filter(referral__in=rs).count() >= 9
    assert Referral.objects.count() == 4
