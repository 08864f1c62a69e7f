"""The whole demo (simpul.demo), seeded once for this module for a fixed day through the
services, then checked: counts, every status, restricted cases, near-duplicates, what the demo
users see, and that the demo lives in time — every event backdated to its moment before the
day, caseloads a person could carry, deadlines spread as a month of real work leaves them, and
risk ratings that follow the intake story."""

from __future__ import annotations

import collections
import datetime as dt
import time

import pytest
import time_machine
from django.apps import apps
from django.db import models, transaction
from django.db.models import Count, Min, Q

from simpul.access.cases import case_access, cases_visible_to
from simpul.access.children import children_visible_to
from simpul.accounts.models import Invitation, Role, User
from simpul.cases.models import (
    Assessment,
    Case,
    CaseAssignment,
    CaseDeadline,
    CasePlan,
    CaseStatus,
    CaseTask,
    Milestone,
    OutreachMethod,
    Placement,
    PlanAction,
    RiskLevel,
    RiskRating,
    SlaRule,
)
from simpul.cases.selectors import approval_queue, caseload, overdue_cases
from simpul.children import selectors as child_selectors
from simpul.children.models import (
    Child,
    ChildCategory,
    ChildImport,
    DuplicateCandidate,
)
from simpul.core.models import AuditEvent
from simpul.demo.children import KOTA_COUNTS, NEAR_DUPLICATES, demo_children_seeded
from simpul.demo.clock import DemoClock, is_working_day
from simpul.demo.network import DEMO_PARTNER_LKSA, DEMO_USERS, SKPD_NAMES
from simpul.demo.seed import demo_seed
from simpul.demo.world import CASES_PER_WORKER, JAKTIM, STAFF_EMAIL_DOMAIN
from simpul.directory.models import CapacityRecord, Organization

TODAY = dt.date(2026, 12, 1)  # a Tuesday
CLOCK = DemoClock(TODAY)
ANCHOR = CLOCK.anchor
MORNING = ANCHOR + dt.timedelta(hours=9)  # when a user opens the demo on its day
SEED_SECONDS: dict[str, float] = {}
OPEN = ~Q(status=CaseStatus.CLOSED)
# Cases still being worked on: not closed, not in aftercare (nothing of the table is due there).
LIVE = ~Q(status__in=[CaseStatus.CLOSED, CaseStatus.AFTERCARE])


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The whole demo (network + children) for TODAY, seeded once, rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        started = time.monotonic()
        summary = demo_seed(force=True, today=TODAY)
        SEED_SECONDS["total"] = time.monotonic() - started
        SEED_SECONDS["children"] = summary.children.seconds
        yield summary
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_world, db):  # type: ignore[no-untyped-def]
    return demo_world


@pytest.fixture
def on_demo_day():  # type: ignore[no-untyped-def]
    """Pages and selectors read "now": look at the demo on the morning of its day."""
    with time_machine.travel(MORNING, tick=False):
        yield


def user(role: str) -> User:
    return User.objects.get(email=DEMO_USERS[role])


def hours(policy_id: object, level: str, milestone: str) -> int:
    return SlaRule.objects.get(policy_id=policy_id, risk_level=level, milestone=milestone).hours


# --- what is there ------------------------------------------------------------------------------
def test_the_seed_creates_a_few_hundred_children_with_one_case_each(demo):
    expected = sum(KOTA_COUNTS.values()) + len(NEAR_DUPLICATES)
    assert Child.objects.count() == expected
    assert Case.objects.count() == expected
    assert demo.children.created and demo.children.cases == expected
    # About 50 s on SQLite and 150 s on PostgreSQL on a 2-core machine; the bound catches a
    # seeding that goes wrong (a story replayed over and over), not a slow runner.
    assert SEED_SECONDS["total"] < 480, SEED_SECONDS


def test_cases_are_at_every_status_of_the_workflow(demo):
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)


def test_children_are_spread_over_every_kota_most_in_jakarta_timur(demo):
    per_kota = dict(Case.objects.values_list("kota_code").annotate(n=Count("id")))
    assert set(per_kota) == set(KOTA_COUNTS)
    assert max(per_kota, key=per_kota.get) == JAKTIM
    assert all(n >= 10 for n in per_kota.values())


