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
def validate_child_import(import_id: str) -> int:
    """Check every row of an uploaded spreadsheet of children (progress on the import page)."""
    from simpul.children import imports
    from simpul.children.models import ChildImport

    job = ChildImport.objects.filter(pk=import_id).first()
    if job is None:
        logger.info("Child import %s is gone.", import_id)
        return 0
    return imports.child_import_validate(job=job).processed_rows


@task()
def run_child_import(import_id: str) -> int:
    """Register the accepted rows of a checked spreadsheet, all in one transaction."""
    from simpul.children import imports
    from simpul.children.models import ChildImport

    job = ChildImport.objects.filter(pk=import_id).first()
    if job is None:
        logger.info("Child import %s is gone.", import_id)
        return 0
    return imports.child_import_run(job=job).created_count
