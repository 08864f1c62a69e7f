"""The workflow state machine: the full transition matrix, guards and clear refusals."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import PermissionDenied

from simpul.cases import services
from simpul.cases.models import (
    Assessment,
    Case,
    CasePlan,
    CaseStatus,
    CaseTask,
    CaseTransition,
    PlanAction,
    PlanGoal,
)
from simpul.cases.services.workflow import ALLOWED
from simpul.cases.tests.conftest import FULL, INITIAL
from simpul.core.exceptions import ApplicationError
from simpul.core.models import AuditEvent
from simpul.testing.factories import CaseFactory

S = CaseStatus
ALL = list(S.values)
PAIRS = list(itertools.product(ALL, ALL))


def _case_at(status, worker, supervisor, *, origin=None):
    case = CaseFactory(status=status, case_worker=worker, supervisor=supervisor)
    Assessment.objects.create(
        case=case, kind="initial", form_version="initial-v1", data=INITIAL, status="submitted"
    )
    if status in (S.URGENT_PROTECTION, S.CLOSURE_PENDING):
        CaseTransition.objects.create(case=case, from_status=origin, to_status=status)
    if status == S.FULL_ASSESSMENT:
        Assessment.objects.create(
            case=case, kind="full", form_version="full-v1", data=FULL, status="approved"
        )
        plan = CasePlan.objects.create(case=case, status="submitted")
        goal = PlanGoal.objects.create(plan=plan, description="Sekolah lagi")
        PlanAction.objects.create(
            goal=goal,
            description="Daftar PKBM",
            responsible_organization=case.lead_organization,
            due_date="2030-01-01",
        )
    if status == S.CLOSURE_PENDING:
        case.closure_reason = "goals_met"
        case.save()
    return case


def _take(case, to, worker, supervisor):
    """Take an allowed step through the action that carries it."""
    if to == S.PLAN_APPROVED:
        services.plan_approve(actor=supervisor, plan=case.plans.get())
    elif to == S.CLOSURE_PENDING:
        services.case_close_request(actor=worker, case=case, reason="goals_met")
    elif case.status == S.CLOSURE_PENDING and to == S.CLOSED:
        services.case_close_approve(actor=supervisor, case=case)
    elif case.status == S.CLOSURE_PENDING:
        services.case_close_return(actor=supervisor, case=case, note="Belum aman")
    else:
        services.case_transition(actor=worker, case=case, to_status=to, reason="Alasan langkah ini")


@pytest.mark.parametrize(("from_status", "to_status"), PAIRS)
def test_transition_matrix(from_status, to_status, worker, supervisor):
    allowed = to_status in ALLOWED[from_status]
    # Urgent protection and a returned closure go back where they came from: use that origin.
    origin = None
    if from_status == S.URGENT_PROTECTION:
        origin = to_status if allowed else S.INITIAL_ASSESSMENT
    if from_status == S.CLOSURE_PENDING:
        origin = to_status if allowed and to_status != S.CLOSED else S.IMPLEMENTATION
    case = _case_at(from_status, worker, supervisor, origin=origin)
    transitions = CaseTransition.objects.filter(case=case).count()
    events = AuditEvent.objects.count()
    if allowed:
        _take(case, to_status, worker, supervisor)
        case.refresh_from_db()
        assert case.status == to_status
        last = CaseTransition.objects.filter(case=case).order_by("-id").first()
        assert (last.from_status, last.to_status) == (from_status, to_status)
        assert AuditEvent.objects.filter(
            action="cases.case.transitioned", data__case_id=str(case.pk)
        ).exists()
    else:
        with pytest.raises(ApplicationError) as exc:
            services.case_transition(
                actor=worker, case=case, to_status=to_status, reason="Alasan langkah ini"
            )
        message = str(exc.value.message)
        assert message  # clear and specific
        if from_status != to_status:
            assert str(S(from_status).label) in message and str(S(to_status).label) in message
        case.refresh_from_db()
        assert case.status == from_status
        assert CaseTransition.objects.filter(case=case).count() == transitions
        assert AuditEvent.objects.count() == events


def test_illegal_message_names_next_steps(case, worker):
    with pytest.raises(ApplicationError) as exc:
        services.case_transition(actor=worker, case=case, to_status=S.IMPLEMENTATION)
    message = str(exc.value.message)
    assert str(S.IMPLEMENTATION.label) in message
    assert str(S(ALLOWED[case.status][0]).label) in message
    assert exc.value.extra["allowed"] == list(ALLOWED[case.status])


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (S.FULL_ASSESSMENT, S.PLAN_APPROVED),
        (S.IMPLEMENTATION, S.CLOSURE_PENDING),
        (S.CLOSURE_PENDING, S.CLOSED),
    ],
)
def test_routed_steps_refused_as_plain_transitions(from_status, to_status, worker, supervisor):
    case = _case_at(from_status, worker, supervisor, origin=S.IMPLEMENTATION)
    with pytest.raises(ApplicationError):
        services.case_transition(actor=supervisor, case=case, to_status=to_status)
    case.refresh_from_db()
    assert case.status == from_status


def test_full_assessment_needs_submitted_initial(worker, supervisor):
    case = CaseFactory(status=S.INITIAL_ASSESSMENT, case_worker=worker)
    with pytest.raises(ApplicationError, match="initial assessment"):
        services.case_transition(actor=worker, case=case, to_status=S.FULL_ASSESSMENT)
    Assessment.objects.create(
        case=case, kind="initial", form_version="initial-v1", data=INITIAL, status="submitted"
    )
    services.case_transition(actor=worker, case=case, to_status=S.FULL_ASSESSMENT)
    assert Case.objects.get(pk=case.pk).status == S.FULL_ASSESSMENT


def test_urgent_protection_returns_where_it_came_from(worker, supervisor):
    case = _case_at(S.FULL_ASSESSMENT, worker, supervisor)
    services.case_transition(
        actor=worker, case=case, to_status=S.URGENT_PROTECTION, reason="Kekerasan di rumah"
    )
    with pytest.raises(ApplicationError, match="returns to"):
        services.case_transition(actor=worker, case=case, to_status=S.INITIAL_ASSESSMENT)
    services.case_transition(actor=worker, case=case, to_status=S.FULL_ASSESSMENT)
    assert Case.objects.get(pk=case.pk).status == S.FULL_ASSESSMENT


def test_urgent_protection_needs_reason(worker, supervisor):
    case = _case_at(S.INITIAL_ASSESSMENT, worker, supervisor)
    with pytest.raises(ApplicationError):
        services.case_transition(actor=worker, case=case, to_status=S.URGENT_PROTECTION, reason=" ")
    assert Case.objects.get(pk=case.pk).status == S.INITIAL_ASSESSMENT


def test_plan_approval_needs_approved_full_assessment(worker, supervisor):
    case = _case_at(S.FULL_ASSESSMENT, worker, supervisor)
    case.assessments.filter(kind="full").update(status="submitted")
    with pytest.raises(ApplicationError, match="full assessment"):
        services.plan_approve(actor=supervisor, plan=case.plans.get())
    assert Case.objects.get(pk=case.pk).status == S.FULL_ASSESSMENT


def test_colleague_not_on_case_cannot_transition(case, colleague):
    with pytest.raises(PermissionDenied):
        services.case_transition(actor=colleague, case=case, to_status=S.REGISTERED)


# --- closure ------------------------------------------------------------------------------------
def test_closure_other_needs_text(worker, supervisor):
    case = _case_at(S.IMPLEMENTATION, worker, supervisor)
    with pytest.raises(ApplicationError, match="Other"):
        services.case_close_request(actor=worker, case=case, reason="other", note="")
    services.case_close_request(
        actor=worker, case=case, reason="other", note="Keluarga pindah ke Medan"
    )
    assert Case.objects.get(pk=case.pk).status == S.CLOSURE_PENDING


def test_closure_transferred_is_refused(worker, supervisor):
    case = _case_at(S.IMPLEMENTATION, worker, supervisor)
    with pytest.raises(ApplicationError, match="transfer"):
        services.case_close_request(actor=worker, case=case, reason="transferred")
    assert Case.objects.get(pk=case.pk).status == S.IMPLEMENTATION


def test_closure_turned_18_needs_transition_task_done(worker, supervisor):
    case = _case_at(S.IMPLEMENTATION, worker, supervisor)
    with pytest.raises(ApplicationError, match="transition review"):
        services.case_close_request(actor=worker, case=case, reason="turned_18")
    task = CaseTask.objects.create(
        case=case, kind="transition_review", title="Transisi", due_on="2030-01-01"
    )
    with pytest.raises(ApplicationError):
        services.case_close_request(actor=worker, case=case, reason="turned_18")
    services.case_task_complete(actor=worker, task=task)
    services.case_close_request(actor=worker, case=case, reason="turned_18")
    services.case_close_approve(actor=supervisor, case=case)
    case.refresh_from_db()
    assert (case.status, case.closure_reason) == (S.CLOSED, "turned_18")
    assert case.closed_at is not None


def test_worker_cannot_approve_closure(worker, supervisor):
    case = _case_at(S.CLOSURE_PENDING, worker, supervisor, origin=S.REVIEW)
    with pytest.raises(PermissionDenied):
        services.case_close_approve(actor=worker, case=case)
    assert Case.objects.get(pk=case.pk).status == S.CLOSURE_PENDING


def test_supervisor_of_other_kota_cannot_approve(worker, supervisor, other_supervisor):
    case = _case_at(S.CLOSURE_PENDING, worker, supervisor, origin=S.REVIEW)
    with pytest.raises(PermissionDenied):
        services.case_close_approve(actor=other_supervisor, case=case)


def test_returned_closure_resumes_and_needs_note(worker, supervisor):
    case = _case_at(S.CLOSURE_PENDING, worker, supervisor, origin=S.REINTEGRATION)
    with pytest.raises(ApplicationError):
        services.case_close_return(actor=supervisor, case=case, note="")
    services.case_close_return(actor=supervisor, case=case, note="Kunjungan rumah dulu")
    case.refresh_from_db()
    assert (case.status, case.closure_reason) == (S.REINTEGRATION, "")


def test_reopen_needs_reason_and_clears_closure(worker, supervisor):
    case = _case_at(S.CLOSED, worker, supervisor)
    case.closure_reason = "goals_met"
    case.save()
    with pytest.raises(ApplicationError):
        services.case_reopen(actor=worker, case=case, reason="")
    services.case_reopen(actor=worker, case=case, reason="Anak kembali ke jalan")
    case.refresh_from_db()
    assert (case.status, case.closure_reason) == (S.REOPENED, "")
    services.case_transition(actor=worker, case=case, to_status=S.INITIAL_ASSESSMENT)
