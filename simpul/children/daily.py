"""The children app's daily jobs (run by `manage.py daily`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from simpul.core.daily import daily_job


@daily_job("imports failed/cancelled", order=20)
def expire_imports(today: dt.date) -> Any:
    """Fail imports whose worker stopped; cancel and delete the files of undecided ones."""
    from simpul.children.imports import child_imports_expire

    result = child_imports_expire()
    return f"{result['failed']}/{result['cancelled']}"


@daily_job("duplicate scans failed", order=30)
def expire_scans(today: dt.date) -> Any:
    from simpul.children.services import duplicate_scans_expire

    return duplicate_scans_expire()
