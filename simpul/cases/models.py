"""Cases: one episode of work with a child, from report to closure and aftercare."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simpul.core import events
from simpul.core.concurrency import VersionedModel
from simpul.core.models import BaseModel


class CaseStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    REGISTERED = "registered", _("Registered")
    INITIAL_ASSESSMENT = "initial_assessment", _("Initial assessment")
    URGENT_PROTECTION = "urgent_protection", _("Urgent protection action")
    FULL_ASSESSMENT = "full_assessment", _("Full assessment")
    PLAN_APPROVED = "plan_approved", _("Case plan approved")
    IMPLEMENTATION = "implementation", _("Implementation")
    REVIEW = "review", _("Review")
    REINTEGRATION = "reintegration", _("Reintegration")
    CLOSURE_PENDING = "closure_pending", _("Closure pending approval")
    CLOSED = "closed", _("Closed")
    AFTERCARE = "aftercare", _("Aftercare (bimbingan lanjut)")
    REOPENED = "reopened", _("Reopened")


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")
    NONE = "none", _("No risk")


class IntakeChannel(models.TextChoices):
    OUTREACH = "outreach", _("Outreach round (penjangkauan)")
    RAPID_RESPONSE = "trc", _("24-hour rapid-response desk (TRC)")
    PARTNER = "partner", _("Partner organisation")
    COMMUNITY = "community", _("Community report")
    WALK_IN = "walk_in", _("Walk-in")
    SATPOL_PP = "satpol_pp", _("Satpol PP")


class OutreachMethod(models.TextChoices):
    PERSUASIVE = "persuasive", _("Persuasive")
    COERCIVE = "coercive", _("Coercive")


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Plan goals met and the child is safe")
    FAMILY_DECLINES = "family_declines", _("Family no longer wants support and it is safe")
    TURNED_18 = "turned_18", _("Turned 18, transition done")
    TRANSFERRED = "transferred", _("Transferred")
    DIED = "died", _("Died")
    OTHER = "other", _("Other")


class Milestone(models.TextChoices):
    FIRST_CONTACT = "first_contact", _("First contact")
    INITIAL_ASSESSMENT = "initial_assessment", _("Initial assessment")
    FULL_ASSESSMENT = "full_assessment", _("Full assessment")
    CASE_PLAN = "case_plan", _("Case plan")
    REVIEW = "review", _("Case review")


class SlaPolicy(BaseModel):
    """A version of the deadline table; only one is in force. Who approved it is recorded."""

    version = models.PositiveIntegerField(unique=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=False)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="sla_policy_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"SLA v{self.version}"


class SlaRule(BaseModel):
    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="rules")
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    milestone = models.CharField(max_length=20, choices=Milestone.choices)
    # Hours from case opening (or from the previous review, for REVIEW: the review frequency).
    hours = models.PositiveIntegerField()

    class Meta:
        ordering = ["policy", "risk_level", "milestone"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "risk_level", "milestone"], name="sla_rule_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.risk_level}/{self.milestone}: {self.hours} h"


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.exclude(status=CaseStatus.CLOSED)


class Case(VersionedModel, BaseModel):
    case_number = models.CharField(_("case number"), max_length=20, unique=True)
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.REPORTED
    )
    intake_channel = models.CharField(
        _("intake channel"), max_length=12, choices=IntakeChannel.choices
    )
    intake_details = models.TextField(_("intake details"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    outreach_method = models.CharField(
        _("outreach method"), max_length=10, choices=OutreachMethod.choices, blank=True
    )
    coercive_justification = models.TextField(_("justification of coercive outreach"), blank=True)
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.MEDIUM
    )
    primary_category = models.ForeignKey(
        "children.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The responsible office (Suku Dinas / Dinas / partner) and its region (scope of supervisors).
    lead_organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="lead_cases"
    )
    kota_code = models.CharField(max_length=5, db_index=True)
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_as_worker",
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="cases_as_team"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_as_supervisor",
    )
    is_sensitive = models.BooleanField(_("sensitive"), default=False)
    sla_policy = models.ForeignKey(SlaPolicy, null=True, on_delete=models.PROTECT, related_name="+")
    closure_reason = models.CharField(
        _("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    closure_note = models.TextField(_("closure note"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at"]
        indexes = [models.Index(fields=["status", "kota_code"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outreach_method="coercive") | ~Q(coercive_justification=""),
                name="case_coercive_needs_justification",
            )
        ]

    def __str__(self) -> str:
        return self.case_number


class CaseTransition(models.Model):
    """Append-only history of status changes."""

    id = models.BigAutoField(primary_key=True)  # never exposed
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=CaseStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status}→{self.to_status}"


class RiskRating(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_ratings")
    level = models.CharField(max_length=10, choices=RiskLevel.choices)
    reason = models.TextField(blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.level

    @property
    def display_reason(self) -> str:
        """The reason in the reader's language (the system's reasons are stored as codes)."""
        return events.display_text(self.reason)


class CaseAssignment(BaseModel):
    """An organisation working on the case: the lead, a plan action, or (later) a referral.
    Partner staff see the child only while their organisation has an active assignment."""

    class Kind(models.TextChoices):
        LEAD = "lead", _("Lead")
        PLAN_ACTION = "plan_action", _("Plan action")
        REFERRAL = "referral", _("Referral")
        PLACEMENT = "placement", _("Placement")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="case_assignments"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at"]
        indexes = [models.Index(fields=["organization", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.organization_id} · {self.kind}"


class CaseDeadline(BaseModel):
    """A milestone due by ``due_at``. Open while ``met_at`` is empty; ``met_at`` is when it
    stopped being open: its event happened (``end_reason`` blank) or the case was closed before
    it (``end_reason`` says so; the milestone was not met)."""

    class EndReason(models.TextChoices):
        CASE_CLOSED = "case_closed", _("Ended: the case was closed")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    milestone = models.CharField(max_length=20, choices=Milestone.choices)
    due_at = models.DateTimeField(db_index=True)
    met_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)

    class Meta:
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"{self.milestone} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_overdue(self) -> bool:
        return self.met_at is None and self.due_at < timezone.now()


class CaseTask(BaseModel):
    class Kind(models.TextChoices):
        TRANSITION_REVIEW = "transition_review", _("Transition review: the child turns 18")
        PLACEMENT_REVIEW = "placement_review", _("Placement review")
        AFTERCARE_VISIT = "aftercare_visit", _("Aftercare visit")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=255)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(kind="transition_review"),
                name="case_one_transition_review",
            )
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        """The title in the reader's language (the system's titles are stored as codes)."""
        return events.display_text(self.title)


class VersionStatus:
    """What a page may offer for a version of an assessment or a plan (templates ask these,
    never compare the status). The model has ``status`` and a ``Status`` with DRAFT, SUBMITTED,
    APPROVED and RETURNED."""

    status: str
    Status: Any

    @property
    def is_editable(self) -> bool:
        """A draft, or returned for changes: edited in place."""
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def is_returned(self) -> bool:
        return self.status == self.Status.RETURNED

    @property
    def awaits_decision(self) -> bool:
        """Submitted and waiting for a supervisor's approval or return."""
        return self.status == self.Status.SUBMITTED

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class Assessment(VersionStatus, VersionedModel, BaseModel):
    class Kind(models.TextChoices):
        INITIAL = "initial", _("Initial assessment")
        FULL = "full", _("Full assessment")
        REVIEW = "review", _("Review")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for changes")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    version = models.PositiveIntegerField(default=1)
    form_version = models.CharField(max_length=20)
    data = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "version"], name="assessment_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class CasePlan(VersionStatus, VersionedModel, BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for changes")
        SUPERSEDED = "superseded", _("Superseded")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveIntegerField(default=1)
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="case_plan_unique_version")
        ]

    def __str__(self) -> str:
        return f"Plan v{self.version}"