def test_every_pmks_category_with_ages_that_fit_at_registration_and_on_the_day(demo):
    primary = ChildCategory.objects.filter(
        is_primary=True, ended_at__isnull=True, category__scheme="pmks"
    ).select_related("category", "subtype", "child")
    assert {cc.category.code for cc in primary} == {"ABT", "AT", "ABH", "AJ", "ADK", "AKTK", "AMPK"}
    for cc in primary:
        registered = cc.child.created_at.astimezone(ANCHOR.tzinfo).date()
        for day in (registered, TODAY):
            age = cc.child.age_on(day)
            assert cc.category.age_fits(age), (cc.category.code, age, day)
        assert not cc.age_rule_override_reason
        if cc.subtype and cc.subtype.code == "konflik":
            assert 12 <= cc.child.age_on(TODAY) <= 17
    assert (
        Child.objects.filter(birth_date__isnull=True, estimated_age__isnull=False)
        .exclude(age_estimate_reason="")
        .count()
        >= 20
    )
    assert Child.objects.exclude(nik="").count() >= 40
    assert Child.objects.filter(guardians__isnull=False).distinct().count() == Child.objects.count()


def test_the_work_went_through_the_services(demo):
    actions = set(AuditEvent.objects.values_list("action", flat=True).distinct())
    assert {
        "children.child.registered",
        "children.child.classified",
        "children.consent.recorded",
        "cases.case.opened",
        "cases.case.transitioned",
        "cases.case.risk_changed",
        "cases.assessment.approved",
        "cases.plan.approved",
        "cases.plan.action_status",
        "cases.service.recorded",
        "cases.placement.started",
        "directory.service.capacity_updated",
        "children.duplicate_scan.started",
        "children.import.validated",
        "accounts.invitation.created",
    } <= actions
    worker = user("case_worker")
    assert AuditEvent.objects.filter(actor=worker, action="children.child.registered").count() >= 20
    assert AuditEvent.objects.filter(
        actor=user("supervisor"), action="cases.plan.approved"
    ).exists()


def test_placements_in_demo_homes_update_their_capacity(demo):
    placements = Placement.objects.select_related("organization", "service", "case")
    assert placements.exists()
    lksa = Organization.objects.get(name=DEMO_PARTNER_LKSA)
    assert placements.filter(organization=lksa).exists()
    for p in placements.filter(service__isnull=False):
        started = (
            CapacityRecord.objects.filter(service=p.service, note__endswith=p.case.case_number)
            .order_by("recorded_at")
            .first()
        )
        assert started is not None, p.case.case_number
        assert started.recorded_at.astimezone(ANCHOR.tzinfo).date() == p.start_date
        assert p.service.capacity_occupied <= p.service.capacity_total
    # Capacity history is in time order and ends in the service's current figures.
    for service in {p.service for p in placements if p.service}:
        history = list(service.capacity_history.order_by("recorded_at"))
        assert (history[-1].total, history[-1].occupied) == (
            service.capacity_total,
            service.capacity_occupied,
        )


def test_restricted_cases_exist_some_assigned_to_the_demo_case_worker_some_not(demo):
    worker = user("case_worker")
    restricted = [
        c
        for c in Case.objects.select_related("child", "primary_category")
        if case_access(user("supervisor"), c).restricted
    ]
    assert len(restricted) >= 20
    assert {"AKTK", "ABH"} <= {c.primary_category.code for c in restricted}
    assert any(c.is_sensitive for c in restricted)
    assert any(c.case_worker_id == worker.pk for c in restricted)
    assert any(c.kota_code == JAKTIM and c.case_worker_id != worker.pk for c in restricted)
    # The supervisor is not named on some: they see a masked name and give a reason to open.
    assert any(not case_access(user("supervisor"), c).is_assigned for c in restricted)


def test_near_duplicates_are_found_by_the_check_and_wait_for_review_after_the_scan(demo):
    supervisor = user("supervisor")
    for first, second, _how in NEAR_DUPLICATES:
        original = Child.objects.filter(full_name=first).order_by("created_at").first()
        twin = (
            Child.objects.filter(full_name=second)
            .exclude(pk=original.pk)
            .order_by("-created_at")
            .first()
        )
        assert twin is not None, second
        assert twin.created_at > original.created_at + dt.timedelta(days=1), second
        found = child_selectors.child_duplicates_of(user=supervisor, child=twin)
        assert str(original.pk) in [c.child_id for c in found], (first, second)
    # The supervisor's scan ran the day before: every pair waits for review on the home page.
    pairs = {
        frozenset((p.child_a.full_name, p.child_b.full_name))
        for p in DuplicateCandidate.objects.filter(
            status=DuplicateCandidate.Status.OPEN
        ).select_related("child_a", "child_b")
    }
    for first, second, _how in NEAR_DUPLICATES:
        assert frozenset((first, second)) in pairs, (first, second)


