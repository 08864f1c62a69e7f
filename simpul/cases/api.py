"""REST API of cases (/api/v1/cases/…): the same scoping as the screens.

Fetches go through ``selectors.case_get`` (404 invisible, 403 visible but not allowed). Partners
see the summary only, their own services and plan actions; restricted cases need a ``reason``
query parameter (≥ 10 characters, logged) from anyone not assigned. Every read of a case writes
an AccessLog row.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from simpul.access.cases import CaseAccess
from simpul.access.restricted import restricted_grant_active
from simpul.accounts import permissions
from simpul.cases import selectors, services
from simpul.cases.models import (
    Assessment,
    Case,
    CasePlan,
    CaseStatus,
    ClosureReason,
    IntakeChannel,
    OutreachMethod,
    PlanAction,
    PlanGoal,
    RiskLevel,
    ServiceDelivery,
)
from simpul.core.concurrency import ConcurrentUpdate
from simpul.core.rest.concurrency import (
    PRECONDITION_RESPONSES,
    conflict_response,
    if_match,
    with_etag,
)
from simpul.core.rest.serializers import StrictInputSerializer, StrictQuerySerializer
from simpul.directory.models import Organization, TaxonomyTerm

# For the schema's enum names (settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
AssessmentKind = Assessment.Kind
PlanActionStatus = PlanAction.Status

ERRORS = {
    400: OpenApiResponse(description="Invalid input or a broken rule; `detail` says why."),
    403: OpenApiResponse(
        description="Signed in, but not allowed to do this (or a restricted case without a reason)."
    ),
    404: OpenApiResponse(description="Not found, or not visible to you."),
}
REASON = OpenApiParameter(
    "reason",
    str,
    description="Why you open a restricted case you are not assigned to (logged; at least 10 characters).",
)


# --- serializers ------------------------------------------------------------------------------
class CaseListSerializer(serializers.ModelSerializer):
    child_name = serializers.SerializerMethodField()
    next_due = serializers.DateTimeField(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "case_number",
            "child",
            "child_name",
            "status",
            "risk_level",
            "kota_code",
            "lead_organization",
            "reported_at",
            "next_due",
            "is_overdue",
        ]

    def get_child_name(self, obj: Case) -> str:
        return getattr(obj, "display_name", "")


class DeadlineSerializer(serializers.Serializer):
    label = serializers.CharField()
    due_at = serializers.CharField()
    overdue = serializers.BooleanField()
    kind = serializers.CharField()


class CaseDetailSerializer(serializers.ModelSerializer):
    child_name = serializers.SerializerMethodField()
    partner_view = serializers.SerializerMethodField()
    next_statuses = serializers.SerializerMethodField()
    due = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "case_number",
            "child",
            "child_name",
            "status",
            "risk_level",
            "intake_channel",
            "reported_at",
            "kota_code",
            "lead_organization",
            "case_worker",
            "supervisor",
            "is_sensitive",
            "outreach_method",
            "closure_reason",
            "closed_at",
            "partner_view",
            "next_statuses",
            "due",
        ]

    def _access(self) -> CaseAccess:
        """The reader's policy for the case, given by the view (``_detail``)."""
        return self.context["access"]

    def get_child_name(self, obj: Case) -> str:
        return selectors.case_display_name(obj, self._access())

    def get_partner_view(self, obj: Case) -> bool:
        return self._access().is_partner

    def get_next_statuses(self, obj: Case) -> list[str]:
        return services.next_statuses(obj) if self._access().can_edit else []

    @extend_schema(responses=DeadlineSerializer(many=True))
    def get_due(self, obj: Case) -> list[dict[str, Any]]:
        due = selectors.case_due(case=obj)
        return [
            {"label": str(i.label), "due_at": str(i.due_at), "overdue": i.overdue, "kind": i.kind}
            for i in due["overdue"] + due["due"]
        ]


class CaseFullSerializer(CaseDetailSerializer):
    class Meta(CaseDetailSerializer.Meta):
        fields = [
            *CaseDetailSerializer.Meta.fields,
            "intake_details",
            "coercive_justification",
            "closure_note",
        ]


