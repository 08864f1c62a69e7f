"""The demo children and cases (simpul.demo.children), seeded once for this module through the
services, then checked: counts, every status, restricted cases, near-duplicates, and what the
demo users see."""

from __future__ import annotations

import time

import pytest
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from simpul.access.cases import case_access, cases_visible_to
from simpul.access.children import children_visible_to
from simpul.accounts.models import Role, User
from simpul.cases.models import Case, CaseAssignment, CaseDeadline, CaseStatus, Placement
from simpul.cases.selectors import approval_queue, caseload, overdue_cases
from simpul.children import selectors as child_selectors
from simpul.children.models import Child, ChildCategory, DuplicateCandidate, DuplicateScan
from simpul.children.services import duplicate_scan_run
from simpul.core.models import AuditEvent
from simpul.demo.children import (
    JAKTIM,
    KOTA_COUNTS,
    NEAR_DUPLICATES,
    STAFF_EMAIL_DOMAIN,
    demo_children_seed,
)
from simpul.demo.network import DEMO_PARTNER_LKSA, DEMO_USERS, SKPD_NAMES, demo_seed
from simpul.directory.models import CapacityRecord, Organization

SEED_SECONDS: dict[str, float] = {}


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The whole demo (network + children), seeded once and rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        started = time.monotonic()
        summary = demo_seed(force=True)
        SEED_SECONDS["total"] = time.monotonic() - started
        SEED_SECONDS["children"] = summary.children.seconds
        yield summary
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_world, db):  # type: ignore[no-untyped-def]
    return demo_world


def user(role: str) -> User:
    return User.objects.get(email=DEMO_USERS[role])


def test_the_seed_creates_a_few_hundred_children_with_one_case_each_quickly(demo):
    expected = sum(KOTA_COUNTS.values()) + len(NEAR_DUPLICATES)
    assert Child.objects.count() == expected
    assert Case.objects.count() == expected
    assert demo.children.created and demo.children.cases == expected
    # About 30 s on a laptop with SQLite; the bound leaves room for a slow CI runner.
    assert SEED_SECONDS["total"] < 120, SEED_SECONDS


def test_cases_are_at_every_status_of_the_workflow(demo):
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses == set(CaseStatus.values)


def test_children_are_spread_over_every_kota_most_in_jakarta_timur(demo):
    per_kota = dict(Case.objects.values_list("kota_code").annotate(n=Count("id")))
    assert set(per_kota) == set(KOTA_COUNTS)
    assert max(per_kota, key=per_kota.get) == JAKTIM
    assert all(n >= 10 for n in per_kota.values())


def test_every_pmks_category_with_ages_that_fit(demo):
    primary = ChildCategory.objects.filter(
        is_primary=True, ended_at__isnull=True, category__scheme="pmks"
    ).select_related("category", "subtype", "child")
    assert {cc.category.code for cc in primary} == {"ABT", "AT", "ABH", "AJ", "ADK", "AKTK", "AMPK"}
    for cc in primary:
        assert cc.category.age_fits(cc.child.age), (cc.category.code, cc.child.age)
        assert not cc.age_rule_override_reason
        if cc.subtype and cc.subtype.code == "konflik":
            assert 12 <= cc.child.age <= 17
    assert (
        Child.objects.filter(birth_date__isnull=True, estimated_age__isnull=False)
        .exclude(age_estimate_reason="")
        .count()
        >= 20
    )
    assert Child.objects.exclude(nik="").count() >= 40
    assert Child.objects.filter(guardians__isnull=False).distinct().count() == Child.objects.count()


def test_deadlines_are_real_and_some_are_overdue(demo):
    now = timezone.now()
    assert CaseDeadline.objects.filter(met_at__isnull=True, due_at__lt=now).exists()
    assert CaseDeadline.objects.filter(met_at__isnull=True, due_at__gt=now).exists()
    assert overdue_cases(user=user("supervisor")).count() >= 10


def test_the_work_went_through_the_services(demo):
    actions = set(AuditEvent.objects.values_list("action", flat=True).distinct())
    assert {
        "children.child.registered",
        "children.child.classified",
        "children.consent.recorded",
        "cases.case.opened",
        "cases.case.transitioned",
        "cases.assessment.approved",
        "cases.plan.approved",
        "cases.service.recorded",
        "cases.placement.started",
    } <= actions
    worker = user("case_worker")
    assert AuditEvent.objects.filter(actor=worker, action="children.child.registered").count() >= 80
    assert AuditEvent.objects.filter(
        actor=user("supervisor"), action="cases.plan.approved"
    ).exists()


