"""Fixtures for the notifications tests: the real SMTP server of the accounts tests and users."""

from __future__ import annotations

import pytest

from simpul.accounts.models import Role
from simpul.accounts.tests.conftest import smtp_server, smtp_settings  # noqa: F401 - fixtures
from simpul.notifications.kinds import notification_kind
from simpul.testing.factories import OrganizationFactory, make_user

KIND = "notifications.test"
QUIET_KIND = "notifications.test_quiet"
notification_kind(KIND, "Test notifications")
notification_kind(QUIET_KIND, "Quiet test notifications", email_default=False)


@pytest.fixture
def org():
    return OrganizationFactory()


@pytest.fixture
def user(org):
    return make_user(Role.ORG_STAFF, org)


@pytest.fixture
def other_user(org):
    return make_user(Role.ORG_STAFF, org)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``committed(fn, **kw)``: call ``fn`` and run what it queued on commit (the deliveries)."""

    def call(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return call
