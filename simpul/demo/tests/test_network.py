import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from simpul.accounts.models import Membership, Role, User
from simpul.core.models import AuditEvent
from simpul.demo.network import (
    DEMO_PARTNER_LKSA,
    DEMO_PASSWORD,
    DEMO_USERS,
    DINSOS_NAME,
    LBH_NAME,
    SKPD_NAMES,
)
from simpul.directory.models import (
    ACCREDITATION_VALIDITY_YEARS,
    CapacityRecord,
    Organization,
    Phone,
    Service,
)

pytestmark = pytest.mark.django_db


def seed(**options) -> str:  # type: ignore[no-untyped-def]
    # The network only: the demo children (half a minute) are tested in test_children.py.
    options.setdefault("without_children", True)
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def demo(settings):  # type: ignore[no-untyped-def]
    settings.DEMO = True
    return seed()


def test_seed_creates_the_network_with_the_expected_counts(demo):
    counts = dict(Organization.objects.values_list("org_type").annotate(n=Count("id")))
    assert {t: counts.get(t) for t in ("lksa", "rumah_singgah", "tas", "yayasan", "orsos")} == {
        "lksa": 53,
        "rumah_singgah": 22,
        "tas": 12,
        "yayasan": 22,
        "orsos": 17,
    }
    assert counts["dinsos"] == 1
    assert counts["sudinsos"] == 6
    assert counts["skpd"] == 6
    assert counts["panti"] >= 2
    assert counts["business"] >= 1
    assert "lksa" in demo and "system_admin@demo.simpul.test" in demo


def test_dinsos_and_suku_dinas_have_their_jurisdictions(demo):
    dinsos = Organization.objects.get(name=DINSOS_NAME)
    assert dinsos.org_type == "dinsos"
    assert dinsos.jurisdiction.code == "31"
    sudins = Organization.objects.filter(org_type="sudinsos")
    assert sorted(s.jurisdiction.code for s in sudins) == [
        "31.01",
        "31.71",
        "31.72",
        "31.73",
        "31.74",
        "31.75",
    ]
    assert all(s.parent_id == dinsos.pk and s.jurisdiction.level == 2 for s in sudins)
    assert all(s.name == f"Suku Dinas Sosial {s.jurisdiction.name}" for s in sudins)
    assert Organization.objects.filter(org_type="panti").exclude(parent=dinsos).count() == 0


def test_skpds_and_lbh_exist_with_fitting_services(demo):
    expected = {
        "dukcapil": "civil-registration",
        "dinkes": "health",
        "disdik": "education",
        "ppapp": "child-protection",
        "diskominfotik": "information-technology",
        "satpolpp": "public-order",
    }
    for key, service_type in expected.items():
        org = Organization.objects.get(name=SKPD_NAMES[key], org_type="skpd")
        assert org.services.filter(service_type__code=service_type).exists()
    lbh = Organization.objects.get(name=LBH_NAME, org_type="lbh")
    legal = lbh.services.get(service_type__code="legal-aid")
    assert {"AKTK", "ABH"} <= set(legal.categories_served.values_list("code", flat=True))


def test_every_organisation_is_in_a_jakarta_kelurahan_with_a_located_service(demo):
    for org in Organization.objects.select_related("kelurahan").prefetch_related("locations"):
        assert org.kelurahan.level == 4 and org.kelurahan.code.startswith("31."), org.name
        assert org.kota_code == org.kelurahan.code[:5]
        assert org.services.exists(), org.name
        location = org.locations.get()
        assert location.kelurahan_id == org.kelurahan_id
        assert all(s.at_locations.filter(location=location).exists() for s in org.services.all())
        assert 1 <= org.services.count() <= 3, org.name
        if org.kota_code != "31.01":  # the Kepulauan Seribu islands lie north of the box
            assert -6.37 <= org.latitude <= -6.09 and 106.68 <= org.longitude <= 106.97, org.name


