"""API rate limits: a burst above the rate gets 429 with a clear message; rates come from
settings; every test starts with empty counters (the suite is never throttled by accident)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from simpul.accounts.models import Role
from simpul.testing.factories import make_user

pytestmark = pytest.mark.django_db


def _rates(settings, **rates: str) -> None:  # type: ignore[no-untyped-def]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }


def test_throttle_classes_apply_to_the_api(settings):
    classes = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
    assert "simpul.api.throttling.SimpulUserThrottle" in classes
    assert "simpul.api.throttling.SimpulAnonThrottle" in classes


def test_a_burst_above_the_user_rate_gets_429_with_a_clear_message(settings):
    _rates(settings, user="3/min")
    api = APIClient()
    api.force_authenticate(make_user(Role.ANALYST))
    url = reverse("api:me")
    statuses = [api.get(url).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    with translation.override("en"):
        blocked = api.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert blocked.status_code == 429
    assert "Retry-After" in blocked
    assert blocked.json()["detail"].startswith("Terlalu banyak permintaan")
    # Another user is counted separately.
    other = APIClient()
    other.force_authenticate(make_user(Role.ANALYST))
    assert other.get(url).status_code == 200


def test_the_rate_is_set_by_setting(settings):
    _rates(settings, user="1000/min")
    api = APIClient()
    api.force_authenticate(make_user(Role.ANALYST))
    url = reverse("api:me")
    assert all(api.get(url).status_code == 200 for _ in range(10))
    _rates(settings, user="10/min")  # the ten already made count against the new rate
    assert api.get(url).status_code == 429
