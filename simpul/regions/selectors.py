"""Reads of the region hierarchy (public reference data, no per-user scoping)."""

from __future__ import annotations

from django.db.models import QuerySet

from simpul.regions.models import DKI_JAKARTA, Region


def region_children(*, parent_code: str) -> QuerySet[Region]:
    """Direct children of the region ``parent_code`` (none for an empty code)."""
    if not parent_code:
        return Region.objects.none()
    return Region.objects.filter(parent__code=parent_code).order_by("name")


def region_kotas(*, province: str = DKI_JAKARTA) -> QuerySet[Region]:
    return Region.objects.filter(level=2, parent__code=province).order_by("name")


def region_list(*, level: int | None = None, parent_code: str = "") -> QuerySet[Region]:
    """Regions, optionally of one ``level`` (1..4) and/or direct children of ``parent_code``."""
    qs = Region.objects.select_related("parent")
    if level is not None:
        qs = qs.filter(level=level)
    if parent_code:
        qs = qs.filter(parent__code=parent_code)
    return qs.order_by("code")


def region_get(*, code: str) -> Region:
    """One region by its Kemendagri code (e.g. ``31.71``); Http404 when unknown."""
    from django.http import Http404

    region = Region.objects.select_related("parent").filter(code=code).first()
    if region is None:
        raise Http404
    return region
