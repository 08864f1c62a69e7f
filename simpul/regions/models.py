"""Kemendagri administrative regions: provinsi → kabupaten/kota → kecamatan → kelurahan/desa."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from simpul.core.models import BaseModel

# The decree the loaded codes follow; stored on each row so old codes stay interpretable.
CODE_VERSION = "Kepmendagri 300.2.2-2138/2025"
DKI_JAKARTA = "31"


class Region(BaseModel):
    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        REGENCY = 2, _("City/regency")
        DISTRICT = 3, _("Kecamatan")
        VILLAGE = 4, _("Kelurahan/desa")

    code = models.CharField(_("Kemendagri code"), max_length=13, unique=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("type"), max_length=20, blank=True)  # provinsi, kota, kabupaten, …
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    code_version = models.CharField(max_length=60, default=CODE_VERSION)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        indexes = [models.Index(fields=["parent", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def province_code(self) -> str:
        return self.code[:2]

    def ancestor_codes(self) -> list[str]:
        """Codes of this region and every region above it, e.g. 31.71.01.1001 → 31, 31.71, …"""
        parts = self.code.split(".")
        return [".".join(parts[: i + 1]) for i in range(len(parts))]

    def contains_code(self, code: str) -> bool:
        return code == self.code or code.startswith(self.code + ".")
