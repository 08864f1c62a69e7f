from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from simpul.core.exceptions import ApplicationError
from simpul.core.models import AuditEvent
from simpul.directory import services
from simpul.directory.models import CapacityRecord, Location, OrganizationType, Phone, Service
from simpul.testing.factories import ServiceFactory, kelurahan, term

pytestmark = pytest.mark.django_db


def test_organization_create_makes_default_location_and_normalises_phones(dinsos_admin):
    kel = kelurahan()
    org = services.organization_create(
        actor=dinsos_admin,
        name="Rumah Singgah Baru",
        org_type=OrganizationType.RUMAH_SINGGAH,
        address="Jl. Baru 1",
        kelurahan=kel,
        phones=["0812 3456 7890"],
    )
    location = Location.objects.get(organization=org)
    assert location.kelurahan == kel and location.address == "Jl. Baru 1"
    assert org.kota_code == kel.code[:5]
    assert list(org.phones.values_list("number", flat=True)) == ["+6281234567890"]
    assert AuditEvent.objects.filter(
        action="directory.organization.created", target_id=str(org.pk)
    ).exists()


def test_organization_create_denied_for_partner_admin(lksa_admin):
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=lksa_admin, name="X", org_type="lksa")


def test_set_phones_normalises_and_names_invalid_number(lksa, lksa_admin):
    services.organization_set_phones(
        actor=lksa_admin, organization=lksa, numbers=["0812-3456-7890", "021 5551234"]
    )
    phones = {p.number: p for p in Phone.objects.filter(organization=lksa)}
    assert set(phones) == {"+6281234567890", "+62215551234"}
    assert phones["+6281234567890"].kind == Phone.Kind.MOBILE
    assert phones["+62215551234"].kind == Phone.Kind.LANDLINE
    assert phones["+62215551234"].national == "(021) 5551234"

    with pytest.raises(ApplicationError) as excinfo:
        services.organization_set_phones(
            actor=lksa_admin, organization=lksa, numbers=["021 5551234", "12345"]
        )
    assert "12345" in str(excinfo.value.message)
    # The failed call changed nothing.
    assert Phone.objects.filter(organization=lksa).count() == 2


def test_organization_update_audits_changed_fields_only(lksa, lksa_admin):
    old_name = lksa.name
    services.organization_update(
        actor=lksa_admin, organization=lksa, data={"name": "LKSA Baru", "address": lksa.address}
    )
    event = AuditEvent.objects.get(action="directory.organization.updated", target_id=str(lksa.pk))
    assert event.changes == {"name": {"before": old_name, "after": "LKSA Baru"}}


def test_partner_admin_cannot_change_org_type(lksa, lksa_admin):
    with pytest.raises(ApplicationError):
        services.organization_update(
            actor=lksa_admin, organization=lksa, data={"org_type": "dinsos"}
        )
    lksa.refresh_from_db()
    assert lksa.org_type == "lksa"


def test_capacity_update_writes_history_and_audit(lksa, lksa_staff):
    service = ServiceFactory(organization=lksa, capacity_total=20, capacity_occupied=12)
    record = services.service_capacity_update(
        actor=lksa_staff, service=service, total=25, occupied=20, note="new wing"
    )
    service.refresh_from_db()
    assert (service.capacity_total, service.capacity_occupied, service.capacity_free) == (25, 20, 5)
    assert service.capacity_updated_at is not None
    assert CapacityRecord.objects.filter(service=service).count() == 1
    assert record.recorded_by == lksa_staff and record.note == "new wing"
    event = AuditEvent.objects.get(
        action="directory.service.capacity_updated", target_id=str(service.pk)
    )
    assert event.changes == {
        "capacity_occupied": {"before": 12, "after": 20},
        "capacity_total": {"before": 20, "after": 25},
    }


def test_capacity_update_rejects_more_occupied_than_total(lksa, lksa_staff):
    service = ServiceFactory(organization=lksa, capacity_total=20, capacity_occupied=12)
    with pytest.raises(ApplicationError):
        services.service_capacity_update(actor=lksa_staff, service=service, total=10, occupied=11)
    service.refresh_from_db()
    assert (service.capacity_total, service.capacity_occupied) == (20, 12)
    assert not CapacityRecord.objects.filter(service=service).exists()


def test_capacity_update_denied_for_other_org(lksa, outsider):
    service = ServiceFactory(organization=lksa)
    with pytest.raises(PermissionDenied):
        services.service_capacity_update(actor=outsider, service=service, total=30, occupied=1)


def test_service_create_links_locations_and_categories(lksa_admin, dinsos_admin):
    org = services.organization_create(
        actor=dinsos_admin, name="LKSA Q", org_type="lksa", kelurahan=kelurahan()
    )
    service = services.service_create(
        actor=dinsos_admin,
        organization=org,
        name="Pengasuhan",
        service_type=term("service-type", "residential-care"),
        categories_served=[term("pmks-child", "AT")],
        capacity_total=10,
        capacity_occupied=3,
    )
    assert list(service.locations.all()) == list(org.locations.all())
    assert [c.code for c in service.categories_served.all()] == ["AT"]
    assert service.capacity_history.count() == 1
    assert Service.objects.get(pk=service.pk).capacity_free == 7
