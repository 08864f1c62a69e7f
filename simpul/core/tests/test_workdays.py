import datetime as dt
import zoneinfo

import pytest

from simpul.core import workdays

D = dt.date


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2026, 12, 4), 1, D(2026, 12, 7)),  # Friday + 1 → Monday
        (D(2026, 12, 7), 3, D(2026, 12, 10)),  # plain week
        (D(2026, 12, 23), 3, D(2026, 12, 30)),  # Christmas (libur) and 24 Dec (cuti bersama)
        (D(2026, 3, 17), 1, D(2026, 3, 25)),  # Nyepi and Idulfitri with cuti bersama
        (D(2026, 12, 5), 0, D(2026, 12, 7)),  # a Saturday: the next working day
        (D(2026, 12, 7), 0, D(2026, 12, 7)),
    ],
)
def test_add_working_days_skips_weekends_holidays_and_cuti_bersama(start, n, due):
    assert workdays.add_working_days(start, n) == due


def test_cuti_bersama_is_not_a_working_day():
    assert not workdays.is_working_day(D(2026, 3, 20))  # cuti bersama Idulfitri, a Friday
    assert workdays.is_working_day(D(2026, 3, 26))


def test_days_between_counts_back_and_forth():
    assert workdays.working_days_between(D(2026, 12, 4), D(2026, 12, 10)) == 4
    assert workdays.working_days_between(D(2026, 12, 10), D(2026, 12, 4)) == -4
    assert workdays.working_days_between(D(2026, 12, 4), D(2026, 12, 4)) == 0


def test_a_year_lokal_id_does_not_hold_counts_weekends_only():
    year = max(workdays.KNOWN_YEARS) + 1
    assert not workdays.holidays_known(D(year, 1, 1))
    assert workdays.days_off(year) == frozenset()
    monday = D(year, 1, 1) + dt.timedelta(days=(7 - D(year, 1, 1).weekday()) % 7)
    assert workdays.add_working_days(monday, 5) == monday + dt.timedelta(days=7)


def test_deadline_at_is_the_end_of_the_working_day_in_the_start_zone():
    jakarta = zoneinfo.ZoneInfo("Asia/Jakarta")
    start = dt.datetime(2026, 12, 4, 16, 30, tzinfo=jakarta)
    assert workdays.deadline_at(start, 2) == dt.datetime(2026, 12, 8, 23, 59, tzinfo=jakarta)


def test_agrees_with_lokal_id_over_its_years():
    from lokal import holidays

    day = D(min(workdays.KNOWN_YEARS), 1, 1)
    while day.year in workdays.KNOWN_YEARS:
        assert workdays.is_working_day(day) == (
            day.weekday() < 5 and day not in workdays.days_off(day.year)
        ), day
        if day < D(max(workdays.KNOWN_YEARS), 12, 1):
            assert str(workdays.add_working_days(day, 5)) == str(holidays.add_working_days(day, 5))
        day += dt.timedelta(days=1)
