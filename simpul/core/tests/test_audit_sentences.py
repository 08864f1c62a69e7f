"""The audit page says what happened in the reader's language (the code stays beside it, for
the filter), and looks names up once per page, not once per row."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from simpul.accounts.models import Role
from simpul.core import events
from simpul.core.audit import audit_log
from simpul.testing.auth import login
from simpul.testing.factories import OrganizationFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    user = make_user(Role.SYSTEM_ADMIN)
    login(client, user)
    return user


@pytest.mark.parametrize("language", ["id", "en"])
def test_audit_rows_show_the_sentence_and_the_code(client, admin, language):
    org = OrganizationFactory(name="LKSA Pelita")
    actor = make_user(Role.ORG_ADMIN, organization=org)
    audit_log(actor=actor, action="accounts.user.signed_in", target=actor)
    audit_log(
        actor=actor,
        action="accounts.membership.role_changed",
        target=org,
        changes={"role": {"before": "org_staff", "after": "org_admin"}},
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    body = client.get(reverse("access:audit")).content.decode()
    with translation.override(language):
        signed_in = events.describe(events.Event("accounts.user.signed_in"))
        role = events.describe(
            events.Event(
                "accounts.membership.role_changed",
                changes={"role": {"before": "org_staff", "after": "org_admin"}},
            )
        )
        assert str(Role.ORG_ADMIN.label) in role  # a label, not the stored code
    assert escape(signed_in) in body and escape(role) in body
    assert "accounts.user.signed_in" in body  # the code, for the filter


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("access:audit")).status_code == 200
    return len(queries)


def test_names_are_looked_up_once_per_page(client, admin):
    def add(n: int) -> None:
        for _i in range(n):
            org = OrganizationFactory()
            audit_log(
                actor=None,
                action="cases.plan.action_added",
                data={"organization_id": str(org.pk), "due_date": "2030-01-01"},
            )

    add(2)
    few = _page_queries(client)
    add(20)
    many = _page_queries(client)
    assert many == few
    body = client.get(reverse("access:audit")).content.decode()
    with translation.override("id"):
        assert events.date_of("2030-01-01") in body
