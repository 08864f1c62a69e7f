"""The matcher's index and the registry-wide duplicate scan."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul import matching
from simpul.accounts import permissions
from simpul.children import selectors
from simpul.children.models import (
    Child,
    ChildAlias,
    DuplicateCandidate,
    DuplicateScan,
    NameToken,
)
from simpul.children.services._common import SCAN_BATCH, _apply_keys, _check, _frequency_tokens
from simpul.core.audit import audit_log
from simpul.core.exceptions import ApplicationError
from simpul.core.jobs import enqueue_on_commit

if TYPE_CHECKING:
    from simpul.accounts.models import User

logger = logging.getLogger(__name__)


# --- the matcher's index ---------------------------------------------------------------------
def match_index_rebuild(*, batch_size: int = 2000, progress: Any = None) -> dict[str, int]:
    """Recompute every active child's blocking keys and search name, and the NameToken counts,
    from the records themselves. Run after the matcher's key format changes or after rows were
    written without the services (``manage.py rebuild_match_index``). Idempotent."""
    from collections import Counter

    counts: Counter[str] = Counter()
    base = Child.objects.active().order_by("pk")
    total = base.count()
    done = changed = 0
    columns = ["search_name", *matching.BLOCKING_COLUMNS]
    last = None
    while True:
        qs = base if last is None else base.filter(pk__gt=last)
        batch = list(
            qs.select_related("current_kelurahan").prefetch_related("aliases")[:batch_size]
        )
        if not batch:
            break
        dirty = []
        for child in batch:
            before = [getattr(child, c) for c in columns]
            _apply_keys(child)
            if [getattr(child, c) for c in columns] != before:
                dirty.append(child)
            counts.update(_frequency_tokens(child))
        with transaction.atomic():
            Child.objects.bulk_update(dirty, columns, batch_size=500)
        changed += len(dirty)
        done += len(batch)
        last = batch[-1].pk
        if progress:
            progress(done, total)
    with transaction.atomic():
        existing = dict(NameToken.objects.values_list("token", "pk"))
        stale = [pk for t, pk in existing.items() if t not in counts]
        for i in range(0, len(stale), 500):
            NameToken.objects.filter(pk__in=stale[i : i + 500]).delete()
        NameToken.objects.bulk_update(
            [
                NameToken(pk=existing[t], token=t, count=n)
                for t, n in counts.items()
                if t in existing
            ],
            ["count"],
            batch_size=1000,
        )
        NameToken.objects.bulk_create(
            [NameToken(token=t, count=n) for t, n in counts.items() if t not in existing],
            batch_size=1000,
        )
    selectors.DbTokenStats.forget_size()
    result = {"children": done, "keys_changed": changed, "tokens": len(counts)}
    audit_log(actor=None, action="children.match_index.rebuilt", data=result)
    return result


# --- registry-wide duplicate scan -------------------------------------------------------------
@transaction.atomic
def duplicate_scan_start(*, actor: User) -> DuplicateScan:
    _check(actor, permissions.can_merge_children(actor))
    if DuplicateScan.objects.filter(
        status__in=[DuplicateScan.Status.QUEUED, DuplicateScan.Status.RUNNING]
    ).exists():
        raise ApplicationError(_("A duplicate scan is already running. Wait for it to finish."))
    scan = DuplicateScan.objects.create(started_by=actor)
    audit_log(actor=actor, action="children.duplicate_scan.started", target=scan)

    enqueue_on_commit("simpul.children.tasks.run_duplicate_scan", str(scan.pk))
    return scan


def duplicate_scan_run(*, scan: DuplicateScan) -> DuplicateScan:
    """Scan every active child for probable duplicates with :mod:`simpul.matching.scanning`:
    every pair that a duplicate check from either child would fetch, scored once (the same
    ``compare`` as the check, so the same score and reasons). Children are streamed from the
    database in id order; candidate pairs (likely/possible, at most 50 per child) are stored
    as the scan advances, with progress. Reviewed pairs keep their status."""
    from uuid import UUID

    from simpul.children.identity import record_from_values
    from simpul.matching import DuplicateScanner

    if scan.status not in (DuplicateScan.Status.QUEUED, DuplicateScan.Status.RUNNING):
        return scan
    base = Child.objects.active().order_by("pk")
    scan.status = DuplicateScan.Status.RUNNING
    scan.started_at = timezone.now()
    scan.total = base.count()
    scan.processed = 0
    scan.save(update_fields=["status", "started_at", "total", "processed", "updated_at"])
    found = 0
    try:
        # Token frequencies as a check sees them (selectors.DbTokenStats), read once.
        stats = matching.InMemoryTokenStats(
            dict(NameToken.objects.values_list("token", "count")), scan.total
        )
        aliases: dict[Any, list[str]] = {}
        alias_rows = ChildAlias.objects.filter(child__merged_into__isnull=True).order_by(
            "child_id", "created_at"
        )
        for child_id, name in alias_rows.values_list("child_id", "name").iterator(chunk_size=2000):
            aliases.setdefault(child_id, []).append(name)
        fields = (
            "full_name",
            "sex",
            "birth_date",
            "estimated_age",
            "age_estimated_on",
            "nik",
            "mother_name",
            "current_kelurahan",
            "origin_region_code",
        )
        scanner = DuplicateScanner(stats)
        rows = base.values_list(
            "pk", *fields[:7], "current_kelurahan__code", fields[8], *matching.BLOCKING_COLUMNS
        )
        for row in rows.iterator(chunk_size=2000):
            record = record_from_values(
                dict(zip(fields, row[1:10], strict=True)),
                aliases=tuple(aliases.get(row[0], ())),
                record_id=str(row[0]),
            )
            scanner.add(record, dict(zip(matching.BLOCKING_COLUMNS, row[10:], strict=True)))
        del aliases
        scan.total = len(scanner)
        scanner.prepare()
        records = scanner.records
        for start in range(0, len(scanner), SCAN_BATCH):
            by_pair: dict[tuple[str, str], matching.MatchResult] = {}
            per_child: dict[int, list[Any]] = {}
            for hit in scanner.scan(start, start + SCAN_BATCH):
                if hit.result.level != "unlikely":
                    per_child.setdefault(hit.i, []).append(hit)
            for i, hits in per_child.items():
                hits.sort(key=lambda h: (-h.result.score, records[h.j].id))
                for hit in hits[:50]:
                    a, b = sorted((records[i].id, records[hit.j].id))
                    by_pair[(a, b)] = hit.result
            with transaction.atomic():
                existing: dict[tuple[str, str], tuple[Any, str]] = {}
                firsts = sorted({UUID(a) for a, _b in by_pair})
                for k in range(0, len(firsts), 500):
                    for pk, a, b, status in DuplicateCandidate.objects.filter(
                        child_a_id__in=firsts[k : k + 500]
                    ).values_list("pk", "child_a_id", "child_b_id", "status"):
                        if (str(a), str(b)) in by_pair:
                            existing[(str(a), str(b))] = (pk, status)
                new, changed = [], []
                for (a, b), result in by_pair.items():
                    values = {
                        "scan": scan,
                        "score": result.score,
                        "level": result.level,
                        "reasons": selectors.reasons_as_dicts(result),
                    }
                    if (a, b) not in existing:
                        new.append(
                            DuplicateCandidate(child_a_id=UUID(a), child_b_id=UUID(b), **values)
                        )
                    elif existing[(a, b)][1] == DuplicateCandidate.Status.OPEN:
                        changed.append(DuplicateCandidate(pk=existing[(a, b)][0], **values))
                DuplicateCandidate.objects.bulk_create(new, batch_size=500)
                DuplicateCandidate.objects.bulk_update(
                    changed, ["scan", "score", "level", "reasons"], batch_size=500
                )
                found += len(by_pair)
                scan.processed = min(start + SCAN_BATCH, len(scanner))
                scan.pairs_found = found
                scan.save(update_fields=["total", "processed", "pairs_found", "updated_at"])
        scan.status = DuplicateScan.Status.DONE
    except Exception as exc:  # recorded for the page; the worker logs the traceback
        logger.exception("Duplicate scan %s failed", scan.pk)
        scan.status = DuplicateScan.Status.FAILED
        scan.error = str(exc)[:2000]
    scan.finished_at = timezone.now()
    scan.save(update_fields=["status", "finished_at", "error", "updated_at"])
    return scan


SCAN_STUCK_AFTER = dt.timedelta(hours=6)


def duplicate_scans_expire(*, now: dt.datetime | None = None) -> int:
    """Daily housekeeping: a scan without progress for SCAN_STUCK_AFTER (its worker stopped) is
    marked failed, so a new one can be started; the pairs it found stay for review."""
    now = now or timezone.now()
    stuck = list(
        DuplicateScan.objects.filter(
            status__in=[DuplicateScan.Status.QUEUED, DuplicateScan.Status.RUNNING],
            updated_at__lt=now - SCAN_STUCK_AFTER,
        )
    )
    for scan in stuck:
        scan.status = DuplicateScan.Status.FAILED
        scan.finished_at = now
        scan.error = str(
            _("The scan stopped (the background worker was interrupted). Start it again.")
        )
        scan.save(update_fields=["status", "finished_at", "error", "updated_at"])
        audit_log(
            actor=None,
            action="children.duplicate_scan.expired",
            target=scan,
            data={"processed": scan.processed, "total": scan.total},
        )
    return len(stuck)


@transaction.atomic
def duplicate_candidate_dismiss(
    *, actor: User, candidate: DuplicateCandidate
) -> DuplicateCandidate:
    """ "Not the same child": recorded, and the pair is not proposed again."""
    _check(actor, permissions.can_merge_children(actor))
    candidate.status = DuplicateCandidate.Status.NOT_DUPLICATE
    candidate.reviewed_by = actor
    candidate.save(update_fields=["status", "reviewed_by", "updated_at"])
    audit_log(
        actor=actor,
        action="children.duplicate.dismissed",
        target=candidate.child_a,
        data={
            "candidate": str(candidate.pk),
            "child_a": str(candidate.child_a_id),
            "child_b": str(candidate.child_b_id),
        },
    )
    return candidate
