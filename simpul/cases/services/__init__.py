"""All writes of the cases app. Import from here: ``from simpul.cases import services``."""

from simpul.cases.services.access_log import case_restricted_open, case_view_log
from simpul.cases.services.assessments import (
    assessment_approve,
    assessment_return,
    assessment_save,
    assessment_submit,
)
from simpul.cases.services.placements import placement_end, placement_start
from simpul.cases.services.plans import (
    case_conference_record,
    case_note_add,
    plan_action_add,
    plan_action_set_status,
    plan_approve,
    plan_assignments_sync,
    plan_create,
    plan_goal_add,
    plan_return,
    plan_submit,
    plan_update,
    service_delivery_record,
    sharing_withdrawn,
)
from simpul.cases.services.sla import (
    sla_policy_active,
    sla_policy_approve,
    sla_policy_draft_create,
    sla_policy_update,
)
from simpul.cases.services.workflow import (
    ALLOWED,
    case_close_approve,
    case_close_request,
    case_close_return,
    case_open,
    case_reopen,
    case_set_risk,
    case_task_complete,
    case_team_update,
    case_transfer,
    case_transition,
    next_statuses,
)

__all__ = [
    "ALLOWED", "assessment_approve", "assessment_return", "assessment_save", "assessment_submit",
    "case_close_approve", "case_close_request", "case_close_return", "case_conference_record",
    "case_note_add", "case_open", "case_reopen", "case_restricted_open", "case_set_risk",
    "case_task_complete", "case_team_update", "case_transfer", "case_transition",
    "case_view_log", "next_statuses", "placement_end", "placement_start",
    "plan_action_add", "plan_action_set_status", "plan_approve", "plan_assignments_sync", "plan_create", "plan_goal_add",
    "plan_return", "plan_submit", "plan_update", "service_delivery_record", "sharing_withdrawn", "sla_policy_active",
    "sla_policy_approve", "sla_policy_draft_create", "sla_policy_update",
]
