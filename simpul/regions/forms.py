"""The kota → kecamatan → kelurahan chained select, usable in any form.

The form posts only the kelurahan code. With htmx, choosing a kota reloads the kecamatan
options, and choosing a kecamatan reloads the kelurahan options (``regions:options``). Without
JavaScript, the kelurahan list holds every kelurahan, grouped by kecamatan.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from simpul.regions.models import DKI_JAKARTA, Region


class RegionChainWidget(forms.Widget):
    template_name = "regions/widgets/region_chain.html"

    def __init__(self, attrs: dict[str, Any] | None = None, province: str = DKI_JAKARTA) -> None:
        super().__init__(attrs)
        self.province = province

    def format_value(self, value: Any) -> str:
        if isinstance(value, Region):
            return value.code
        if value and not isinstance(value, str):
            region = Region.objects.filter(pk=value).only("code").first()
            return region.code if region else ""
        return value or ""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        code = context["widget"]["value"] or ""
        kota_code = code[:5] if len(code) >= 5 else ""
        kecamatan_code = code[:8] if len(code) >= 8 else ""
        kotas = Region.objects.filter(level=2, code__startswith=self.province + ".").order_by(
            "name"
        )
        kecamatans = (
            Region.objects.filter(level=3, parent__code=kota_code).order_by("name")
            if kota_code
            else Region.objects.none()
        )
        if kecamatan_code:
            kelurahan_groups: list[tuple[str | None, list[Region]]] = [
                (
                    None,
                    list(
                        Region.objects.filter(level=4, parent__code=kecamatan_code).order_by("name")
                    ),
                )
            ]
        else:
            # No JavaScript yet / nothing chosen: every kelurahan, grouped by kecamatan.
            rows = (
                Region.objects.filter(level=4, code__startswith=self.province + ".")
                .select_related("parent")
                .order_by("parent__name", "name")
            )
            groups: dict[str, list[Region]] = {}
            for r in rows:
                groups.setdefault(r.parent.name if r.parent else "", []).append(r)
            kelurahan_groups = [(k, v) for k, v in groups.items()]
        widget_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["widget"].update(
            {
                "id": widget_id,
                "kota_code": kota_code,
                "kecamatan_code": kecamatan_code,
                "kotas": kotas,
                "kecamatans": kecamatans,
                "kelurahan_groups": kelurahan_groups,
                "options_url": reverse("regions:options"),
            }
        )
        return context


class KelurahanField(forms.Field):
    """A kelurahan (level-4 region) chosen by its Kemendagri code."""

    widget = RegionChainWidget
    default_error_messages = {
        "invalid": _("Choose a kelurahan from the list."),
    }

    def to_python(self, value: Any) -> Region | None:
        if isinstance(value, Region):
            return value
        code = (value or "").strip() if isinstance(value, str) else value
        if not code:
            return None
        region = Region.objects.filter(code=code, level=4).first()
        if region is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return region

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Region):
            return value.code
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        initial_code = initial.code if isinstance(initial, Region) else (initial or "")
        return str(initial_code) != str(data or "")