class CaseCreateSerializer(StrictInputSerializer):
    child = serializers.UUIDField()
    intake_channel = serializers.ChoiceField(choices=IntakeChannel.choices)
    intake_details = serializers.CharField()
    reported_at = serializers.DateTimeField()
    outreach_method = serializers.ChoiceField(
        choices=OutreachMethod.choices, required=False, allow_blank=True, default=""
    )
    coercive_justification = serializers.CharField(required=False, allow_blank=True, default="")
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices)
    lead_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True, default=None
    )
    is_sensitive = serializers.BooleanField(required=False, default=False)
    confirm_duplicate_case = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Send true to open a second case for a child who already has an open one "
        "(otherwise 400 naming the open case).",
    )


class CaseFilterSerializer(StrictQuerySerializer):
    scope = serializers.ChoiceField(choices=["mine", "team", "all"], required=False)
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    risk = serializers.ChoiceField(choices=RiskLevel.choices, required=False)
    overdue = serializers.BooleanField(required=False, default=False)
    sort = serializers.ChoiceField(choices=list(selectors.SORTS), required=False)


class TransitionSerializer(StrictInputSerializer):
    to_status = serializers.ChoiceField(choices=CaseStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Assessment
        fields = [
            "id",
            "kind",
            "version",
            "form_version",
            "status",
            "data",
            "submitted_at",
            "decided_at",
            "decision_note",
            "edit_version",
        ]
        read_only_fields = ["edit_version"]


class AssessmentInputSerializer(StrictInputSerializer):
    kind = serializers.ChoiceField(choices=Assessment.Kind.choices)
    data = serializers.DictField()
    submit = serializers.BooleanField(required=False, default=False)


class PlanActionSerializer(serializers.ModelSerializer):
    service_type = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = PlanAction
        fields = [
            "id",
            "description",
            "responsible_organization",
            "service_type",
            "due_date",
            "status",
        ]


class PlanGoalSerializer(serializers.ModelSerializer):
    actions = PlanActionSerializer(many=True, read_only=True)

    class Meta:
        model = PlanGoal
        fields = ["id", "description", "achieved_at", "actions"]


class PlanSerializer(serializers.ModelSerializer):
    goals = PlanGoalSerializer(many=True, read_only=True)

    class Meta:
        model = CasePlan
        fields = [
            "id",
            "version",
            "status",
            "summary",
            "submitted_at",
            "decided_at",
            "decision_note",
            "goals",
        ]


class PlanInputSerializer(StrictInputSerializer):
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class ServiceDeliverySerializer(serializers.ModelSerializer):
    service_type = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = ServiceDelivery
        fields = [
            "id",
            "service_type",
            "organization",
            "plan_action",
            "delivered_on",
            "description",
        ]


class ServiceDeliveryInputSerializer(StrictInputSerializer):
    service_type = serializers.SlugRelatedField(
        slug_field="code", queryset=TaxonomyTerm.objects.filter(taxonomy="service-type")
    )
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    delivered_on = serializers.DateField()
    description = serializers.CharField(required=False, allow_blank=True, default="")
    plan_action = serializers.PrimaryKeyRelatedField(
        queryset=PlanAction.objects.all(), required=False, allow_null=True, default=None
    )


class GoalInputSerializer(StrictInputSerializer):
    description = serializers.CharField()


class ActionInputSerializer(StrictInputSerializer):
    description = serializers.CharField()
    responsible_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(is_active=True)
    )
    due_date = serializers.DateField()
    service_type = serializers.SlugRelatedField(
        slug_field="code",
        queryset=TaxonomyTerm.objects.filter(taxonomy="service-type"),
        required=False,
        allow_null=True,
        default=None,
    )


class ActionStatusSerializer(StrictInputSerializer):
    status = serializers.ChoiceField(choices=PlanAction.Status.choices)


