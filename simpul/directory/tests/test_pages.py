from __future__ import annotations

import pytest
from django.urls import reverse

from simpul.accounts.models import Invitation, Role
from simpul.core.models import AuditEvent
from simpul.directory.models import CapacityRecord, Location, Organization
from simpul.testing.auth import login
from simpul.testing.concurrency import form_data
from simpul.testing.factories import OrganizationFactory, ServiceFactory, UserFactory, kelurahan

pytestmark = pytest.mark.django_db


def edit_data(org: Organization, **overrides) -> dict:
    data = {
        "name": org.name,
        "org_type": org.org_type,
        "address": org.address,
        "kelurahan": org.kelurahan.code if org.kelurahan else "",
        "phones": "",
        "is_active": "on",
    }
    data.update(overrides)
    return form_data(org, data)


def test_profile_shows_public_part_to_outsider_but_not_staff(client, lksa, lksa_admin, outsider):
    ServiceFactory(organization=lksa, name="Pengasuhan X")
    login(client, outsider)
    content = client.get(reverse("directory:detail", args=[lksa.pk])).content.decode()
    assert "Pengasuhan X" in content
    assert lksa_admin.email not in content
    assert 'id="private"' not in content


def test_profile_private_part_for_own_staff(client, lksa, lksa_admin, lksa_staff):
    Invitation.objects.create(
        email="new@example.test",
        organization=lksa,
        role=Role.ORG_STAFF,
        token_hash="x" * 64,
        expires_at="2999-01-01T00:00:00Z",
    )
    login(client, lksa_staff)
    response = client.get(reverse("directory:detail", args=[lksa.pk]))
    content = response.content.decode()
    assert lksa_admin.email in content and 'id="private"' in content
    assert response.context["pending_invitations"] == 1


def test_profile_404_for_unknown_and_for_non_viewer(client, lksa):
    client.force_login(UserFactory())  # no membership → may not view the directory
    assert client.get(reverse("directory:detail", args=[lksa.pk])).status_code == 404


def test_org_admin_edits_own_org(client, lksa, lksa_admin):
    login(client, lksa_admin)
    response = client.post(
        reverse("directory:edit", args=[lksa.pk]),
        edit_data(lksa, name="LKSA Kasih Bunda Baru", phones="0812-3456-7890"),
    )
    assert response.status_code == 302
    lksa.refresh_from_db()
    assert lksa.name == "LKSA Kasih Bunda Baru"
    assert list(lksa.phones.values_list("number", flat=True)) == ["+6281234567890"]
    event = AuditEvent.objects.get(action="directory.organization.updated", target_id=str(lksa.pk))
    assert set(event.changes) == {"name"}


