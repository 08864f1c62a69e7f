"""Project-wide pytest fixtures: regions are loaded once per test database."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from simpul.regions.services import regions_load

    with django_db_blocker.unblock():
        regions_load(province_codes=["31"])


@pytest.fixture(autouse=True)
def _english_off(settings):  # type: ignore[no-untyped-def]
    # Tests assert on the default language (Bahasa Indonesia) unless they switch.
    settings.LANGUAGE_CODE = "id"
    settings.AXES_ENABLED = True