class DecisionSerializer(StrictInputSerializer):
    decision = serializers.ChoiceField(choices=[("approve", "approve"), ("return", "return")])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ClosureRequestSerializer(StrictInputSerializer):
    reason = serializers.ChoiceField(choices=ClosureReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


# --- helpers ----------------------------------------------------------------------------------
def _case(
    request: Request, pk: Any, *, write: bool = False, part: str = "api"
) -> tuple[Case, CaseAccess]:
    """The case and the caller's policy for it; a restricted case needs ``reason``."""
    case, access = selectors.case_get(user=request.user, pk=pk, write=write)
    if access.restricted and not access.is_assigned:
        reason = request.query_params.get("reason", "")
        session = getattr(request, "session", None)
        if reason:
            services.case_restricted_open(
                user=request.user, case=case, reason=reason, session=session
            )
        elif not restricted_grant_active(session=session, child_id=case.child_id):
            raise PermissionDenied(
                _("This case is restricted: give the reason for opening it (parameter “reason”).")
            )
    services.case_view_log(user=request.user, case=case, part=part)
    return case, access


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _detail(case: Case, access: CaseAccess) -> dict[str, Any]:
    cls = CaseFullSerializer if access.full else CaseDetailSerializer
    return cls(case, context={"access": access}).data


# --- views ------------------------------------------------------------------------------------
class CaseListView(GenericAPIView):
    """Cases visible to you (region scope, assignment, or your organisation's assignment)."""

    queryset = Case.objects.none()
    serializer_class = CaseListSerializer

    @extend_schema(
        parameters=[CaseFilterSerializer],
        responses={200: CaseListSerializer(many=True)},
        summary="List cases",
        operation_id="cases_list",
    )
    def get(self, request: Request) -> Response:
        # Same rule as the case list page (issue 3, permission matrix): roles without case work
        # (system admin, analyst, donor, no membership) are refused, not given an empty list.
        if not permissions.can_use_caseload(request.user):
            raise PermissionDenied
        filters = _valid(CaseFilterSerializer, request.query_params)
        qs = selectors.case_list(user=request.user, filters=filters)
        page = self.paginate_queryset(qs)
        selectors.with_display_names(page, request.user)
        return self.get_paginated_response(CaseListSerializer(page, many=True).data)

    @extend_schema(
        request=CaseCreateSerializer,
        responses={201: CaseFullSerializer, **ERRORS},
        summary="Open a case",
    )
    def post(self, request: Request) -> Response:
        data = _valid(CaseCreateSerializer, request.data)
        child = selectors.child_for_case_open(user=request.user, pk=data.pop("child"))
        # One transaction: a case the actor could not read back is not left behind.
        with transaction.atomic():
            case = services.case_open(actor=request.user, child=child, **data)
            case, access = selectors.case_get(user=request.user, pk=case.pk)
        return Response(_detail(case, access), status=status.HTTP_201_CREATED)


class CaseDetailView(GenericAPIView):
    queryset = Case.objects.none()
    serializer_class = CaseFullSerializer

    @extend_schema(
        parameters=[REASON],
        responses={200: CaseFullSerializer, 403: ERRORS[403], 404: ERRORS[404]},
        summary="Retrieve a case",
        description="Partners get the summary fields only.",
    )
    def get(self, request: Request, pk: Any) -> Response:
        return Response(_detail(*_case(request, pk, part="summary")))


class CaseTransitionView(GenericAPIView):
    queryset = Case.objects.none()
    serializer_class = TransitionSerializer

    @extend_schema(
        parameters=[REASON],
        request=TransitionSerializer,
        responses={200: CaseFullSerializer, **ERRORS},
        summary="Move a case to its next status",
        description="Illegal steps are refused with 400 and `allowed` (the legal next statuses). Plan approval and "
        "closure are taken by their own actions (supervisor approval, closure request).",
    )
    def post(self, request: Request, pk: Any) -> Response:
        case, _access = _case(request, pk, write=True, part="transition")
        data = _valid(TransitionSerializer, request.data)
        services.case_transition(
            actor=request.user, case=case, to_status=data["to_status"], reason=data["reason"]
        )
        return Response(_detail(*selectors.case_get(user=request.user, pk=case.pk)))


class CaseAssessmentsView(GenericAPIView):
    queryset = Assessment.objects.none()
    serializer_class = AssessmentSerializer

    @extend_schema(
        parameters=[REASON],
        responses={200: AssessmentSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]},
        summary="Assessments of a case",
    )
    def get(self, request: Request, pk: Any) -> Response:
        case, access = _case(request, pk, part="assessments")
        page = self.paginate_queryset(selectors.case_assessments(case=case, access=access))
        return self.get_paginated_response(AssessmentSerializer(page, many=True).data)

    @extend_schema(
        parameters=[REASON],
        request=AssessmentInputSerializer,
        responses={201: AssessmentSerializer, **ERRORS, **PRECONDITION_RESPONSES},
        summary="Save (and optionally submit) an assessment",
        description="`data` follows the current form of the kind (see assessment_forms). A draft or returned "
        "assessment is updated; otherwise a new version is created. Updating a draft or returned "
        'assessment needs `If-Match: W/"<edit_version>"` of the draft you read (428 without it, 412 '
        "when someone saved it since; nothing is saved).",
    )
    def post(self, request: Request, pk: Any) -> Response:
        case, _access = _case(request, pk, write=True, part="assessments")
        data = _valid(AssessmentInputSerializer, request.data)
        draft = (
            case.assessments.filter(kind=data["kind"], status__in=["draft", "returned"])
            .order_by("-version")
            .first()
        )
        expected = if_match(request) if draft is not None else None
        try:
            assessment = services.assessment_save(
                actor=request.user,
                case=case,
                kind=data["kind"],
                data=data["data"],
                assessment=draft,
                expected_version=expected,
            )
        except ConcurrentUpdate as exc:
            assert draft is not None
            draft.refresh_from_db()
            return conflict_response(exc, draft, dict(draft.data))
        if data["submit"]:
            assessment = services.assessment_submit(actor=request.user, assessment=assessment)
        response = Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)
        return with_etag(response, assessment)