def test_the_demo_case_worker_has_a_caseload_of_their_own_cases(demo, on_demo_day):
    worker = user("case_worker")
    mine = caseload(user=worker)
    assert 15 <= mine.count() <= 35
    assert all(c.case_worker_id == worker.pk for c in mine)
    visible = cases_visible_to(worker)
    assert not visible.exclude(case_worker=worker).exclude(team=worker).exists()
    assert Case.objects.filter(kota_code=JAKTIM).exclude(case_worker=worker).exists()


def test_the_supervisor_sees_every_kota_and_has_approvals_waiting(demo, on_demo_day):
    supervisor = user("supervisor")
    assert cases_visible_to(supervisor).count() == Case.objects.count()
    for section in ("assessments", "plans", "closures"):
        waiting = approval_queue(user=supervisor, section=section).count()
        # Some work waits for the supervisor; most was decided in its time.
        assert 1 <= waiting <= 60, (section, waiting)
    assert overdue_cases(user=supervisor).count() >= 10


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
    workers = sum(-(-n // CASES_PER_WORKER) for n in KOTA_COUNTS.values())
    assert staff.count() == workers - 1  # the demo case worker is one of Jakarta Timur's
    assert not any(u.has_usable_password() for u in staff)
    assert not staff.filter(is_demo=True).exists()
    assert {m.role for u in staff for m in u.active_memberships()} == {Role.CASE_WORKER}


def test_the_home_page_has_work_of_every_kind_in_the_demo(demo):
    assert DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN).count() >= 10
    waiting = ChildImport.objects.get(uploaded_by=user("data_operator"))
    assert waiting.status == ChildImport.Status.VALIDATED and waiting.total_rows >= 5
    assert CaseTask.objects.filter(kind=CaseTask.Kind.TRANSITION_REVIEW).exists()
    assert Invitation.objects.filter(approved_at__isnull=True, accepted_at__isnull=True).exists()
    assert Assessment.objects.filter(status=Assessment.Status.DRAFT).exists()
    assert CasePlan.objects.filter(status=CasePlan.Status.SUBMITTED).exists()


def test_seeding_again_does_nothing(demo):
    before = (Child.objects.count(), Case.objects.count(), AuditEvent.objects.count())
    summary = demo_seed(force=True, today=TODAY)
    assert summary.children.created is False and demo_children_seeded()
    assert (Child.objects.count(), Case.objects.count(), AuditEvent.objects.count()) == before


# --- the demo lives in time -----------------------------------------------------------------------
# Written by migrations (reference data), not by the demo: their timestamps are the install's.
REFERENCE_MODELS = {
    "Region",
    "Category",
    "CategorySubtype",
    "Condition",
    "TaxonomyTerm",
    "SlaPolicy",
    "SlaRule",
}
# Moments that are meant to lie ahead: deadlines, expiry dates.
AHEAD_FIELDS = {"due_at", "expires_at"}


def test_no_timestamp_is_in_the_future_of_the_day(demo):
    checked = 0
    for model in apps.get_models():
        if not model.__module__.startswith("simpul.") or model.__name__ in REFERENCE_MODELS:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.DateTimeField) and f.name not in AHEAD_FIELDS:
                late = model.objects.filter(**{f"{f.name}__gte": ANCHOR})
                assert not late.exists(), (model.__name__, f.name, late.count())
                checked += 1
            elif isinstance(f, models.DateField) and f.name in (
                "delivered_on",
                "start_date",
                "end_date",
                "held_on",
            ):
                assert not model.objects.filter(**{f"{f.name}__gte": TODAY}).exists()
    assert checked > 40


def test_every_case_was_reported_within_the_year_and_some_closed_in_it(demo):
    oldest = Case.objects.aggregate(m=Min("reported_at"))["m"]
    assert ANCHOR - dt.timedelta(days=366) < oldest < ANCHOR - dt.timedelta(days=200)
    closed = Case.objects.filter(closed_at__isnull=False)
    assert closed.count() >= 20
    assert all(ANCHOR - dt.timedelta(days=366) < c.closed_at < ANCHOR for c in closed)
    assert closed.filter(closed_at__gte=ANCHOR - dt.timedelta(days=60)).exists()
    assert closed.filter(closed_at__lt=ANCHOR - dt.timedelta(days=180)).exists()
    assert Case.objects.filter(status=CaseStatus.AFTERCARE).count() >= 5
    # Case numbers follow the order of opening, year by year.
    # Two cases opened at the same travelled moment tie on created_at: break the tie by number.
    numbers = list(
        Case.objects.order_by("created_at", "case_number").values_list("case_number", flat=True)
    )
    for year in {n[4:8] for n in numbers}:
        in_year = [n for n in numbers if n[4:8] == year]
        assert in_year == sorted(in_year), year


