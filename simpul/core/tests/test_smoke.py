import pytest
from django.urls import reverse

from simpul.core.audit import audit_log
from simpul.core.models import AuditEvent
from simpul.regions.models import Region
from simpul.testing.factories import OrganizationFactory, UserFactory


@pytest.mark.django_db
def test_healthz_is_public_and_checks_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_regions_loaded_for_dki_jakarta():
    counts = [Region.objects.filter(code__startswith="31", level=lvl).count() for lvl in (2, 3, 4)]
    assert counts == [6, 44, 267]


@pytest.mark.django_db
def test_home_requires_login(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_audit_events_cannot_be_changed_or_deleted():
    user = UserFactory()
    org = OrganizationFactory()
    event = audit_log(
        actor=user,
        action="directory.organization.updated",
        target=org,
        changes={"name": {"before": "a", "after": "b"}},
    )
    event.action = "x"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="y")
    assert AuditEvent.objects.get(pk=event.pk).action == "directory.organization.updated"


@pytest.mark.django_db
def test_language_is_indonesian_by_default_even_for_english_browsers(client, settings):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "id"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("accounts:login"))
    assert response.headers["Content-Language"] == "en"