class CasePlansView(GenericAPIView):
    queryset = CasePlan.objects.none()
    serializer_class = PlanSerializer

    @extend_schema(
        parameters=[REASON],
        responses={200: PlanSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]},
        summary="Plan versions of a case",
        description="Partners: 403 (their actions are in the plan-actions list).",
    )
    def get(self, request: Request, pk: Any) -> Response:
        case, access = _case(request, pk, part="plan")
        page = self.paginate_queryset(selectors.case_plans(case=case, access=access))
        return self.get_paginated_response(PlanSerializer(page, many=True).data)

    @extend_schema(
        parameters=[REASON],
        request=PlanInputSerializer,
        responses={201: PlanSerializer, **ERRORS},
        summary="Start a new plan version (draft)",
    )
    def post(self, request: Request, pk: Any) -> Response:
        case, _access = _case(request, pk, write=True, part="plan")
        data = _valid(PlanInputSerializer, request.data)
        plan = services.plan_create(actor=request.user, case=case, summary=data["summary"])
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class CasePlanActionsView(GenericAPIView):
    queryset = PlanAction.objects.none()
    serializer_class = PlanActionSerializer

    @extend_schema(
        parameters=[REASON],
        responses={200: PlanActionSerializer(many=True), 404: ERRORS[404]},
        summary="Your organisation's actions in the approved plan",
    )
    def get(self, request: Request, pk: Any) -> Response:
        case, _access = _case(request, pk, part="plan")
        page = self.paginate_queryset(selectors.case_partner_actions(user=request.user, case=case))
        return self.get_paginated_response(PlanActionSerializer(page, many=True).data)


class CaseServicesView(GenericAPIView):
    queryset = ServiceDelivery.objects.none()
    serializer_class = ServiceDeliverySerializer

    @extend_schema(
        parameters=[REASON],
        responses={200: ServiceDeliverySerializer(many=True), 404: ERRORS[404]},
        summary="Services delivered",
        description="Partners see the services their organisation delivered.",
    )
    def get(self, request: Request, pk: Any) -> Response:
        case, access = _case(request, pk, part="services")
        page = self.paginate_queryset(
            selectors.case_services(user=request.user, case=case, access=access)
        )
        return self.get_paginated_response(ServiceDeliverySerializer(page, many=True).data)

    @extend_schema(
        parameters=[REASON],
        request=ServiceDeliveryInputSerializer,
        responses={201: ServiceDeliverySerializer, **ERRORS},
        summary="Record a service delivered",
    )
    def post(self, request: Request, pk: Any) -> Response:
        case, _access = _case(request, pk, part="services")
        data = _valid(ServiceDeliveryInputSerializer, request.data)
        delivery = services.service_delivery_record(actor=request.user, case=case, **data)
        return Response(ServiceDeliverySerializer(delivery).data, status=status.HTTP_201_CREATED)


