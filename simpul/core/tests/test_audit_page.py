import pytest
from django.urls import reverse

from simpul.accounts.models import Role
from simpul.core.audit import audit_log
from simpul.testing.auth import login
from simpul.testing.factories import OrganizationFactory, make_user


@pytest.fixture
def events():
    org = OrganizationFactory(name="LKSA Pelita")
    actor = make_user(Role.ORG_ADMIN, organization=org, email="admin@lksa.test")
    audit_log(
        actor=actor,
        action="directory.organization.updated",
        target=org,
        changes={"phone": {"before": "021-1", "after": "021-2"}},
    )
    audit_log(actor=actor, action="accounts.invitation.created", target=org)
    return org


@pytest.mark.django_db
def test_system_admin_browses_and_filters_the_trail(client, events):
    admin = make_user(Role.SYSTEM_ADMIN)
    login(client, admin)
    response = client.get(reverse("access:audit"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "directory.organization.updated" in body
    assert "accounts.invitation.created" in body
    response = client.get(reverse("access:audit"), {"action": "directory."})
    body = response.content.decode()
    assert "directory.organization.updated" in body
    assert "accounts.invitation.created" not in body
    assert "021-2" in body  # before/after values are shown


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in Role if r != Role.SYSTEM_ADMIN])
def test_other_roles_cannot_see_the_trail(client, events, role):
    login(client, make_user(role))
    assert client.get(reverse("access:audit")).status_code == 403


@pytest.mark.django_db
def test_audit_event_records_ip_of_the_request(client, events, rf):
    from simpul.core import request_context
    from simpul.core.models import AuditEvent

    token = request_context.set_current(request_context.RequestContext(ip_address="10.1.2.3"))
    try:
        event = audit_log(actor=None, action="test.ping")
    finally:
        request_context.reset(token)
    assert AuditEvent.objects.get(pk=event.pk).ip_address == "10.1.2.3"
