"""Working days in Indonesia: weekends, libur nasional and cuti bersama from the yearly SKB 3
Menteri, as published in ``lokal-id`` (``lokal.holidays``). Deadlines between organisations
(referral response times, protocol deadlines) are counted in working days with this module.

``lokal-id`` holds the years it lists in ``HOLIDAY_YEARS``. For a year it does not hold yet (the
SKB usually appears in September of the year before), only weekends count as days off, and
``holidays_known`` says so, so a page can warn that the date may move.
"""

from __future__ import annotations

import datetime as dt

from lokal import holidays as _holidays

KNOWN_YEARS: tuple[int, ...] = tuple(_holidays.HOLIDAY_YEARS)
_WEEKEND = {5, 6}  # Saturday, Sunday (date.weekday())


def _days_off(year: int) -> frozenset[dt.date]:
    if year not in KNOWN_YEARS:
        return frozenset()
    return frozenset(dt.date.fromisoformat(h.date) for h in _holidays.get_holidays(year).holidays)


_CACHE: dict[int, frozenset[dt.date]] = {}


def days_off(year: int) -> frozenset[dt.date]:
    """Libur nasional and cuti bersama of ``year`` (empty if ``lokal-id`` does not hold it)."""
    if year not in _CACHE:
        _CACHE[year] = _days_off(year)
    return _CACHE[year]


def holidays_known(day: dt.date) -> bool:
    return day.year in KNOWN_YEARS


def is_working_day(day: dt.date) -> bool:
    if holidays_known(day):
        return bool(_holidays.is_working_day(day))
    return day.weekday() not in _WEEKEND


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``start`` (``n`` = 0: ``start`` itself if it is a working
    day, else the next one). A referral made on Friday with 1 working day is due on Monday."""
    if n < 0:
        raise ValueError("n must be 0 or more")
    day = start
    if n == 0:
        while not is_working_day(day):
            day += dt.timedelta(days=1)
        return day
    while n:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is
    earlier): how late a deadline is, in working days."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def deadline_at(
    start: dt.datetime, working_days: int, *, hour: int = 23, minute: int = 59
) -> dt.datetime:
    """The moment a deadline of ``working_days`` after ``start`` falls: the end of that working
    day, in ``start``'s time zone."""
    day = add_working_days(start.date(), working_days)
    return start.replace(
        year=day.year,
        month=day.month,
        day=day.day,
        hour=hour,
        minute=minute,
        second=0,
        microsecond=0,
    )
