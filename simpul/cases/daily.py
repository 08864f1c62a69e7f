"""The cases app's daily jobs (run by `manage.py daily`)."""

from __future__ import annotations

import datetime as dt

from simpul.core.daily import daily_job


@daily_job("transition reviews opened", order=10)
def open_transition_reviews(today: dt.date) -> int:
    """A transition-review task on open cases of children turning 18 within 90 days."""
    from simpul.cases.services.transitions import transition_reviews_open

    return transition_reviews_open(today)