def test_org_admin_cannot_edit_other_org(client, lksa_admin):
    other = OrganizationFactory(name="Other")
    login(client, lksa_admin)
    url = reverse("directory:edit", args=[other.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, edit_data(other, name="Hacked")).status_code == 403
    other.refresh_from_db()
    assert other.name == "Other"


def test_dinsos_admin_edits_any_org(client, lksa, dinsos_admin):
    login(client, dinsos_admin)
    response = client.post(
        reverse("directory:edit", args=[lksa.pk]), edit_data(lksa, org_type="panti")
    )
    assert response.status_code == 302
    lksa.refresh_from_db()
    assert lksa.org_type == "panti"


def test_edit_with_invalid_phone_shows_error_and_changes_nothing(client, lksa, lksa_admin):
    login(client, lksa_admin)
    response = client.post(
        reverse("directory:edit", args=[lksa.pk]), edit_data(lksa, name="Changed", phones="12345")
    )
    assert response.status_code == 200
    assert "12345" in response.content.decode()
    lksa.refresh_from_db()
    assert lksa.name == "LKSA Kasih Bunda"
    assert not AuditEvent.objects.filter(action="directory.organization.updated").exists()


def test_edit_with_unknown_kelurahan_is_a_form_error(client, lksa, lksa_admin):
    login(client, lksa_admin)
    response = client.post(
        reverse("directory:edit", args=[lksa.pk]), edit_data(lksa, kelurahan="31.99.99.9999")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["kelurahan"]


def test_dinsos_admin_creates_org_with_kelurahan_code(client, dinsos_admin):
    login(client, dinsos_admin)
    kel = kelurahan()
    response = client.post(
        reverse("directory:create"),
        {
            "name": "Rumah Singgah Pelangi",
            "org_type": "rumah_singgah",
            "kelurahan": kel.code,
            "address": "Jl. Pelangi 3",
            "phones": "021 5551234",
        },
    )
    assert response.status_code == 302
    org = Organization.objects.get(name="Rumah Singgah Pelangi")
    assert org.kelurahan == kel and org.kecamatan_code == kel.code[:8]
    assert Location.objects.filter(organization=org).count() == 1


def test_partner_admin_cannot_create_org(client, lksa_admin):
    login(client, lksa_admin)
    assert client.get(reverse("directory:create")).status_code == 403


def test_staff_updates_capacity_via_form(client, lksa, lksa_staff):
    service = ServiceFactory(organization=lksa, capacity_total=20, capacity_occupied=12)
    login(client, lksa_staff)
    url = reverse("directory:service_capacity", args=[service.pk])
    response = client.post(url, {"total": 20, "occupied": 15, "note": ""})
    assert response.status_code == 302
    assert CapacityRecord.objects.filter(service=service, occupied=15).exists()
    page = client.get(url)
    assert len(page.context["page"]) == 1


def test_capacity_form_rejects_bad_input(client, lksa, lksa_staff):
    service = ServiceFactory(organization=lksa, capacity_total=20, capacity_occupied=12)
    login(client, lksa_staff)
    response = client.post(
        reverse("directory:service_capacity", args=[service.pk]), {"total": 5, "occupied": 9}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["occupied"]
    assert not CapacityRecord.objects.filter(service=service).exists()


def test_outsider_sees_capacity_history_but_cannot_post(client, lksa, outsider):
    service = ServiceFactory(organization=lksa)
    login(client, outsider)
    url = reverse("directory:service_capacity", args=[service.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"total": 30, "occupied": 1}).status_code == 403


def test_org_admin_adds_service(client, lksa, lksa_admin):
    from simpul.testing.factories import term

    login(client, lksa_admin)
    response = client.post(
        reverse("directory:service_create", args=[lksa.pk]),
        {
            "name": "Dukungan keluarga",
            "service_type": term("service-type", "atensi-3").pk,
            "categories_served": [term("pmks-child", "AT").pk],
            "status": "active",
            "is_free": "on",
            "capacity_total": "",
            "capacity_occupied": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    service = lksa.services.get(name="Dukungan keluarga")
    assert [c.code for c in service.categories_served.all()] == ["AT"]


def test_edit_pages_render_for_org_admin(client, lksa, lksa_admin):
    service = ServiceFactory(organization=lksa)
    location = Location.objects.create(
        organization=lksa, name="Rumah utama", kelurahan=lksa.kelurahan
    )
    login(client, lksa_admin)
    urls = [
        reverse("directory:edit", args=[lksa.pk]),
        reverse("directory:service_create", args=[lksa.pk]),
        reverse("directory:service_edit", args=[service.pk]),
        reverse("directory:location_create", args=[lksa.pk]),
        reverse("directory:location_edit", args=[location.pk]),
        reverse("directory:service_capacity", args=[service.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    # The chained select shows the org's kelurahan selected, within its kecamatan.
    content = client.get(urls[0]).content.decode()
    assert f'<option value="{lksa.kelurahan.code}" selected>' in content
    assert f'<option value="{lksa.kelurahan.code[:8]}" selected>' in content


def test_location_edit_changes_kelurahan(client, lksa, lksa_admin):
    from simpul.regions.models import Region

    location = Location.objects.create(
        organization=lksa, name="Rumah utama", kelurahan=lksa.kelurahan
    )
    other = Region.objects.filter(level=4).exclude(pk=lksa.kelurahan.pk).first()
    login(client, lksa_admin)
    response = client.post(
        reverse("directory:location_edit", args=[location.pk]),
        {"name": "Rumah utama", "kelurahan": other.code},
    )
    assert response.status_code == 302
    location.refresh_from_db()
    assert location.kelurahan == other
    assert AuditEvent.objects.filter(
        action="directory.location.updated", target_id=str(location.pk)
    ).exists()
