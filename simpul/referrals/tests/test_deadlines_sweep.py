"""Deadlines in working days (weekends, libur nasional, cuti bersama) and the deadline sweep:
reminder, escalation to the organisation's admins, then to the supervisors in scope; twice = once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from simpul.referrals import services, sweeps
from simpul.referrals.models import ReferralReminder, ReminderLevel

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=WIB)


def _dates(referral):
    return [
        referral.acknowledge_due.astimezone(WIB).date().isoformat(),
        referral.decide_due.astimezone(WIB).date().isoformat(),
        referral.start_due.astimezone(WIB).date().isoformat(),
        referral.finish_due.astimezone(WIB).date().isoformat(),
    ]


@pytest.mark.parametrize(
    ("made", "urgency", "expected"),
    [
        # Wednesday 23 Dec 2026: 24 Dec cuti bersama, 25 Dec Christmas, then the weekend.
        ("2026-12-23", "normal", ["2026-12-29", "2027-01-04", "2027-01-12", "2027-01-26"]),
        ("2026-12-23", "high", ["2026-12-28", "2026-12-29", "2026-12-30", "2027-01-12"]),
        ("2026-12-23", "immediate", ["2026-12-23", "2026-12-28", "2026-12-28", "2027-01-04"]),
        # Tuesday 17 Mar 2026: Nyepi, Idul Fitri and their cuti bersama until 24 Mar.
        ("2026-03-17", "normal", ["2026-03-26", "2026-03-31", "2026-04-08", "2026-04-22"]),
        ("2026-03-17", "high", ["2026-03-25", "2026-03-26", "2026-03-27", "2026-04-08"]),
    ],
)
def test_default_deadlines_across_holidays(made, urgency, expected):
    dues = services.deadlines_for(urgency=urgency, made_at=at(made))
    got = [dues[f"{s}_due"].astimezone(WIB).date().isoformat() for s in services.Step.values]
    assert got == expected
    assert all(d.astimezone(WIB).time() == dt.time(23, 59) for d in dues.values())


def test_made_on_saturday_counts_from_monday():
    dues = services.deadlines_for(urgency="immediate", made_at=at("2026-12-05"))
    assert dues["acknowledge_due"].astimezone(WIB).date() == dt.date(2026, 12, 7)


def test_protocol_days_override_defaults():
    class Protocol:
        def deadlines(self, urgency):
            return {"acknowledge": 3, "decide": 4, "start": 5, "finish": 6}

    dues = services.deadlines_for(urgency="normal", made_at=at("2026-12-01"), protocol=Protocol())
    assert dues["acknowledge_due"].astimezone(WIB).date() == dt.date(2026, 12, 4)


def test_referral_keeps_its_deadlines(case, worker, lksa, sharing_allowed):
    r = services.referral_create(
        actor=worker, case=case, to_organization=lksa, now=at("2026-12-23")
    )
    assert _dates(r) == ["2026-12-29", "2027-01-04", "2027-01-12", "2027-01-26"]


@pytest.fixture
def late(case, worker, lksa, sharing_allowed, lksa_staff, lksa_admin):
    # Made Wednesday 2 Dec 2026, normal: acknowledge by Friday 4 Dec 23:59.
    return services.referral_create(
        actor=worker, case=case, to_organization=lksa, now=at("2026-12-02")
    )


def _levels(referral):
    return set(ReferralReminder.objects.filter(referral=referral).values_list("step", "level"))


def test_sweep_reminder_then_escalations_once(late, supervisor, other_supervisor):
    assert sweeps.referral_deadline_sweep(now=at("2026-12-04", 22)) == {
        "reminder": 0,
        "escalation_admin": 0,
        "escalation_supervisor": 0,
    }
    # Saturday: overdue → reminder only.
    out = sweeps.referral_deadline_sweep(now=at("2026-12-05"))
    assert out["reminder"] == 1 and out["escalation_admin"] == 0
    assert sweeps.referral_deadline_sweep(now=at("2026-12-05", 11))["reminder"] == 0
    # Saturday, Sunday: still within the first working day after the due.
    assert sweeps.referral_deadline_sweep(now=at("2026-12-06"))["escalation_admin"] == 0
    # Monday 7 Dec ends the first working day after: on Tuesday the admins are told.
    assert sweeps.referral_deadline_sweep(now=at("2026-12-07", 23))["escalation_admin"] == 0
    out = sweeps.referral_deadline_sweep(now=at("2026-12-08"))
    assert out == {"reminder": 0, "escalation_admin": 1, "escalation_supervisor": 0}
    out = sweeps.referral_deadline_sweep(now=at("2026-12-09"))
    assert out == {"reminder": 0, "escalation_admin": 0, "escalation_supervisor": 1}
    # Run twice: nothing more.
    out = sweeps.referral_deadline_sweep(now=at("2026-12-09"))
    assert out == {"reminder": 0, "escalation_admin": 0, "escalation_supervisor": 0}
    assert _levels(late) == {
        ("acknowledge", ReminderLevel.REMINDER),
        ("acknowledge", ReminderLevel.ESCALATION_ADMIN),
        ("acknowledge", ReminderLevel.ESCALATION_SUPERVISOR),
    }


def test_escalation_recipients(late, lksa_staff, lksa_admin, supervisor, other_supervisor):
    pairs = [(late, "acknowledge")]
    reminder = sweeps._recipients(ReminderLevel.REMINDER, pairs)[late.pk]
    assert set(reminder) == {lksa_staff, lksa_admin}
    admins = sweeps._recipients(ReminderLevel.ESCALATION_ADMIN, pairs)[late.pk]
    assert admins == [lksa_admin]
    sups = sweeps._recipients(ReminderLevel.ESCALATION_SUPERVISOR, pairs)[late.pk]
    assert supervisor in sups and other_supervisor not in sups
    assert lksa_staff not in sups


def test_answered_referral_is_not_reminded(late, lksa_staff):
    services.referral_receive(referral=late, actor=lksa_staff, now=at("2026-12-03"))
    assert sweeps.referral_deadline_sweep(now=at("2026-12-05"))["reminder"] == 0
    # The decide step (5 working days from 2 Dec: 9 Dec) is reminded when it passes.
    assert sweeps.referral_deadline_sweep(now=at("2026-12-09", 23))["reminder"] == 0
    assert sweeps.referral_deadline_sweep(now=at("2026-12-10"))["reminder"] == 1
    assert ("decide", "reminder") in _levels(late)


def test_escalations_selector(late, supervisor, lksa_admin, other_supervisor):
    from simpul.referrals.selectors import escalations

    sweeps.referral_deadline_sweep(now=at("2026-12-05"))
    sweeps.referral_deadline_sweep(now=at("2026-12-08"))
    assert list(escalations(lksa_admin)) == [late]
    assert list(escalations(supervisor)) == []
    sweeps.referral_deadline_sweep(now=at("2026-12-09"))
    assert list(escalations(supervisor)) == [late]
    assert list(escalations(other_supervisor)) == []


def test_sweep_twice_notifies_once(late, lksa_staff, lksa_admin):
    from simpul.notifications.models import Notification

    sweeps.referral_deadline_sweep(now=at("2026-12-05"))
    sweeps.referral_deadline_sweep(now=at("2026-12-05", 12))
    reminders = Notification.objects.filter(kind="referrals.deadline", recipient=lksa_staff)
    assert reminders.count() == 1
    assert Notification.objects.filter(kind="referrals.new", recipient=lksa_staff).count() == 1
