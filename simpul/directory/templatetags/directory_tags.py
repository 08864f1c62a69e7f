from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def org_categories(org: Any) -> list[Any]:
    """Distinct child categories served by the organisation's active services (prefetched)."""
    services = getattr(org, "active_services", None)
    if services is None:
        services = org.services.filter(status="active").prefetch_related("categories_served")
    terms = {t.pk: t for s in services for t in s.categories_served.all()}
    return sorted(terms.values(), key=lambda t: (t.sort_order, t.code))


@register.inclusion_tag("directory/_accreditation.html")
def accreditation_badge(org: Any) -> dict[str, Any]:
    return {"org": org}
