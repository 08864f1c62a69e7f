"""Closed-loop referrals between organisations (issue 9, docs/referrals.md).

A referral goes from a case to an **organisation's queue** (never to a person), for a service or
as a request to an SKPD. Its ``status`` follows HL7 FHIR Task (the allowed changes are one table
in :mod:`simpul.referrals.transitions`); ``business_outcome`` (findhelp-style) says how the loop
closed. Every change is a :class:`ReferralEvent` (append-only; the response records are computed
from them). Deadlines are in working days (:mod:`simpul.core.workdays`), from the collaboration
protocol in force for the child's category and the urgency, with documented defaults.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simpul.core.concurrency import VersionedModel
from simpul.core.models import BaseModel


class Urgency(models.TextChoices):
    """Shared with the collaboration protocols (agreements app): the same codes."""

    IMMEDIATE = "immediate", _("Immediate")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")


class ReferralStatus(models.TextChoices):
    """HL7 FHIR TaskStatus (codes with an underscore instead of FHIR's hyphen)."""

    DRAFT = "draft", _("Draft")
    REQUESTED = "requested", _("Requested")
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    ENTERED_IN_ERROR = "entered_in_error", _("Entered in error")


# The loop is still open (the receiving organisation owes an answer or the service).
OPEN_STATUSES = (
    ReferralStatus.REQUESTED,
    ReferralStatus.RECEIVED,
    ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.ON_HOLD,
)
# The organisation works on the child: it sees the case through a REFERRAL assignment.
ACTIVE_STATUSES = (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.ON_HOLD)
CLOSED_STATUSES = (
    ReferralStatus.REJECTED,
    ReferralStatus.COMPLETED,
    ReferralStatus.FAILED,
    ReferralStatus.CANCELLED,
    ReferralStatus.ENTERED_IN_ERROR,
)


class BusinessOutcome(models.TextChoices):
    """How the loop closed, for the sender (findhelp business outcomes)."""

    GOT_HELP = "got_help", _("Got help")
    COULD_NOT_CONTACT = "could_not_contact", _("Could not contact")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    NO_CAPACITY = "no_capacity", _("No capacity")
    COULD_NOT_GET_HELP = "could_not_get_help", _("Could not get help")
    NO_LONGER_INTERESTED = "no_longer_interested", _("No longer interested")
    REFERRED_ELSEWHERE = "referred_elsewhere", _("Referred elsewhere")


# Outcomes that may close a completed referral; the others describe a failure.
COMPLETED_OUTCOMES = (BusinessOutcome.GOT_HELP, BusinessOutcome.REFERRED_ELSEWHERE)


class ReferralKind(models.TextChoices):
    SERVICE = "service", _("Service referral")
    SKPD_REQUEST = "skpd_request", _("Request to an SKPD")


class SkpdRequestType(models.TextChoices):
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate (Dukcapil)")
    HEALTH_CHECK = "health_check", _("Health check (Dinas Kesehatan / puskesmas)")
    SCHOOL_PLACE = "school_place", _("School place (Dinas Pendidikan)")
    PROTECTION = "protection", _("Protection (Dinas PPAPP)")
    LEGAL_AID = "legal_aid", _("Legal aid (LBH APIK)")


class SharedField(models.TextChoices):
    """The fixed catalogue of what may travel with a referral: the sender ticks what the purpose
    needs (the minimum is proposed, :func:`simpul.referrals.sharing.default_shared_fields`)."""

    CHILD_NAME = "child_name", _("Child's name")
    AGE = "age", _("Age")
    SEX = "sex", _("Sex")
    CATEGORY = "category", _("Category (PMKS)")
    KELURAHAN = "kelurahan", _("Kelurahan where the child lives")
    NEEDS_SUMMARY = "needs_summary", _("Summary of needs")
    RISK_LEVEL = "risk_level", _("Risk level")
    CASE_WORKER_CONTACT = "case_worker_contact", _("Contact of the case worker")
    SCHOOL_STATUS = "school_status", _("School status")
    DISABILITY = "disability", _("Disability")
    BIRTH_CERTIFICATE_STATUS = "birth_certificate_status", _("Birth certificate status")
    DOCUMENTS = "documents", _("List of documents held")


class SharingBasis(models.TextChoices):
    CONSENT = "consent", _("Consent of the parent or guardian")
    LEGAL_BASIS = "legal_basis", _("Legal basis recorded by a supervisor")
    CONTROLLER = "controller", _("Within Dinas Sosial (no sharing outside)")


class ReferralQuerySet(models.QuerySet["Referral"]):
    def open(self) -> ReferralQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


def _referral_number() -> str:
    return f"RJK-{timezone.localdate():%y%m}-{secrets.token_hex(3).upper()}"


class Referral(VersionedModel, BaseModel):
    number = models.CharField(
        _("referral number"), max_length=20, unique=True, default=_referral_number, editable=False
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    from_organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        verbose_name=_("from"),
    )
    to_organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("to"),
    )
    service_type = models.ForeignKey(
        "directory.TaxonomyTerm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service type"),
    )
    service = models.ForeignKey(
        "directory.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
        verbose_name=_("service"),
    )
    category = models.ForeignKey(
        "children.Category",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=ReferralKind.choices, default=ReferralKind.SERVICE
    )
    request_type = models.CharField(
        _("request type"), max_length=20, choices=SkpdRequestType.choices, blank=True
    )
    # The fields of an SKPD request, validated per request type (simpul.referrals.requests).
    request_details = models.JSONField(_("request details"), default=dict, blank=True)
    needs_summary = models.TextField(_("summary of needs"), blank=True)
    plan_action = models.ForeignKey(
        "cases.PlanAction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    # Filled from the collaboration protocol / agreement in force when the referral was made
    # (ForeignKeys to agreements.ProtocolVersion / agreements.Agreement).
    protocol_version = models.ForeignKey(
        "agreements.ProtocolVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("protocol version"),
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("agreement"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.REQUESTED
    )
    status_reason = models.TextField(_("reason"), blank=True)
    business_outcome = models.CharField(
        _("outcome"), max_length=25, choices=BusinessOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("outcome note"), blank=True)
    shared_fields = models.JSONField(_("shared with the organisation"), default=list, blank=True)
    sharing_basis = models.CharField(
        _("basis for sharing"), max_length=12, choices=SharingBasis.choices, blank=True
    )
    legal_basis = models.ForeignKey(
        "children.LegalBasis", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals_claimed",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True, db_index=True)
    # When each step was met (copied from the ReferralEvent that met it; null = not yet).
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Deadlines (end of a working day), from the protocol's deadlines for the urgency.
    acknowledge_due = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    decide_due = models.DateTimeField(_("decide by"), null=True, blank=True)
    start_due = models.DateTimeField(_("start by"), null=True, blank=True)
    finish_due = models.DateTimeField(_("finish by"), null=True, blank=True)
    # The escalation chain in force when the referral was made: working days after a missed
    # deadline before the receiving organisation's admins, then the Dinas Sosial supervisors,
    # are told.
    escalate_admin_after = models.PositiveSmallIntegerField(default=1)
    escalate_supervisor_after = models.PositiveSmallIntegerField(default=2)
    reassigned_from = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reassigned_to",
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The intake queue and the response records read by receiving organisation.
            models.Index(fields=["to_organization", "status"], name="referral_to_status"),
            models.Index(fields=["from_organization", "status"], name="referral_from_status"),
            # The deadline sweep reads open referrals by status and due moment.
            models.Index(fields=["status", "acknowledge_due"], name="referral_ack_due"),
            models.Index(fields=["status", "decide_due"], name="referral_decide_due"),
            models.Index(fields=["status", "start_due"], name="referral_start_due"),
            models.Index(fields=["status", "finish_due"], name="referral_finish_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="service", request_type="")
                | (Q(kind="skpd_request") & ~Q(request_type="")),
                name="referral_request_type_for_skpd_only",
            ),
            models.CheckConstraint(
                condition=~Q(from_organization=models.F("to_organization")),
                name="referral_to_another_organization",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def audit_label(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def current_step(self) -> str | None:
        """The deadline the receiving organisation is working towards now (None when no clock
        runs: a draft, on hold, or closed)."""
        return STEP_OF_STATUS.get(self.status)

    def due_of(self, step: str) -> Any:
        return getattr(self, f"{step}_due")

    def is_overdue(self, now: Any = None) -> bool:
        step = self.current_step()
        if step is None:
            return False
        due = self.due_of(step)
        return due is not None and due < (now or timezone.now())


class Step(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    DECIDE = "decide", _("Decide")
    START = "start", _("Start")
    FINISH = "finish", _("Finish")


# Which deadline runs in each status (on hold pauses the clock: the reason says why).
STEP_OF_STATUS: dict[str, str] = {
    ReferralStatus.REQUESTED: Step.ACKNOWLEDGE,
    ReferralStatus.RECEIVED: Step.DECIDE,
    ReferralStatus.ACCEPTED: Step.START,
    ReferralStatus.IN_PROGRESS: Step.FINISH,
}


class ReferralEvent(models.Model):
    """One status change (or claim) of a referral. Append-only: never updated or deleted."""

    id = models.BigAutoField(primary_key=True)  # never exposed
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who acted without an account (the address the no-account link was sent to).
    external_actor = models.CharField(max_length=254, blank=True)
    from_status = models.CharField(max_length=20, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ReferralStatus.choices)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # Response records: the first event reaching a status, per referral.
            models.Index(fields=["to_status", "referral"], name="referral_event_to_status"),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status} → {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Referral events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("Referral events cannot be deleted.")


class ReminderLevel(models.TextChoices):
    REMINDER = "reminder", _("Reminder to the receiving organisation")
    ESCALATION_ADMIN = "escalation_admin", _("Escalation to the organisation's admins")
    ESCALATION_SUPERVISOR = "escalation_supervisor", _("Escalation to Dinas Sosial supervisors")


class ReferralReminder(models.Model):
    """A reminder or escalation sent for one step of one referral: the row is written before
    anyone is told, and the unique constraint makes a second sweep (or a second worker) skip it."""

    id = models.BigAutoField(primary_key=True)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="reminders")
    step = models.CharField(max_length=12, choices=Step.choices)
    level = models.CharField(max_length=25, choices=ReminderLevel.choices)
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "step", "level"], name="referral_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.step} {self.level}"


class ExternalLink(BaseModel):
    """A signed, expiring link for a receiving organisation without Simpul users: the database
    keeps only the SHA-256 of the token. It dies with the outcome, the expiry or revocation."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WHATSAPP = "whatsapp", _("WhatsApp")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="external_links")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    address = models.CharField(_("sent to"), max_length=254)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)  # last use
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.referral_id} → {self.address}"

    def is_usable(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