def test_placements_in_demo_homes_update_their_capacity(demo):
    placements = Placement.objects.select_related("organization", "service")
    assert placements.exists()
    lksa = Organization.objects.get(name=DEMO_PARTNER_LKSA)
    assert placements.filter(organization=lksa).exists()
    for p in placements.filter(service__isnull=False):
        assert CapacityRecord.objects.filter(
            service=p.service, note__contains=p.case.case_number
        ).exists()
        assert p.service.capacity_occupied <= p.service.capacity_total


def test_restricted_cases_exist_some_assigned_to_the_demo_case_worker_some_not(demo):
    worker = user("case_worker")
    restricted = [
        c
        for c in Case.objects.select_related("child", "primary_category")
        if case_access(user("supervisor"), c).restricted
    ]
    assert len(restricted) >= 20
    codes = {c.primary_category.code for c in restricted}
    assert {"AKTK", "ABH"} <= codes
    assert any(c.is_sensitive for c in restricted)
    assert any(c.case_worker_id == worker.pk for c in restricted)
    assert any(c.kota_code == JAKTIM and c.case_worker_id != worker.pk for c in restricted)
    # The supervisor is not named on some: they see a masked name and give a reason to open.
    assert any(not case_access(user("supervisor"), c).is_assigned for c in restricted)


def test_near_duplicates_are_found_by_the_duplicate_check_and_the_scan(demo):
    supervisor = user("supervisor")
    for first, second, _how in NEAR_DUPLICATES:
        originals = Child.objects.filter(full_name=first).order_by("created_at")
        original = originals.first()
        twin = (
            Child.objects.filter(full_name=second)
            .exclude(pk=original.pk)
            .order_by("-created_at")
            .first()
        )
        assert twin is not None, second
        found = child_selectors.child_duplicates_of(user=supervisor, child=twin)
        assert str(original.pk) in [c.child_id for c in found], (first, second)
    scan = DuplicateScan.objects.create(started_by=supervisor)
    duplicate_scan_run(scan=scan)
    assert scan.status == DuplicateScan.Status.DONE
    pairs = {
        frozenset((p.child_a.full_name, p.child_b.full_name))
        for p in DuplicateCandidate.objects.select_related("child_a", "child_b")
    }
    for first, second, _how in NEAR_DUPLICATES:
        assert frozenset((first, second)) in pairs, (first, second)


def test_the_demo_case_worker_has_a_caseload_of_their_own_cases(demo):
    worker = user("case_worker")
    mine = caseload(user=worker)
    assert mine.count() >= 60
    assert all(c.case_worker_id == worker.pk for c in mine)
    visible = cases_visible_to(worker)
    assert not visible.exclude(case_worker=worker).exclude(team=worker).exists()
    assert (
        Case.objects.filter(kota_code=JAKTIM).exclude(case_worker=worker).exists()
    )  # a colleague's


def test_the_supervisor_sees_every_kota_and_has_approvals_waiting(demo):
    supervisor = user("supervisor")
    assert cases_visible_to(supervisor).count() == Case.objects.count()
    assert approval_queue(user=supervisor, section="assessments").exists()
    assert approval_queue(user=supervisor, section="plans").exists()
    assert approval_queue(user=supervisor, section="closures").exists()


def test_partner_staff_see_only_the_children_their_organisation_is_assigned_to(demo):
    lksa = Organization.objects.get(name=DEMO_PARTNER_LKSA)
    assigned = set(
        CaseAssignment.objects.filter(organization=lksa, ended_at__isnull=True).values_list(
            "case__child_id", flat=True
        )
    )
    assert len(assigned) >= 5
    for role in ("org_staff", "org_admin"):
        seen = set(children_visible_to(user(role)).values_list("pk", flat=True))
        assert seen == assigned, role
    ppapp = Organization.objects.get(name=SKPD_NAMES["ppapp"])
    liaison = set(children_visible_to(user("skpd_liaison")).values_list("pk", flat=True))
    assert liaison and liaison == set(
        CaseAssignment.objects.filter(organization=ppapp, ended_at__isnull=True).values_list(
            "case__child_id", flat=True
        )
    )
    for role in ("analyst", "donor", "system_admin"):
        assert not children_visible_to(user(role)).exists(), role


def test_staff_case_workers_cannot_sign_in(demo):
    staff = User.objects.filter(email__endswith="@" + STAFF_EMAIL_DOMAIN)
    assert staff.count() == len(KOTA_COUNTS)
    assert not any(u.has_usable_password() for u in staff)
    assert not staff.filter(is_demo=True).exists()
    assert {m.role for u in staff for m in u.active_memberships()} == {Role.CASE_WORKER}


def test_seeding_again_does_nothing(demo):
    before = (Child.objects.count(), Case.objects.count(), AuditEvent.objects.count())
    assert demo_children_seed().created is False
    assert (Child.objects.count(), Case.objects.count(), AuditEvent.objects.count()) == before