class PlanGoalCreateView(GenericAPIView):
    queryset = PlanGoal.objects.none()
    serializer_class = PlanGoalSerializer

    @extend_schema(
        parameters=[REASON],
        request=GoalInputSerializer,
        responses={201: PlanGoalSerializer, **ERRORS},
        summary="Add a goal to a draft or returned plan",
    )
    def post(self, request: Request, pk: Any, plan_pk: Any) -> Response:
        case, _access = _case(request, pk, write=True, part="plan")
        plan = get_object_or_404(case.plans.all(), pk=plan_pk)
        data = _valid(GoalInputSerializer, request.data)
        goal = services.plan_goal_add(
            actor=request.user, plan=plan, description=data["description"]
        )
        return Response(PlanGoalSerializer(goal).data, status=status.HTTP_201_CREATED)


class PlanActionCreateView(GenericAPIView):
    queryset = PlanAction.objects.none()
    serializer_class = PlanActionSerializer

    @extend_schema(
        parameters=[REASON],
        request=ActionInputSerializer,
        responses={201: PlanActionSerializer, **ERRORS},
        summary="Add an action to a goal",
        description="A partner organisation responsible for the action is given access to the case (summary "
        "and its own actions) only if the child's consent or a legal basis allows sharing with it; else 400.",
    )
    def post(self, request: Request, pk: Any, goal_pk: Any) -> Response:
        case, _access = _case(request, pk, write=True, part="plan")
        goal = get_object_or_404(PlanGoal.objects.filter(plan__case=case), pk=goal_pk)
        data = _valid(ActionInputSerializer, request.data)
        action = services.plan_action_add(actor=request.user, goal=goal, **data)
        return Response(PlanActionSerializer(action).data, status=status.HTTP_201_CREATED)


class PlanSubmitView(GenericAPIView):
    queryset = CasePlan.objects.none()
    serializer_class = PlanSerializer

    @extend_schema(
        parameters=[REASON],
        request=None,
        responses={200: PlanSerializer, **ERRORS},
        summary="Submit a plan for the supervisor's approval",
    )
    def post(self, request: Request, pk: Any, plan_pk: Any) -> Response:
        case, _access = _case(request, pk, write=True, part="plan")
        plan = services.plan_submit(
            actor=request.user, plan=get_object_or_404(case.plans.all(), pk=plan_pk)
        )
        return Response(PlanSerializer(plan).data)


class PlanDecisionView(GenericAPIView):
    queryset = CasePlan.objects.none()
    serializer_class = PlanSerializer

    @extend_schema(
        parameters=[REASON],
        request=DecisionSerializer,
        responses={200: PlanSerializer, **ERRORS},
        summary="Approve or return a submitted plan (supervisor)",
        description="Returning needs a `note` saying what must change.",
    )
    def post(self, request: Request, pk: Any, plan_pk: Any) -> Response:
        case, _access = _case(request, pk, part="plan")
        plan = get_object_or_404(case.plans.all(), pk=plan_pk)
        data = _valid(DecisionSerializer, request.data)
        decide = services.plan_approve if data["decision"] == "approve" else services.plan_return
        plan = decide(actor=request.user, plan=plan, note=data["note"])
        return Response(PlanSerializer(plan).data)


class PlanActionStatusView(GenericAPIView):
    queryset = PlanAction.objects.none()
    serializer_class = PlanActionSerializer

    @extend_schema(
        parameters=[REASON],
        request=ActionStatusSerializer,
        responses={200: PlanActionSerializer, **ERRORS},
        summary="Report progress on an action of the approved plan",
        description="The case team, or staff of the organisation responsible for the action (who cannot cancel it).",
    )
    def patch(self, request: Request, pk: Any, action_pk: Any) -> Response:
        case, _access = _case(request, pk, part="plan")
        action = get_object_or_404(
            PlanAction.objects.filter(goal__plan__case=case).select_related("goal__plan"),
            pk=action_pk,
        )
        data = _valid(ActionStatusSerializer, request.data)
        action = services.plan_action_set_status(
            actor=request.user, action=action, status=data["status"]
        )
        return Response(PlanActionSerializer(action).data)


