"""Background work of the children app (django-tasks; served by `manage.py db_worker`)."""

from __future__ import annotations

import logging

from django_tasks import task

from simpul.children import services
from simpul.children.models import DuplicateScan

logger = logging.getLogger(__name__)


@task()
def run_duplicate_scan(scan_id: str) -> int:
    """The registry-wide duplicate scan started from the duplicates page."""
    scan = DuplicateScan.objects.filter(pk=scan_id).first()
    if scan is None:
        logger.info("Duplicate scan %s is gone.", scan_id)
        return 0
    return services.duplicate_scan_run(scan=scan).pairs_found


@task()
def open_transition_reviews() -> int:
    """Daily: a transition-review task on open cases of children turning 18 within 90 days."""
    return services.children_transition_tasks()