def test_services_fit_their_organisation_type(demo):
    def types(org_type: str) -> set[str]:
        return set(
            Service.objects.filter(organization__org_type=org_type).values_list(
                "service_type__code", flat=True
            )
        )

    assert {"residential-care", "atensi-2"} <= types("lksa")
    assert {"temporary-shelter", "outreach"} <= types("rumah_singgah")
    assert "daycare" in types("tas")
    assert types("orsos") <= {"atensi-7", "atensi-4", "assistive-devices"}
    for svc in Service.objects.filter(organization__org_type="orsos"):
        assert list(svc.categories_served.values_list("code", flat=True)) == ["ADK"]
    for svc in Service.objects.filter(service_type__code="temporary-shelter"):
        assert "AJ" in svc.categories_served.values_list("code", flat=True)


def test_capacity_is_consistent_with_history(demo):
    bound = Service.objects.filter(capacity_total__isnull=False)
    assert bound.exists()
    assert not bound.filter(capacity_occupied__gt=F("capacity_total")).exists()
    assert bound.with_free_capacity().exists()
    assert bound.filter(capacity_occupied=F("capacity_total")).exists()  # some are full
    for svc in bound:
        history = list(svc.capacity_history.order_by("recorded_at"))
        assert 3 <= len(history) <= 6
        assert (history[-1].total, history[-1].occupied) == (
            svc.capacity_total,
            svc.capacity_occupied,
        )
        assert all(r.occupied <= r.total for r in history)
    assert not Service.objects.filter(
        capacity_total__isnull=True, capacity_history__isnull=False
    ).exists()
    assert CapacityRecord.objects.count() >= 3 * bound.count()


def test_a_jakarta_timur_lksa_has_free_places(demo):
    free = Service.objects.filter(
        organization__org_type="lksa",
        organization__kota_code="31.75",
        service_type__code="residential-care",
    ).with_free_capacity()
    assert free.filter(organization__name=DEMO_PARTNER_LKSA).exists()


def test_accreditation_dates_follow_the_grade_validity(demo):
    accredited = Organization.objects.exclude(accreditation_grade="")
    assert accredited.exists()
    assert Organization.objects.filter(org_type="lksa", accreditation_grade="").exists()
    for org in accredited:
        years = ACCREDITATION_VALIDITY_YEARS[org.accreditation_grade]
        span = org.accreditation_valid_until - org.accreditation_valid_from
        assert dt.timedelta(days=365 * years - 2) <= span <= dt.timedelta(days=365 * years + 1)
    assert any(not o.accreditation_is_current for o in accredited)
    assert any(o.accreditation_is_current for o in accredited)


def test_phones_are_normalised_and_records_validate(demo):
    phones = list(Phone.objects.all())
    assert phones
    for phone in phones:
        assert phone.number.startswith("+62")
        assert phone.national.startswith("(021)") or phone.national.startswith("08")
    for org in Organization.objects.all():
        org.full_clean()
    for svc in Service.objects.all():
        svc.full_clean()


def test_one_demo_user_per_role_with_a_membership(demo):
    users = User.objects.filter(is_demo=True)
    assert sorted(users.values_list("email", flat=True)) == sorted(DEMO_USERS.values())
    for role in Role:
        user = User.objects.get(email=DEMO_USERS[role.value])
        assert user.check_password(DEMO_PASSWORD)
        assert user.full_name
        assert user.active_memberships().filter(role=role.value).count() == 1
    supervisor = Membership.objects.get(role="supervisor", user__is_demo=True)
    assert supervisor.region_scope.code == "31"
    worker = Membership.objects.get(role="case_worker", user__is_demo=True)
    assert worker.region_scope.code == "31.75" and worker.organization.org_type == "sudinsos"
    admin = Membership.objects.get(role="org_admin", user__is_demo=True)
    staff = Membership.objects.get(role="org_staff", user__is_demo=True)
    assert admin.organization_id == staff.organization_id
    assert admin.organization.org_type == "lksa" and admin.organization.kota_code == "31.75"
    # Separation of duties: the system admin holds no role that reads children.
    from simpul.accounts.models import CHILD_DATA_ROLES

    system_admin = User.objects.get(email=DEMO_USERS["system_admin"])
    assert set(system_admin.roles()) == {"system_admin"}
    assert not system_admin.active_memberships().filter(role__in=CHILD_DATA_ROLES).exists()
    # ...and the supervisor invitation they made waits for the demo supervisor's approval.
    from simpul.accounts.models import Invitation
    from simpul.accounts.services import can_approve_invitation

    pending = Invitation.objects.get(role="supervisor", invited_by=system_admin)
    assert pending.awaits_approval
    assert not can_approve_invitation(user=system_admin, invitation=pending)
    supervisor_user = User.objects.get(email=DEMO_USERS["supervisor"])
    assert can_approve_invitation(user=supervisor_user, invitation=pending)