def test_risk_history_starts_on_the_day_the_case_was_reported(demo):
    zone = ANCHOR.tzinfo
    for case in Case.objects.prefetch_related("risk_ratings"):
        first = min(case.risk_ratings.all(), key=lambda r: r.created_at)
        assert first.created_at.astimezone(zone).date() == case.reported_at.astimezone(zone).date()
        assert first.created_at > case.reported_at
    changed = RiskRating.objects.values("case").annotate(n=Count("id")).filter(n__gt=1)
    assert changed.count() >= 20  # raised by the initial assessment or lowered at a review


def test_coercive_outreach_at_night_from_a_traffic_lane_is_high_risk(demo):
    coercive = Case.objects.filter(outreach_method=OutreachMethod.COERCIVE)
    assert coercive.count() >= 3
    for case in coercive:
        opened = case.risk_ratings.order_by("created_at").first()
        assert opened.level == RiskLevel.HIGH, case.case_number
        hour = case.reported_at.astimezone(ANCHOR.tzinfo).hour
        assert hour >= 20 or hour < 3, (case.case_number, hour)
        assert "jalur cepat" in case.intake_details
        assert case.coercive_justification
    # Immediate danger, then: never "no risk" or "low" when the case is opened.
    urgent = Case.objects.filter(transitions__to_status=CaseStatus.URGENT_PROTECTION).distinct()
    for case in urgent:
        assert case.risk_ratings.order_by("created_at").first().level == RiskLevel.HIGH


def test_caseloads_are_ones_a_person_could_carry(demo):
    active = collections.Counter(
        Case.objects.filter(OPEN).values_list("case_worker__email", flat=True)
    )
    assert None not in active
    assert max(active.values()) <= 35, active.most_common(3)
    assert min(active.values()) >= 10, active.most_common()[-3:]


def _next_due() -> dict[int, dt.datetime | None]:
    return dict(
        Case.objects.filter(LIVE)
        .annotate(n=Min("deadlines__due_at", filter=Q(deadlines__met_at__isnull=True)))
        .values_list("pk", "n")
    )


def test_deadlines_are_mostly_ahead_some_this_week_a_few_overdue(demo):
    next_due = _next_due()
    dated = [d for d in next_due.values() if d is not None]
    assert len(dated) >= 0.9 * len(next_due)
    overdue = [d for d in dated if d < ANCHOR]
    share = len(overdue) / len(next_due)
    assert 0.03 <= share <= 0.20, share
    week = [d for d in dated if ANCHOR <= d < ANCHOR + dt.timedelta(days=7)]
    later = [d for d in dated if d >= ANCHOR + dt.timedelta(days=7)]
    assert len(week) >= 20 and len(later) >= 0.3 * len(next_due), (len(week), len(later))
    by_days = [(ANCHOR - d).days for d in overdue]
    assert any(days < 7 for days in by_days) and any(days >= 7 for days in by_days), by_days


def _open_items() -> dict[str, list[dt.date]]:
    """Every dated thing still open on a live case, by kind, as the day it is due: the
    deadlines of the table, the tasks, the placements' review dates and the plan actions."""
    live = Case.objects.filter(LIVE)
    items: dict[str, list[dt.date]] = collections.defaultdict(list)
    for milestone, due in CaseDeadline.objects.filter(
        case__in=live, met_at__isnull=True
    ).values_list("milestone", "due_at"):
        items[milestone].append(due.astimezone(ANCHOR.tzinfo).date())
    for kind, due in CaseTask.objects.filter(case__in=live, done_at__isnull=True).values_list(
        "kind", "due_on"
    ):
        items[f"task:{kind}"].append(due)
    items["placement review"] = list(
        Placement.objects.filter(case__in=live, end_date__isnull=True).values_list(
            "review_due", flat=True
        )
    )
    items["plan action"] = list(
        PlanAction.objects.filter(
            goal__plan__case__in=live,
            goal__plan__status=CasePlan.Status.APPROVED,
            status__in=[PlanAction.Status.PLANNED, PlanAction.Status.IN_PROGRESS],
            due_date__isnull=False,
        ).values_list("due_date", flat=True)
    )
    return items


