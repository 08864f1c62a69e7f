"""Fixtures of the children tests: Suku Dinas staff of two kota, a partner, and helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from simpul.accounts.models import Role
from simpul.children import services
from simpul.regions.models import Region
from simpul.testing.factories import OrganizationFactory, make_user, sudin

KEL_TIMUR = "31.75.01.1001"


@pytest.fixture
def kel_timur() -> Region:
    return Region.objects.get(code=KEL_TIMUR)


@pytest.fixture
def kel_pusat() -> Region:
    return Region.objects.filter(level=4, code__startswith="31.71.").order_by("code").first()


@pytest.fixture
def worker():
    """A case worker of Suku Dinas Sosial Jakarta Timur (31.75)."""
    return make_user(Role.CASE_WORKER, sudin("31.75"))


@pytest.fixture
def worker_pusat():
    return make_user(Role.CASE_WORKER, sudin("31.71"))


@pytest.fixture
def supervisor():
    return make_user(Role.SUPERVISOR, sudin("31.75"))


@pytest.fixture
def partner_org():
    return OrganizationFactory(name="LKSA Pelita")


@pytest.fixture
def partner(partner_org):
    return make_user(Role.ORG_STAFF, partner_org)


def child_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "full_name": "Dedi Kurniawan",
        "sex": "M",
        "birth_date": dt.date(2012, 3, 14),
        "mother_name": "Sumarni",
        "current_kelurahan": KEL_TIMUR,
    }
    data.update(overrides)
    return data


@pytest.fixture
def register():
    """register(actor, **data) → Child (confirms "different child" when candidates exist)."""

    def _register(actor, aliases=(), guardians=(), **overrides):
        data = child_data(**overrides)
        try:
            return services.child_register(
                actor=actor, data=data, aliases=aliases, guardians=guardians
            )
        except services.DuplicateSuspected as exc:
            # The near-duplicate is registered on purpose: declare each candidate found.
            found = [c["child_id"] for c in exc.extra["candidates"]]
            return services.child_register(
                actor=actor,
                data=child_data(**overrides),
                aliases=aliases,
                guardians=guardians,
                confirm_not_duplicate_of=found,
            )

    return _register


@pytest.fixture
def operator():
    """A data operator of Suku Dinas Sosial Jakarta Timur (imports)."""
    return make_user(Role.DATA_OPERATOR, sudin("31.75"))


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """upload(actor, file) → the import job after its (inline) validation."""
    from simpul.children import imports

    def _upload(actor, file):
        with django_capture_on_commit_callbacks(execute=True):
            job = imports.child_import_upload(actor=actor, file=file)
        job.refresh_from_db()
        return job

    return _upload


@pytest.fixture
def page(browser, live_server, supervisor):
    """Chromium at phone width, signed in as the Jakarta Timur supervisor (browser tests)."""
    from django.conf import settings
    from django.test import Client

    from simpul.testing.auth import login_verified

    client = Client()
    login_verified(client, supervisor)
    context = browser.new_context(viewport={"width": 375, "height": 800}, base_url=live_server.url)
    cookie = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }
    context.add_cookies([{**cookie, "url": live_server.url}])
    page = context.new_page()
    yield page
    context.close()
