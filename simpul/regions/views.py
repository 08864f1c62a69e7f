from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from simpul.core.http import AuthenticatedHttpRequest
from simpul.regions.selectors import region_children


@require_GET
def region_options(request: AuthenticatedHttpRequest) -> HttpResponse:
    """``<option>`` elements for the children of ``?parent=<code>`` (for chained selects).

    htmx sends a select's value under the select's own name, so when ``parent`` is absent the
    first non-empty parameter ending in ``_kota``/``_kecamatan`` (or any single one) is used.
    """
    code = str(request.GET.get("parent", ""))
    if not code:
        values = [v for k, v in request.GET.items() if k != "parent" and v]
        code = str(values[0]) if values else ""
    regions = region_children(parent_code=code.strip()[:13])
    return render(request, "regions/options.html", {"regions": regions})
