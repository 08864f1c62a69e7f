from django.urls import path

from simpul.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("queue/", views.approval_queue, name="queue"),
    path("overdue/", views.overdue_list, name="overdue"),
    path("open/<uuid:child_pk>/", views.case_open, name="open"),
    path("sla/", views.sla_list, name="sla_list"),
    path("sla/new/", views.sla_create, name="sla_create"),
    path("sla/<uuid:pk>/", views.sla_detail, name="sla_detail"),
    path("sla/<uuid:pk>/approve/", views.sla_approve, name="sla_approve"),
    path("<uuid:pk>/", views.case_detail, name="detail"),
    path("<uuid:pk>/open-restricted/", views.restricted_open, name="restricted_open"),
    path("<uuid:pk>/assessments/", views.case_assessments, name="assessments"),
    path("<uuid:pk>/assessments/new/<str:kind>/", views.assessment_edit, name="assessment_new"),
    path(
        "<uuid:pk>/assessments/<uuid:assessment_pk>/",
        views.assessment_detail,
        name="assessment_detail",
    ),
    path(
        "<uuid:pk>/assessments/<uuid:assessment_pk>/edit/<str:kind>/",
        views.assessment_edit,
        name="assessment_edit",
    ),
    path(
        "<uuid:pk>/assessments/<uuid:assessment_pk>/submit/",
        views.assessment_submit,
        name="assessment_submit",
    ),
    path(
        "<uuid:pk>/assessments/<uuid:assessment_pk>/decide/",
        views.assessment_decide,
        name="assessment_decide",
    ),
    path("<uuid:pk>/plan/", views.case_plan, name="plan"),
    path("<uuid:pk>/plan/new/", views.plan_create, name="plan_create"),
    path("<uuid:pk>/plan/<uuid:plan_pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<uuid:pk>/plan/<uuid:plan_pk>/goals/", views.plan_goal_add, name="plan_goal_add"),
    path(
        "<uuid:pk>/plan/goals/<uuid:goal_pk>/actions/",
        views.plan_action_add,
        name="plan_action_add",
    ),
    path(
        "<uuid:pk>/plan/actions/<uuid:action_pk>/status/",
        views.plan_action_status,
        name="plan_action_status",
    ),
    path("<uuid:pk>/plan/<uuid:plan_pk>/submit/", views.plan_submit, name="plan_submit"),
    path("<uuid:pk>/plan/<uuid:plan_pk>/decide/", views.plan_decide, name="plan_decide"),
    path("<uuid:pk>/services/", views.case_services, name="services"),
    path("<uuid:pk>/notes/", views.case_notes, name="notes"),
    path("<uuid:pk>/conferences/new/", views.conference_add, name="conference_add"),
    path("<uuid:pk>/placements/", views.case_placements, name="placements"),
    path("<uuid:pk>/placements/new/", views.placement_start, name="placement_start"),
    path(
        "<uuid:pk>/placements/<uuid:placement_pk>/end/", views.placement_end, name="placement_end"
    ),
    path("<uuid:pk>/documents/", views.case_documents, name="documents"),
    path("<uuid:pk>/timeline/", views.case_timeline, name="timeline"),
    path("<uuid:pk>/transition/", views.case_transition, name="transition"),
    path("<uuid:pk>/risk/", views.case_risk, name="risk"),
    path("<uuid:pk>/close/", views.close_request, name="close_request"),
    path("<uuid:pk>/close/decide/", views.close_decide, name="close_decide"),
    path("<uuid:pk>/transfer/", views.case_transfer, name="transfer"),
    path("<uuid:pk>/reopen/", views.case_reopen, name="reopen"),
    path("<uuid:pk>/team/", views.case_team, name="team"),
    path("<uuid:pk>/tasks/<uuid:task_pk>/done/", views.task_done, name="task_done"),
]
