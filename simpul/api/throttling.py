"""API rate limits (user, anonymous, and a stricter one for token-authenticated writes).

DRF's throttles read ``DEFAULT_THROTTLE_RATES`` once, at import; these read the current
setting on every request, so a deployment (and a test) can change a rate by setting alone.
The counters live in Django's default cache.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _SettingRate:
    scope: str

    def get_rate(self) -> str | None:
        rates: dict[str, Any] = api_settings.DEFAULT_THROTTLE_RATES or {}
        return rates.get(self.scope)


class SimpulAnonThrottle(_SettingRate, AnonRateThrottle):
    scope = "anon"


class SimpulUserThrottle(_SettingRate, UserRateThrottle):
    scope = "user"


THROTTLED_MESSAGE = _("Too many requests. Wait %(seconds)s seconds, then try again.")
