from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 25


def paginate(request: HttpRequest, object_list: Any, per_page: int = PAGE_SIZE) -> Page:
    """Every list is paginated; a bad page number gives the nearest valid page."""
    return Paginator(object_list, per_page).get_page(request.GET.get("page"))


def querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