def test_few_open_items_of_any_kind_are_overdue_and_none_for_long(demo):
    """A month of real work: of every kind of open deadline (and the partners' dates: placement
    reviews, plan actions) at most one in five is overdue (seeded for 2026-12-01: 2–9 %, one
    kind of 12 items 2), and none by more than 45 days (the longest: 26). A placement review
    that fell due was done, and set the next one."""
    items = _open_items()
    assert {"placement review", "plan action", Milestone.REVIEW} <= set(items), set(items)
    for kind, dues in items.items():
        late = [(TODAY - due).days for due in dues if due < TODAY]
        assert len(late) <= max(3, 0.2 * len(dues)), (kind, len(late), len(dues))
        assert max(late, default=0) <= 45, (kind, sorted(late))
    done = CaseTask.objects.filter(kind=CaseTask.Kind.PLACEMENT_REVIEW, done_at__isnull=False)
    assert done.filter(done_by__isnull=False).exists()
    for placement in Placement.objects.filter(case__in=Case.objects.filter(LIVE), end_date=None):
        review = placement.case.tasks.get(kind=CaseTask.Kind.PLACEMENT_REVIEW, done_at=None)
        assert review.due_on == placement.review_due


def test_closed_cases_have_nothing_due(demo):
    ended = Case.objects.exclude(LIVE)
    assert ended.filter(status=CaseStatus.AFTERCARE).exists()
    assert not CaseDeadline.objects.filter(case__in=ended, met_at__isnull=True).exists()
    ended_by_closure = CaseDeadline.objects.filter(end_reason=CaseDeadline.EndReason.CASE_CLOSED)
    assert ended_by_closure.exists()
    for deadline in ended_by_closure.select_related("case"):
        if deadline.case.closed_at is not None:  # a reopened case's closure was cleared
            assert deadline.met_at == deadline.case.closed_at


def test_deadlines_are_spread_over_days_and_times_of_day(demo):
    deadlines = list(CaseDeadline.objects.values_list("due_at", flat=True))
    minutes = collections.Counter(d.replace(second=0, microsecond=0) for d in deadlines)
    assert minutes.most_common(1)[0][1] <= max(4, len(deadlines) // 100), minutes.most_common(3)
    open_due = CaseDeadline.objects.filter(met_at__isnull=True, case__in=Case.objects.filter(OPEN))
    local = [d.astimezone(ANCHOR.tzinfo) for d in open_due.values_list("due_at", flat=True)]
    assert len({d.hour for d in local}) >= 10
    assert len({d.date() for d in local}) >= 60


def test_deadlines_are_computed_from_the_backdated_moments(demo):
    """The services computed each deadline from the moment of its step: from the report for
    the first four milestones (from the reopening, for a reopened case's way back), from the
    plan approval or the last review for the next review."""
    steady = Case.objects.annotate(n=Count("risk_ratings")).filter(n=1).select_related("sla_policy")
    checked = 0
    for case in steady:
        reopenings = list(
            case.transitions.filter(to_status=CaseStatus.REOPENED).values_list("at", flat=True)
        )
        for deadline in case.deadlines.all():
            h = dt.timedelta(hours=hours(case.sla_policy_id, case.risk_level, deadline.milestone))
            if deadline.milestone == Milestone.REVIEW:
                # Scheduled when its base happened: the deadline row was written at that moment.
                assert deadline.due_at == deadline.created_at + h, case.case_number
            else:
                base = max(
                    (at for at in reopenings if at <= deadline.created_at),
                    default=case.reported_at,
                )
                assert deadline.due_at == base + h, case.case_number
            if deadline.met_at is not None:
                assert case.reported_at < deadline.met_at < ANCHOR
            checked += 1
    assert checked > 500


def test_casework_happens_in_office_hours_on_working_days(demo):
    moves = AuditEvent.objects.filter(action="cases.case.transitioned", actor__isnull=False)
    local = [m.astimezone(ANCHOR.tzinfo) for m in moves.values_list("created_at", flat=True)]
    in_office = [
        t for t in local if is_working_day(t.date()) and dt.time(8) <= t.time() < dt.time(16, 30)
    ]
    assert len(in_office) >= 0.9 * len(local), (len(in_office), len(local))
    assert len({t.hour for t in in_office}) >= 8  # not all at the opening hour
    # The supervisor approves on working days too.
    approvals = [
        m.astimezone(ANCHOR.tzinfo).date()
        for m in AuditEvent.objects.filter(action="cases.plan.approved").values_list(
            "created_at", flat=True
        )
    ]
    assert sum(is_working_day(day) for day in approvals) >= 0.95 * len(approvals)