class AssessmentDecisionView(GenericAPIView):
    queryset = Assessment.objects.none()
    serializer_class = AssessmentSerializer

    @extend_schema(
        parameters=[REASON],
        request=DecisionSerializer,
        responses={200: AssessmentSerializer, **ERRORS},
        summary="Approve or return a submitted full assessment (supervisor)",
    )
    def post(self, request: Request, pk: Any, assessment_pk: Any) -> Response:
        case, access = _case(request, pk, part="assessments")
        selectors.case_require_full(access)
        assessment = get_object_or_404(case.assessments.all(), pk=assessment_pk)
        data = _valid(DecisionSerializer, request.data)
        decide = (
            services.assessment_approve
            if data["decision"] == "approve"
            else services.assessment_return
        )
        assessment = decide(actor=request.user, assessment=assessment, note=data["note"])
        return Response(AssessmentSerializer(assessment).data)


class CaseClosureView(GenericAPIView):
    queryset = Case.objects.none()
    serializer_class = CaseFullSerializer

    @extend_schema(
        parameters=[REASON],
        request=ClosureRequestSerializer,
        responses={200: CaseFullSerializer, **ERRORS},
        summary="Ask the supervisor to close the case, with the reason",
        description="`other` needs a note; `turned_18` needs the transition review done; `transferred` is refused "
        "(transfer the case instead).",
    )
    def post(self, request: Request, pk: Any) -> Response:
        case, _access = _case(request, pk, write=True, part="closure")
        data = _valid(ClosureRequestSerializer, request.data)
        services.case_close_request(
            actor=request.user, case=case, reason=data["reason"], note=data["note"]
        )
        return Response(_detail(*selectors.case_get(user=request.user, pk=case.pk)))


class CaseClosureDecisionView(GenericAPIView):
    queryset = Case.objects.none()
    serializer_class = CaseFullSerializer

    @extend_schema(
        parameters=[REASON],
        request=DecisionSerializer,
        responses={200: CaseFullSerializer, **ERRORS},
        summary="Approve or return a closure request (supervisor)",
    )
    def post(self, request: Request, pk: Any) -> Response:
        case, _access = _case(request, pk, part="closure")
        data = _valid(DecisionSerializer, request.data)
        if data["decision"] == "approve":
            services.case_close_approve(actor=request.user, case=case)
        else:
            services.case_close_return(actor=request.user, case=case, note=data["note"])
        return Response(_detail(*selectors.case_get(user=request.user, pk=case.pk)))


urlpatterns = [
    path("cases/", CaseListView.as_view(), name="case-list"),
    path("cases/<uuid:pk>/", CaseDetailView.as_view(), name="case-detail"),
    path("cases/<uuid:pk>/transitions/", CaseTransitionView.as_view(), name="case-transitions"),
    path("cases/<uuid:pk>/assessments/", CaseAssessmentsView.as_view(), name="case-assessments"),
    path("cases/<uuid:pk>/plans/", CasePlansView.as_view(), name="case-plans"),
    path("cases/<uuid:pk>/plan-actions/", CasePlanActionsView.as_view(), name="case-plan-actions"),
    path("cases/<uuid:pk>/services/", CaseServicesView.as_view(), name="case-services"),
    path(
        "cases/<uuid:pk>/plans/<uuid:plan_pk>/goals/",
        PlanGoalCreateView.as_view(),
        name="case-plan-goals",
    ),
    path(
        "cases/<uuid:pk>/plans/<uuid:plan_pk>/submit/",
        PlanSubmitView.as_view(),
        name="case-plan-submit",
    ),
    path(
        "cases/<uuid:pk>/plans/<uuid:plan_pk>/decision/",
        PlanDecisionView.as_view(),
        name="case-plan-decision",
    ),
    path(
        "cases/<uuid:pk>/goals/<uuid:goal_pk>/actions/",
        PlanActionCreateView.as_view(),
        name="case-goal-actions",
    ),
    path(
        "cases/<uuid:pk>/plan-actions/<uuid:action_pk>/",
        PlanActionStatusView.as_view(),
        name="case-plan-action",
    ),
    path(
        "cases/<uuid:pk>/assessments/<uuid:assessment_pk>/decision/",
        AssessmentDecisionView.as_view(),
        name="case-assessment-decision",
    ),
    path("cases/<uuid:pk>/closure/", CaseClosureView.as_view(), name="case-closure"),
    path(
        "cases/<uuid:pk>/closure/decision/",
        CaseClosureDecisionView.as_view(),
        name="case-closure-decision",
    ),
]
