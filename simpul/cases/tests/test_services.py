"""Opening, risk and deadlines, SLA versions, assessments, plans, placements, transfer, timeline."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from simpul.accounts.models import Role
from simpul.cases import selectors, services
from simpul.cases.models import (
    Assessment,
    Case,
    CaseAssignment,
    CaseDeadline,
    CaseStatus,
    CaseTask,
    CaseTransfer,
    Milestone,
    SlaPolicy,
    SlaRule,
)
from simpul.cases.tests.conftest import FULL, INITIAL, approve_plan, open_case
from simpul.core.exceptions import ApplicationError
from simpul.core.models import AuditEvent
from simpul.directory.models import Service
from simpul.testing.factories import (
    ChildFactory,
    OrganizationFactory,
    ServiceFactory,
    make_user,
    sudin,
    term,
)


def _hours(level, milestone):
    return SlaRule.objects.get(policy__is_active=True, risk_level=level, milestone=milestone).hours


# --- opening --------------------------------------------------------------------------------------
def test_case_open_sets_number_kota_lead_and_history(worker, supervisor, child):
    reported = timezone.now() - dt.timedelta(hours=2)
    case = open_case(worker, child, supervisor=supervisor, reported_at=reported, risk_level="high")
    assert re.fullmatch(rf"KAS-{timezone.localdate().year}-\d{{6}}", case.case_number)
    assert case.kota_code == "31.75"
    assert case.lead_organization == sudin("31.75")
    assert case.case_worker == worker  # a case worker opening a case works on it
    assert case.assignments.get().kind == CaseAssignment.Kind.LEAD
    assert case.risk_ratings.get().level == "high"
    assert case.sla_policy == SlaPolicy.objects.get(is_active=True)
    # The child was registered after the report: the case starts at REPORTED.
    assert case.status == CaseStatus.REPORTED
    assert case.transitions.get().from_status == ""
    assert AuditEvent.objects.filter(action="cases.case.opened", target_id=str(case.pk)).exists()
    due = {d.milestone: d.due_at for d in case.deadlines.all()}
    assert due[Milestone.FIRST_CONTACT] == reported + dt.timedelta(
        hours=_hours("high", "first_contact")
    )
    assert Milestone.REVIEW not in due


def test_case_open_of_known_child_starts_registered(worker):
    child = ChildFactory()
    case = open_case(worker, child, reported_at=timezone.now())
    assert case.status == CaseStatus.REGISTERED


def test_case_numbers_are_sequential(worker):
    a = open_case(worker, ChildFactory())
    b = open_case(worker, ChildFactory())
    assert int(b.case_number[-6:]) == int(a.case_number[-6:]) + 1


def test_coercive_outreach_needs_justification(worker, child):
    with pytest.raises(ApplicationError, match="justification"):
        open_case(worker, child, outreach_method="coercive", coercive_justification="  ")
    assert not Case.objects.exists()
    case = open_case(
        worker,
        child,
        outreach_method="coercive",
        coercive_justification="Anak dalam bahaya di jalan tol",
    )
    assert case.coercive_justification


def test_case_open_refused_for_analyst(child):
    analyst = make_user(Role.ANALYST, sudin("31.75"))
    with pytest.raises(PermissionDenied):
        open_case(analyst, child)


# --- risk and deadlines ---------------------------------------------------------------------------
def test_risk_change_moves_open_deadlines_only(case, worker):
    contact = case.deadlines.get(milestone=Milestone.FIRST_CONTACT)
    services.case_note_add(actor=worker, case=case, text="Bertemu anak di lokasi")
    contact.refresh_from_db()
    assert contact.met_at is not None
    met_due = contact.due_at
    initial = case.deadlines.get(milestone=Milestone.INITIAL_ASSESSMENT)
    services.case_set_risk(actor=worker, case=case, level="high", reason="Ada tanda kekerasan")
    initial.refresh_from_db()
    contact.refresh_from_db()
    assert initial.due_at == case.reported_at + dt.timedelta(
        hours=_hours("high", "initial_assessment")
    )
    assert contact.due_at == met_due
    assert case.risk_ratings.count() == 2
    assert Case.objects.get(pk=case.pk).risk_level == "high"


def test_risk_change_needs_reason(case, worker):
    with pytest.raises(ApplicationError):
        services.case_set_risk(actor=worker, case=case, level="high", reason="")


def test_overdue_list_by_risk(worker, supervisor, other_supervisor):
    long_ago = timezone.now() - dt.timedelta(hours=_hours("high", "first_contact") + 1)
    high = open_case(
        worker, ChildFactory(), supervisor=supervisor, risk_level="high", reported_at=long_ago
    )
    low = open_case(
        worker, ChildFactory(), supervisor=supervisor, risk_level="low", reported_at=long_ago
    )
    overdue = list(selectors.overdue_cases(user=supervisor))
    assert high in overdue and low not in overdue
    due = selectors.case_due(case=high)
    assert [str(i.label) for i in due["overdue"]] == [str(Milestone.FIRST_CONTACT.label)]
    # Meeting the milestone takes it off the list.
    services.case_note_add(actor=worker, case=high, text="Kontak pertama")
    assert high not in list(selectors.overdue_cases(user=supervisor))
    assert list(selectors.overdue_cases(user=other_supervisor)) == []
    with pytest.raises(PermissionDenied):
        selectors.overdue_cases(user=worker)


def test_deadlines_met_by_events(case, worker, supervisor):
    initial = services.assessment_save(actor=worker, case=case, kind="initial", data=INITIAL)
    services.assessment_submit(actor=worker, assessment=initial)
    met = set(case.deadlines.filter(met_at__isnull=False).values_list("milestone", flat=True))
    assert met == {Milestone.FIRST_CONTACT, Milestone.INITIAL_ASSESSMENT}
    full = services.assessment_save(actor=worker, case=case, kind="full", data=FULL)
    services.assessment_submit(actor=worker, assessment=full)
    assert case.deadlines.get(milestone=Milestone.FULL_ASSESSMENT).met_at is not None


# --- SLA versions ---------------------------------------------------------------------------------
def test_sla_four_eyes(supervisor, supervisor2, worker):
    v1 = SlaPolicy.objects.get(is_active=True)
    with pytest.raises(PermissionDenied):
        services.sla_policy_draft_create(actor=worker)
    draft = services.sla_policy_draft_create(actor=supervisor)
    assert draft.version == v1.version + 1 and draft.rules.count() == v1.rules.count()
    services.sla_policy_update(actor=supervisor, policy=draft, hours={"high:first_contact": 12})
    with pytest.raises(ApplicationError, match="four-eyes"):
        services.sla_policy_approve(actor=supervisor, policy=draft)
    admin = make_user(Role.SYSTEM_ADMIN, sudin("31.75"))
    with pytest.raises(PermissionDenied):
        services.sla_policy_approve(actor=admin, policy=draft)
    services.sla_policy_approve(actor=supervisor2, policy=draft)
    draft.refresh_from_db()
    v1.refresh_from_db()
    assert draft.is_active and not v1.is_active
    assert draft.approved_by == supervisor2 and draft.approved_at
    with pytest.raises(ApplicationError):
        services.sla_policy_update(actor=supervisor, policy=draft, hours={"high:first_contact": 6})


def test_sla_hours_must_be_positive(supervisor):
    draft = services.sla_policy_draft_create(actor=supervisor)
    with pytest.raises(ApplicationError):
        services.sla_policy_update(actor=supervisor, policy=draft, hours={"high:first_contact": 0})


def test_cases_keep_their_sla_version(case, worker, supervisor, supervisor2):
    draft = services.sla_policy_draft_create(actor=supervisor)
    services.sla_policy_update(actor=supervisor, policy=draft, hours={"high:initial_assessment": 1})
    services.sla_policy_approve(actor=supervisor2, policy=draft)
    services.case_set_risk(actor=worker, case=case, level="high", reason="Memburuk")
    initial = case.deadlines.get(milestone=Milestone.INITIAL_ASSESSMENT)
    v1_hours = SlaRule.objects.get(
        policy=case.sla_policy, risk_level="high", milestone="initial_assessment"
    ).hours
    assert initial.due_at == case.reported_at + dt.timedelta(hours=v1_hours)


# --- assessments ----------------------------------------------------------------------------------
def test_assessment_versions_and_approval(case, worker, supervisor):
    with pytest.raises(ApplicationError):
        services.assessment_save(
            actor=worker, case=case, kind="full", data={**FULL, "child_views": ""}
        )
    a1 = services.assessment_save(actor=worker, case=case, kind="full", data=FULL)
    assert (a1.version, a1.form_version, a1.data["needs"]) == (1, "full-v1", "Akta, sekolah")
    services.assessment_submit(actor=worker, assessment=a1)
    with pytest.raises(PermissionDenied):
        services.assessment_approve(actor=worker, assessment=a1)
    with pytest.raises(ApplicationError):
        services.assessment_return(actor=supervisor, assessment=a1, note="")
    services.assessment_return(actor=supervisor, assessment=a1, note="Lengkapi pandangan anak")
    a1b = services.assessment_save(
        actor=worker, case=case, kind="full", data={**FULL, "needs": "Akta"}
    )
    assert a1b.pk == a1.pk  # a returned one is edited in place
    services.assessment_submit(actor=worker, assessment=a1b)
    services.assessment_approve(actor=supervisor, assessment=a1b)
    a2 = services.assessment_save(
        actor=worker, case=case, kind="full", data={**FULL, "needs": "Sekolah"}
    )
    assert a2.version == 2 and a2.status == Assessment.Status.DRAFT
    assert Assessment.objects.get(pk=a1.pk).data["needs"] == "Akta"


def test_initial_assessment_applies_proposed_risk(case, worker):
    a = services.assessment_save(
        actor=worker, case=case, kind="initial", data={**INITIAL, "risk_level_proposed": "high"}
    )
    services.assessment_submit(actor=worker, assessment=a)
    assert Case.objects.get(pk=case.pk).risk_level == "high"
    assert Assessment.objects.get(pk=a.pk).status == Assessment.Status.SUBMITTED


# --- plans ----------------------------------------------------------------------------------------
def _to_full_assessment(case, worker, supervisor):
    if case.status == CaseStatus.REPORTED:
        services.case_transition(actor=worker, case=case, to_status=CaseStatus.REGISTERED)
    services.case_transition(actor=worker, case=case, to_status=CaseStatus.INITIAL_ASSESSMENT)
    services.assessment_submit(
        actor=worker,
        assessment=services.assessment_save(actor=worker, case=case, kind="initial", data=INITIAL),
    )
    services.case_transition(actor=worker, case=case, to_status=CaseStatus.FULL_ASSESSMENT)
    full = services.assessment_submit(
        actor=worker,
        assessment=services.assessment_save(actor=worker, case=case, kind="full", data=FULL),
    )
    services.assessment_approve(actor=supervisor, assessment=full)


def test_plan_action_assigns_partner_after_sharing_check(
    case, worker, supervisor, partner_org, sharing_allowed
):
    plan = services.plan_create(actor=worker, case=case, summary="Kembali sekolah")
    goal = services.plan_goal_add(actor=worker, plan=plan, description="Anak kembali sekolah")
    services.plan_action_add(
        actor=worker,
        goal=goal,
        description="Bimbingan belajar",
        responsible_organization=partner_org,
        due_date=dt.date(2030, 1, 1),
        service_type=term("service-type", "residential-care"),
    )
    assert sharing_allowed == [(case.child, partner_org)]
    # Named in a draft: no access until the supervisor approves the plan.
    assert not case.assignments.filter(organization=partner_org).exists()
    approve_plan(plan, worker, supervisor)
    assert case.assignments.filter(
        organization=partner_org, kind="plan_action", ended_at__isnull=True
    ).exists()


def test_partner_access_follows_its_plan_actions_and_the_case(
    case, worker, supervisor, partner, partner_org, sharing_allowed
):
    """A partner sees the case only while it is responsible for a live action on an open case."""
    from simpul.access.cases import cases_visible_to

    def active():
        return case.assignments.filter(
            organization=partner_org, kind="plan_action", ended_at__isnull=True
        ).count()

    _to_full_assessment(case, worker, supervisor)
    plan = services.plan_create(actor=worker, case=case)
    goal = services.plan_goal_add(actor=worker, plan=plan, description="Kembali sekolah")
    action = services.plan_action_add(
        actor=worker,
        goal=goal,
        description="Bimbingan belajar",
        responsible_organization=partner_org,
        due_date=dt.date(2030, 1, 1),
    )
    services.plan_action_add(
        actor=worker,
        goal=goal,
        description="Kunjungan rumah",
        responsible_organization=case.lead_organization,
        due_date=dt.date(2030, 1, 1),
    )
    # A draft plan grants nothing: the work is not agreed yet.
    assert active() == 0 and not cases_visible_to(partner).filter(pk=case.pk).exists()
    services.plan_submit(actor=worker, plan=plan)
    assert active() == 0
    services.plan_approve(actor=supervisor, plan=plan)
    assert active() == 1 and cases_visible_to(partner).filter(pk=case.pk).exists()
    # The partner finishes its work: it keeps seeing the case (its own record of the work).
    services.plan_action_set_status(actor=partner, action=action, status="done")
    assert active() == 1
    # Cancelled: the assignment ends (kept as history) and the case disappears for the partner.
    services.plan_action_set_status(actor=worker, action=action, status="cancelled")
    assert (
        active() == 0
        and case.assignments.filter(organization=partner_org, ended_at__isnull=False).count() == 1
    )
    assert not cases_visible_to(partner).filter(pk=case.pk).exists()
    assert AuditEvent.objects.filter(
        action="cases.assignment.ended", target_id__isnull=False
    ).exists()
    # A new plan version gives the partner an action again; closing the case ends it.
    services.case_transition(actor=worker, case=case, to_status=CaseStatus.IMPLEMENTATION)
    v2 = services.plan_create(actor=worker, case=case)
    services.plan_action_add(
        actor=worker,
        goal=v2.goals.get(),
        description="Les membaca",
        responsible_organization=partner_org,
        due_date=dt.date(2030, 6, 1),
    )
    assert active() == 0  # only the draft v2 names it again
    services.plan_submit(actor=worker, plan=v2)
    services.plan_approve(actor=supervisor, plan=v2)
    assert active() == 1
    services.case_close_request(actor=worker, case=case, reason="goals_met")
    services.case_close_approve(actor=supervisor, case=case)
    assert active() == 0 and not cases_visible_to(partner).filter(pk=case.pk).exists()
    # Reopened: the live action's organisation sees the case again (sharing still allowed).
    services.case_reopen(
        actor=worker, case=Case.objects.get(pk=case.pk), reason="Anak kembali ke jalan"
    )
    assert active() == 1


def test_plan_action_refused_without_consent(case, worker, partner_org, monkeypatch):
    def refuse(child, org):
        raise ApplicationError("Tidak ada persetujuan")

    monkeypatch.setattr("simpul.cases.services.assignments._require_sharing_allowed", refuse)
    plan = services.plan_create(actor=worker, case=case)
    goal = services.plan_goal_add(actor=worker, plan=plan, description="Tujuan")
    with pytest.raises(ApplicationError):
        services.plan_action_add(
            actor=worker,
            goal=goal,
            description="x",
            responsible_organization=partner_org,
            due_date=dt.date(2030, 1, 1),
        )
    assert not case.assignments.filter(organization=partner_org).exists()


def test_plan_approval_moves_case_and_new_version_supersedes(case, worker, supervisor):
    _to_full_assessment(case, worker, supervisor)
    plan = services.plan_create(actor=worker, case=case)
    with pytest.raises(ApplicationError):
        services.plan_submit(actor=worker, plan=plan)
    goal = services.plan_goal_add(actor=worker, plan=plan, description="Aman di keluarga")
    services.plan_action_add(
        actor=worker,
        goal=goal,
        description="Kunjungan rumah",
        responsible_organization=case.lead_organization,
        due_date=dt.date(2030, 1, 1),
    )
    services.plan_submit(actor=worker, plan=plan)
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=worker, plan=plan)
    services.plan_approve(actor=supervisor, plan=plan)
    case.refresh_from_db()
    assert case.status == CaseStatus.PLAN_APPROVED
    assert case.deadlines.get(milestone=Milestone.CASE_PLAN).met_at is not None
    assert case.deadlines.filter(milestone=Milestone.REVIEW, met_at__isnull=True).count() == 1
    services.case_transition(actor=worker, case=case, to_status=CaseStatus.IMPLEMENTATION)
    v2 = services.plan_create(actor=worker, case=case)
    assert v2.version == 2 and v2.goals.get().actions.count() == 1
    services.plan_submit(actor=worker, plan=v2)
    services.plan_approve(actor=supervisor, plan=v2)
    plan.refresh_from_db()
    assert plan.status == "superseded"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.IMPLEMENTATION
    # A review meets the review deadline and schedules the next one.
    services.case_transition(actor=worker, case=case, to_status=CaseStatus.REVIEW)
    reviews = case.deadlines.filter(milestone=Milestone.REVIEW)
    assert reviews.count() == 2 and reviews.filter(met_at__isnull=True).count() == 1


# --- placements -----------------------------------------------------------------------------------
def test_placement_updates_capacity_and_refuses_when_full(
    case, worker, partner_org, sharing_allowed
):
    service = ServiceFactory(organization=partner_org, capacity_total=2, capacity_occupied=1)
    with pytest.raises(ApplicationError, match="family-based"):
        services.placement_start(
            actor=worker,
            case=case,
            organization=partner_org,
            service=service,
            start_date=timezone.localdate(),
            review_due=timezone.localdate() + dt.timedelta(days=30),
            gatekeeping_note="",
        )
    placement = services.placement_start(
        actor=worker,
        case=case,
        organization=partner_org,
        service=service,
        start_date=timezone.localdate(),
        review_due=timezone.localdate() + dt.timedelta(days=30),
        gatekeeping_note="Keluarga besar tidak dapat dihubungi",
    )
    assert Service.objects.get(pk=service.pk).capacity_occupied == 2
    assert case.assignments.filter(
        organization=partner_org, kind="placement", ended_at__isnull=True
    ).exists()
    assert case.tasks.filter(kind=CaseTask.Kind.PLACEMENT_REVIEW).exists()
    other = open_case(worker, ChildFactory())
    with pytest.raises(ApplicationError, match="full"):
        services.placement_start(
            actor=worker,
            case=other,
            organization=partner_org,
            service=service,
            start_date=timezone.localdate(),
            review_due=timezone.localdate() + dt.timedelta(days=30),
            gatekeeping_note="Tidak ada keluarga",
        )
    assert Service.objects.get(pk=service.pk).capacity_occupied == 2
    services.placement_end(
        actor=worker,
        placement=placement,
        end_date=timezone.localdate(),
        reason="Kembali ke keluarga",
    )
    assert Service.objects.get(pk=service.pk).capacity_occupied == 1
    assert not case.assignments.filter(
        organization=partner_org, kind="placement", ended_at__isnull=True
    ).exists()


# --- transfer -------------------------------------------------------------------------------------
def test_transfer_keeps_history_and_moves_kota(
    case, worker, supervisor, sudin_pusat, other_supervisor
):
    new_worker = make_user(Role.CASE_WORKER, sudin_pusat)
    with pytest.raises(ApplicationError):
        services.case_transfer(actor=worker, case=case, to_organization=sudin_pusat, reason="")
    transfer = services.case_transfer(
        actor=worker,
        case=case,
        to_organization=sudin_pusat,
        to_worker=new_worker,
        reason="Keluarga pindah ke Jakarta Pusat",
    )
    case.refresh_from_db()
    assert (
        case.lead_organization == sudin_pusat
        and case.kota_code == "31.71"
        and case.case_worker == new_worker
    )
    leads = case.assignments.filter(kind="lead").order_by("started_at")
    assert [a.organization for a in leads] == [sudin("31.75"), sudin_pusat]
    assert leads[0].ended_at is not None and leads[1].ended_at is None
    assert CaseTransfer.objects.get(case=case) == transfer and transfer.from_worker == worker
    assert case.transitions.count() >= 1  # history untouched
    # Visibility follows the case: the other kota's supervisor now sees it, the old worker not.
    assert selectors.case_get(user=other_supervisor, pk=case.pk)
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.case_get(user=worker, pk=case.pk)


# --- timeline -------------------------------------------------------------------------------------
def test_timeline_in_order_with_related_events(case, worker, supervisor):
    services.case_transition(actor=worker, case=case, to_status=CaseStatus.REGISTERED)
    a = services.assessment_save(actor=worker, case=case, kind="initial", data=INITIAL)
    services.case_note_add(actor=worker, case=case, text="Catatan")
    services.assessment_submit(actor=worker, assessment=a)
    case, access = selectors.case_get(user=worker, pk=case.pk)
    entries = selectors.case_timeline(case=case, access=access)
    actions = [e.action for e in entries]
    assert actions[0] == "cases.case.transitioned"  # "" → reported
    assert (
        actions.index("cases.case.opened")
        < actions.index("cases.assessment.created")
        < actions.index("cases.note.added")
        < actions.index("cases.assessment.submitted")
    )
    assert actions.count("cases.case.transitioned") == 2
    assert [e.at for e in entries] == sorted(e.at for e in entries)


def test_deadline_rows_have_due_dates(case):
    assert CaseDeadline.objects.filter(case=case).count() == 4


def test_partner_service_record_only_own_org(
    case, worker, supervisor, partner, partner_org, other_partner, sharing_allowed
):
    plan = services.plan_create(actor=worker, case=case)
    goal = services.plan_goal_add(actor=worker, plan=plan, description="Tujuan")
    services.plan_action_add(
        actor=worker,
        goal=goal,
        description="Konseling",
        responsible_organization=partner_org,
        due_date=dt.date(2030, 1, 1),
    )
    approve_plan(plan, worker, supervisor)
    st = term("service-type", "residential-care")
    services.service_delivery_record(
        actor=partner,
        case=case,
        service_type=st,
        organization=partner_org,
        delivered_on=timezone.localdate(),
    )
    with pytest.raises(PermissionDenied):
        services.service_delivery_record(
            actor=partner,
            case=case,
            service_type=st,
            organization=OrganizationFactory(),
            delivered_on=timezone.localdate(),
        )
    with pytest.raises(PermissionDenied):
        services.service_delivery_record(
            actor=other_partner,
            case=case,
            service_type=st,
            organization=partner_org,
            delivered_on=timezone.localdate(),
        )


def test_case_get_returns_the_policy_with_the_case_and_attaches_nothing(case, worker):
    """The policy travels beside the record (decision 0006), like ``child_get``; the model
    instance carries no public ``access`` attribute a template or serializer could read."""
    got, access = selectors.case_get(user=worker, pk=case.pk)
    assert got.pk == case.pk and access.visible and access.can_edit and access.is_assigned
    assert not hasattr(got, "access")