def test_two_factor_users_have_a_working_fixed_totp_device(demo):
    for role in ("system_admin", "supervisor"):
        device = TOTPDevice.objects.get(user__email=DEMO_USERS[role])
        assert device.confirmed
        assert device.verify_token(TOTP(device.bin_key).token())
    assert not TOTPDevice.objects.filter(user__email=DEMO_USERS["case_worker"]).exists()


def test_seed_writes_one_audit_event(demo):
    events = AuditEvent.objects.filter(action="demo.seeded")
    assert events.count() == 1
    assert events.get().actor is None


def test_second_run_creates_nothing(demo):
    before = (
        Organization.objects.count(),
        Service.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )
    output = seed()
    after = (
        Organization.objects.count(),
        Service.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before
    assert "already" in output


def test_reset_reloads_the_same_network(demo):
    names = sorted(Organization.objects.values_list("name", flat=True))
    seed(reset=True)
    assert sorted(Organization.objects.values_list("name", flat=True)) == names
    assert User.objects.filter(is_demo=True).count() == len(DEMO_USERS)


def test_refuses_without_demo_setting(settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="SIMPUL_DEMO"):
        seed()
    assert not User.objects.filter(is_demo=True).exists()
    assert not Organization.objects.filter(name=DINSOS_NAME).exists()


def test_force_seeds_without_demo_setting(settings):
    settings.DEMO = False
    seed(force=True)
    assert Organization.objects.filter(name=DINSOS_NAME).exists()


# --- the network in time --------------------------------------------------------------------------
def test_the_network_was_set_up_before_the_story_and_reports_its_places_since(settings):
    from simpul.demo.clock import DemoClock

    settings.DEMO = True
    day = dt.date(2026, 6, 16)
    output = seed(today=day)
    assert "Demo data loaded for 2026-06-16" in output
    clock = DemoClock(day)
    assert not Organization.objects.exclude(created_at=clock.setup).exists()
    assert not User.objects.filter(is_demo=True).exclude(date_joined=clock.setup).exists()
    seeded = AuditEvent.objects.get(action="demo.seeded")
    assert seeded.created_at == clock.setup and seeded.data["today"] == "2026-06-16"
    # Monthly reports through the directory service, each at its own moment before the day.
    reports = CapacityRecord.objects.exclude(recorded_at=clock.setup)
    assert reports.exists() and not reports.filter(recorded_at__gte=clock.anchor).exists()
    assert reports.values("recorded_at").distinct().count() > 0.9 * reports.count()
    latest = Service.objects.filter(capacity_total__isnull=False).order_by("-capacity_updated_at")
    assert clock.anchor - dt.timedelta(days=12) < latest[0].capacity_updated_at < clock.anchor
    assert (
        AuditEvent.objects.filter(
            action="directory.service.capacity_updated", created_at__lt=clock.anchor
        ).count()
        == reports.count()
    )
    # The invitation waiting for approval was made two working days before, and is still valid.
    from simpul.accounts.models import Invitation

    invitation = Invitation.objects.get()
    assert clock.anchor - dt.timedelta(days=6) < invitation.created_at < clock.anchor
    assert invitation.expires_at > clock.anchor


def test_a_demo_seeded_long_ago_says_how_to_bring_it_to_today(settings):
    settings.DEMO = True
    seed(today=timezone.localdate() - dt.timedelta(days=40))
    output = seed()
    assert "already present" in output
    assert "40 days ago" in output and "seed_demo --reset" in output
    fresh = seed(reset=True)
    assert f"Demo data loaded for {timezone.localdate()}" in fresh
    assert "days ago" not in seed()