class PlanGoal(BaseModel):
    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="goals")
    description = models.TextField(_("goal"))
    achieved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.description[:60]


class PlanAction(BaseModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("action"))
    service_type = models.ForeignKey(
        "directory.TaxonomyTerm", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responsible_organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        ordering = ["due_date"]

    def __str__(self) -> str:
        return self.description[:60]


class ServiceDelivery(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    plan_action = models.ForeignKey(
        PlanAction, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    service_type = models.ForeignKey(
        "directory.TaxonomyTerm", on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="+"
    )
    delivered_on = models.DateField()
    description = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-delivered_on"]

    def __str__(self) -> str:
        return f"{self.service_type} {self.delivered_on}"


class CaseNote(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization = models.ForeignKey(
        "directory.Organization", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class Placement(BaseModel):
    """A stay in a panti/LKSA (SNPA: last resort, gatekeeping assessment, periodic review)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="placements")
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        "directory.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    review_due = models.DateField()
    gatekeeping_note = models.TextField(_("family-based options considered"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    end_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-start_date"]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.start_date}"


class CaseConference(BaseModel):
    """Temu bahas kasus."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="conferences")
    held_on = models.DateField()
    organizations = models.ManyToManyField("directory.Organization", blank=True, related_name="+")
    participants = models.TextField(_("participants"))
    decisions = models.TextField(_("decisions"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.held_on}"


class CaseTransfer(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="+"
    )
    to_organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="+"
    )
    from_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.from_organization_id} → {self.to_organization_id}"
