"""What the cases app's audit codes and case timeline events mean, and the system texts the
cases app stores as codes (see simpul.core.events and docs/events.md).

Sentences are written so that "… by <officer>" (added on the timeline) reads well in both
languages; none names the child."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from simpul.cases.models import (
    Assessment,
    CaseAssignment,
    CaseStatus,
    CaseTask,
    ClosureReason,
    PlanAction,
    RiskLevel,
)
from simpul.core import events

# The timeline's first status (a case has no status before it is opened): not an audit code.
STATUS_SET = "cases.case.status_set"
SHARING_WITHDRAWN = "sharing_withdrawn"  # why an assignment ended or a task was opened


def _status(event: events.Event) -> dict[str, Any]:
    return {
        "before": events.label_of(CaseStatus, event.before("status")),
        "after": events.label_of(CaseStatus, event.after("status")),
    }


def _risk(event: events.Event) -> dict[str, Any]:
    return {
        "before": events.label_of(RiskLevel, event.before("risk_level")),
        "after": events.label_of(RiskLevel, event.after("risk_level")),
    }


def _assessment(event: events.Event) -> dict[str, Any]:
    kind = events.label_of(Assessment.Kind, event.data.get("kind")) or _("Assessment")
    return {"kind": kind}


def _assignment(event: events.Event) -> dict[str, Any]:
    return {"kind": events.label_of(CaseAssignment.Kind, event.data.get("kind"))}


def _action_status(event: events.Event) -> dict[str, Any]:
    return {
        "before": events.label_of(PlanAction.Status, event.before("status")),
        "after": events.label_of(PlanAction.Status, event.after("status")),
    }


def _dates(*keys: str) -> events.Values:
    def values(event: events.Event) -> dict[str, Any]:
        return {key: events.date_of(event.data.get(key)) for key in keys}

    return values


def _task(event: events.Event) -> dict[str, Any]:
    return {"kind": events.label_of(CaseTask.Kind, event.data.get("kind"))}


def _sharing_note(event: events.Event) -> str:
    if event.data.get("reason") == SHARING_WITHDRAWN:
        return str(_("Consent to share the child's data with this organisation was withdrawn."))
    return events.default_note(event)


def _lead(side: str) -> events.Ref:
    return (
        "organization",
        lambda e: (
            e.before("lead_organization") if side == "before" else e.after("lead_organization")
        ),
    )


register = events.register

register("cases.case.opened", _("Case opened"))
register(
    "cases.case.transitioned", _("Status changed from %(before)s to %(after)s"), values=_status
)
register(STATUS_SET, _("Status set to %(after)s"), values=_status)
register(
    "cases.case.risk_changed", _("Risk level changed from %(before)s to %(after)s"), values=_risk
)
register(
    "cases.case.transferred",
    _("Case transferred from %(from_org)s to %(to_org)s"),
    refs={"from_org": _lead("before"), "to_org": _lead("after")},
)
register("cases.case.team_updated", _("Case team changed"))
register(
    "cases.case.transition_review_opened",
    _("Transition review opened: the child turns 18 soon"),
)
register("cases.assessment.created", _("%(kind)s version %(version)s started"), values=_assessment)
register("cases.assessment.updated", _("%(kind)s version %(version)s edited"), values=_assessment)
register(
    "cases.assessment.submitted", _("%(kind)s version %(version)s submitted"), values=_assessment
)
register(
    "cases.assessment.approved", _("%(kind)s version %(version)s approved"), values=_assessment
)
register(
    "cases.assessment.returned",
    _("%(kind)s version %(version)s returned for changes"),
    values=_assessment,
)
register("cases.plan.created", _("Plan version %(version)s started"))
register("cases.plan.updated", _("Plan edited"))
register("cases.plan.goal_added", _("Goal added to the plan"))
register(
    "cases.plan.action_added",
    _("Plan action added for %(organization)s, due %(due_date)s"),
    values=_dates("due_date"),
)
register(
    "cases.plan.action_status",
    _("Plan action status changed from %(before)s to %(after)s"),
    values=_action_status,
)
register("cases.plan.submitted", _("Plan version %(version)s submitted"))
register("cases.plan.approved", _("Plan version %(version)s approved"))
register("cases.plan.returned", _("Plan returned for changes"))
register(
    "cases.service.recorded",
    _("Service from %(organization)s recorded (%(delivered_on)s)"),
    values=_dates("delivered_on"),
)
register("cases.note.added", _("Case note added"))
register(
    "cases.conference.recorded",
    _("Case conference of %(held_on)s recorded"),
    values=_dates("held_on"),
)
register(
    "cases.placement.started",
    _("Placement at %(organization)s from %(start_date)s"),
    values=_dates("start_date"),
)
register("cases.placement.ended", _("Placement ended"))
register(
    "cases.assignment.started",
    _("%(organization)s assigned to the case (%(kind)s)"),
    values=_assignment,
)
register(
    "cases.assignment.ended",
    _("Assignment of %(organization)s to the case ended (%(kind)s)"),
    values=_assignment,
    note=_sharing_note,
)
register("cases.task.opened", _("Task opened about %(organization)s"), note=_sharing_note)
register("cases.task.completed", _("Task done: %(kind)s"), values=_task)
register("cases.sla_policy.created", _("Deadline table version %(version)s drafted"))
register("cases.sla_policy.updated", _("Deadline table edited"))
register("cases.sla_policy.approved", _("Deadline table version %(version)s approved"))


# --- system texts stored as codes (events.stored / events.display_text) ----------------------
def _closure(event: events.Event) -> dict[str, Any]:
    return {"reason": events.label_of(ClosureReason, event.data.get("reason"))}


text = events.register_text

text("cases.risk.case_opened", _("Risk when the case was opened"))
text("cases.risk.initial_assessment", _("Proposed by the initial assessment"))
text("cases.transition.plan_approved", _("Plan version %(v)s approved"))
text("cases.transition.closure", _("Closure reason: %(reason)s"), values=_closure)
text("cases.task.placement_review", _("Review the placement at %(org)s"))
text(
    "cases.task.lead_consent_withdrawn",
    _(
        "Consent to share with %(org)s was withdrawn, but it leads the case: record a legal basis "
        "or transfer the case."
    ),
)
text(
    "cases.task.placement_consent_withdrawn",
    _(
        "Consent to share with %(org)s was withdrawn, but the child is placed there: record a "
        "legal basis or end the placement."
    ),
)
text("cases.task.transition_review", _("Transition review: %(child)s turns 18 on %(date)s"))
text("cases.capacity.placement_ended", _("Placement ended (case %(case)s)"))
