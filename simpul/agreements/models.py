"""Agreements (MoU / PKS) between Dinas Sosial or a Suku Dinas and partners, and the collaboration
protocols per PMKS child category: the written ground rules referrals follow.

An agreement is in force for a party on a day when it was activated, the day lies between its
start and end dates, and it had not been terminated before that day. A protocol version is in
force from its ``valid_from`` until the next approved version's; approved versions never change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from simpul.core.concurrency import VersionedModel
from simpul.core.models import BaseModel
from simpul.directory.models import GOVERNMENT_SOCIAL_TYPES, OrganizationType, TaxonomyTerm


class AgreementKind(models.TextChoices):
    MOU = "mou", _("MoU (memorandum of understanding)")
    PKS = "pks", _("PKS (cooperation agreement)")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


# Allowed status changes (anything else is refused). Expiry is done by the daily job.
AGREEMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    AgreementStatus.DRAFT: frozenset({AgreementStatus.ACTIVE}),
    AgreementStatus.ACTIVE: frozenset({AgreementStatus.EXPIRED, AgreementStatus.TERMINATED}),
    AgreementStatus.EXPIRED: frozenset(),
    AgreementStatus.TERMINATED: frozenset(),
}


class ReportingFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    SEMIANNUAL = "semiannual", _("Every six months")
    ANNUAL = "annual", _("Yearly")


# The clauses a good agreement has: (field, label). The checklist shows each present or missing.
CLAUSES: tuple[tuple[str, Any], ...] = (
    ("clause_roles", _("Roles and responsibilities of each party")),
    ("clause_response_deadline", _("Referral response deadline")),
    ("clause_data_sharing", _("Data sharing and consent")),
    ("clause_dispute_resolution", _("Dispute resolution")),
    ("clause_reporting", _("Reporting obligations and their frequency")),
    ("clause_review_date", _("Review date")),
)

# Reminder thresholds before the end date, in days.
REMINDER_DAYS = (90, 30, 7)


def agreement_document_path(instance: AgreementDocument, filename: str) -> str:
    # Never the original file name on disk; served only by a permission-checked, logged view.
    return f"protected/agreements/{instance.agreement_id}/{instance.id}"


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def in_force(self, on: dt.date) -> AgreementQuerySet:
        """Signed (now active, expired or terminated), ``on`` within the dates, and not
        terminated on or before ``on``."""
        return self.filter(
            status__in=[
                AgreementStatus.ACTIVE,
                AgreementStatus.EXPIRED,
                AgreementStatus.TERMINATED,
            ],
            start_date__lte=on,
            end_date__gte=on,
        ).filter(Q(terminated_on__isnull=True) | Q(terminated_on__gt=on))

    def expiring_first(self) -> AgreementQuerySet:
        """Active ones by end date (soonest first), then drafts, then the ended ones."""
        order = models.Case(
            models.When(status=AgreementStatus.ACTIVE, then=0),
            models.When(status=AgreementStatus.DRAFT, then=1),
            default=2,
            output_field=models.IntegerField(),
        )
        return self.annotate(_order=order).order_by("_order", "end_date", "number")


class Agreement(VersionedModel, BaseModel):
    number = models.CharField(_("agreement number"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=5, choices=AgreementKind.choices)
    government_side = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        related_name="agreements_signed",
        limit_choices_to={"org_type__in": GOVERNMENT_SOCIAL_TYPES},
        verbose_name=_("Dinas Sosial / Suku Dinas"),
    )
    parties = models.ManyToManyField(
        "directory.Organization", related_name="agreements", verbose_name=_("parties")
    )
    categories = models.ManyToManyField(
        "children.Category",
        blank=True,
        related_name="agreements",
        verbose_name=_("child categories"),
    )
    service_types = models.ManyToManyField(
        TaxonomyTerm,
        blank=True,
        related_name="agreements",
        limit_choices_to={"taxonomy": TaxonomyTerm.Taxonomy.SERVICE_TYPE},
        verbose_name=_("service types"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AgreementStatus.choices,
        default=AgreementStatus.DRAFT,
    )
    activated_on = models.DateField(_("activated on"), null=True, blank=True, editable=False)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True, editable=False)
    termination_reason = models.TextField(_("termination reason"), blank=True, editable=False)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # The clause checklist.
    clause_roles = models.BooleanField(_("roles and responsibilities"), default=False)
    clause_response_deadline = models.BooleanField(_("referral response deadline"), default=False)
    response_deadline_days = models.PositiveSmallIntegerField(
        _("response deadline (working days)"), null=True, blank=True
    )
    clause_data_sharing = models.BooleanField(_("data sharing and consent"), default=False)
    clause_dispute_resolution = models.BooleanField(_("dispute resolution"), default=False)
    clause_reporting = models.BooleanField(_("reporting obligations"), default=False)
    reporting_frequency = models.CharField(
        _("reporting frequency"), max_length=12, choices=ReportingFrequency.choices, blank=True
    )
    clause_review_date = models.BooleanField(_("review date"), default=False)
    review_date = models.DateField(_("review date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["end_date", "number"]
        verbose_name = _("agreement")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="agreement_dates_ordered"
            )
        ]
        indexes = [models.Index(fields=["status", "end_date"])]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    def audit_label(self) -> str:
        return self.number

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})

    @property
    def checklist(self) -> list[dict[str, Any]]:
        """[{code, label, present, detail}] for each clause a good agreement has."""
        details = {
            "clause_response_deadline": (
                _("%(days)s working days") % {"days": self.response_deadline_days}
                if self.response_deadline_days
                else ""
            ),
            "clause_reporting": self.get_reporting_frequency_display()
            if self.reporting_frequency
            else "",
            "clause_review_date": self.review_date.isoformat() if self.review_date else "",
        }
        return [
            {
                "code": code.removeprefix("clause_"),
                "label": label,
                "present": bool(getattr(self, code)),
                "detail": details.get(code, ""),
            }
            for code, label in CLAUSES
        ]

    @property
    def clauses_missing(self) -> int:
        return sum(1 for c in self.checklist if not c["present"])

    def in_force_on(self, on: dt.date) -> bool:
        return (
            self.status != AgreementStatus.DRAFT
            and self.start_date <= on <= self.end_date
            and (self.terminated_on is None or self.terminated_on > on)
        )

    def days_left(self, today: dt.date) -> int:
        return (self.end_date - today).days


class AgreementAmendment(BaseModel):
    """A change to an agreement after it was activated: what changed (the values before and after),
    why, who, when. Rows are only ever added."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="amendments")
    sequence = models.PositiveSmallIntegerField(_("amendment number"))
    reference = models.CharField(_("amendment reference"), max_length=100, blank=True)
    reason = models.TextField(_("reason"))
    changes = models.JSONField(default=dict)  # {field: {"before": …, "after": …}} (display values)
    previous_values = models.JSONField(default=dict)  # {field: raw value before}
    edit_version = models.PositiveIntegerField(default=1)  # the agreement's version it produced
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["agreement", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "sequence"], name="agreement_amendment_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement.number} #{self.sequence}"

    @property
    def change_rows(self) -> list[tuple[str, str, str]]:
        """(field label, before, after) for each field the amendment changed."""
        rows = []
        for name, change in (self.changes or {}).items():
            try:
                label = str(getattr(Agreement._meta.get_field(name), "verbose_name", name))
            except Exception:
                label = name
            rows.append((label, str(change.get("before", "")), str(change.get("after", ""))))
        return rows


class AgreementDocument(BaseModel):
    """The signed agreement (or an amendment's signed text): a protected upload. Uploads are
    only added; the newest is the current signed document."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=agreement_document_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    description = models.CharField(_("description"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    def audit_label(self) -> str:
        return f"{self.agreement.number} · {self.original_name}"


class AgreementReminder(BaseModel):
    """One reminder sent for an agreement and threshold (so each goes once)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    end_date = models.DateField()  # the end date it was about (an amendment may move it)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "days_before", "end_date"], name="agreement_reminder_once"
            )
        ]


# --- collaboration protocols --------------------------------------------------------------------
class Urgency(models.TextChoices):
    """The same codes as referrals.Urgency (Segera, Tinggi, Biasa)."""

    IMMEDIATE = "immediate", _("Immediate")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")


class Step(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    DECIDE = "decide", _("Decide")
    START = "start", _("Start")
    FINISH = "finish", _("Finish")


class EscalationTarget(models.TextChoices):
    RECEIVING_ORG = "receiving_org", _("The receiving organisation (reminder)")
    RECEIVING_ORG_ADMIN = "receiving_org_admin", _("Admin of the receiving organisation")
    DINSOS_SUPERVISOR = "dinsos_supervisor", _("Dinas Sosial supervisor")
    HEAD_OF_DEPARTMENT = "head_of_department", _("Head of department")


class Office(models.TextChoices):
    """Named offices that take part in protocols (SKPDs are organisations of type SKPD; LBH APIK
    one of type LBH): a participant names the office, and optionally the directory record."""

    DUKCAPIL = "dukcapil", _("Dukcapil (civil registration)")
    DINKES = "dinkes", _("Dinas Kesehatan")
    DISDIK = "disdik", _("Dinas Pendidikan")
    PPAPP = "ppapp", _("Dinas PPAPP")
    DISKOMINFOTIK = "diskominfotik", _("Diskominfotik")
    SATPOLPP = "satpolpp", _("Satpol PP")
    LBH_APIK = "lbh_apik", _("LBH APIK")


# The organisation type of each named office.
OFFICE_ORG_TYPES = {
    Office.DUKCAPIL: OrganizationType.SKPD,
    Office.DINKES: OrganizationType.SKPD,
    Office.DISDIK: OrganizationType.SKPD,
    Office.PPAPP: OrganizationType.SKPD,
    Office.DISKOMINFOTIK: OrganizationType.SKPD,
    Office.SATPOLPP: OrganizationType.SKPD,
    Office.LBH_APIK: OrganizationType.LBH,
}

# Used when a version has no table for an urgency (working days per step).
DEFAULT_DEADLINES: dict[str, dict[str, int]] = {
    Urgency.IMMEDIATE: {"acknowledge": 1, "decide": 1, "start": 2, "finish": 10},
    Urgency.HIGH: {"acknowledge": 1, "decide": 3, "start": 5, "finish": 20},
    Urgency.NORMAL: {"acknowledge": 2, "decide": 5, "start": 10, "finish": 40},
}
DEFAULT_ESCALATION: list[dict[str, Any]] = [
    {"after_working_days": 0, "notify": EscalationTarget.RECEIVING_ORG.value},
    {"after_working_days": 1, "notify": EscalationTarget.RECEIVING_ORG_ADMIN.value},
    {"after_working_days": 3, "notify": EscalationTarget.DINSOS_SUPERVISOR.value},
    {"after_working_days": 7, "notify": EscalationTarget.HEAD_OF_DEPARTMENT.value},
]


class CollaborationProtocol(BaseModel):
    """The ground rules for one PMKS child category; its content lives in versions."""

    category = models.OneToOneField(
        "children.Category",
        on_delete=models.PROTECT,
        related_name="protocol",
        limit_choices_to={"scheme": "pmks"},
        verbose_name=_("child category"),
    )
    title = models.CharField(_("title"), max_length=255)

    class Meta:
        ordering = ["category__sort_order", "category__code"]
        verbose_name = _("collaboration protocol")

    def __str__(self) -> str:
        return self.title

    def audit_label(self) -> str:
        return self.title


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


class ImmutableVersion(Exception):
    """An approved or superseded protocol version was about to change."""


class ProtocolVersionQuerySet(models.QuerySet["ProtocolVersion"]):
    def in_force(self, on: dt.date) -> ProtocolVersionQuerySet:
        return self.filter(
            status__in=[VersionStatus.APPROVED, VersionStatus.SUPERSEDED],
            valid_from__isnull=False,
            valid_from__lte=on,
        ).order_by("-valid_from", "-number")


class ProtocolVersion(BaseModel):
    protocol = models.ForeignKey(
        CollaborationProtocol, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    purpose = models.TextField(_("purpose"), blank=True)
    # {urgency: {step: working days}} for acknowledge / decide / start / finish.
    deadline_table = models.JSONField(_("response deadlines"), default=dict)
    # [{"after_working_days": n, "notify": EscalationTarget}], in order.
    escalation = models.JSONField(_("escalation chain"), default=list)
    documents = models.JSONField(_("documents to send"), default=list)  # list of strings
    closing_outcome = models.TextField(_("outcome that closes the loop"), blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approval_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ProtocolVersionQuerySet.as_manager()

    class Meta:
        ordering = ["protocol", "-number"]
        verbose_name = _("protocol version")
        constraints = [
            models.UniqueConstraint(fields=["protocol", "number"], name="protocol_version_number"),
            models.UniqueConstraint(
                fields=["protocol"],
                condition=Q(status="draft"),
                name="protocol_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.protocol} v{self.number}"

    def audit_label(self) -> str:
        return f"{self.protocol.title} v{self.number}"

    # Approved versions never change: only the move approved → superseded is written.
    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored in (VersionStatus.APPROVED, VersionStatus.SUPERSEDED):
                moving = (
                    stored == VersionStatus.APPROVED
                    and self.status == VersionStatus.SUPERSEDED
                    and set(kwargs.get("update_fields") or ()) <= {"status", "updated_at"}
                    and kwargs.get("update_fields")
                )
                if not moving:
                    raise ImmutableVersion(str(self))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.status != VersionStatus.DRAFT:
            raise ImmutableVersion(str(self))
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    def deadlines(self, urgency: str) -> dict[str, int]:
        """Working days for "acknowledge", "decide", "start", "finish" at ``urgency``."""
        if urgency not in Urgency.values:
            raise ValueError(f"unknown urgency {urgency!r}")
        table = (self.deadline_table or {}).get(urgency) or {}
        base = DEFAULT_DEADLINES[urgency]
        return {step: int(table.get(step, base[step])) for step in Step.values}

    @property
    def escalation_chain(self) -> list[dict[str, Any]]:
        """[{"after_working_days", "notify", "label"}]: who is told after how many working days
        overdue, in order."""
        steps = self.escalation or DEFAULT_ESCALATION
        out = []
        for step in sorted(steps, key=lambda s: int(s.get("after_working_days", 0))):
            notify = str(step.get("notify", ""))
            label = dict(EscalationTarget.choices).get(notify, notify)
            out.append(
                {
                    "after_working_days": int(step.get("after_working_days", 0)),
                    "notify": notify,
                    "label": label,
                }
            )
        return out

    def in_force_on(self, on: dt.date) -> bool:
        """This version is the one in force on ``on`` (the same rule as
        ``selectors.protocol_in_force``, which reads the same manager method)."""
        current = (
            ProtocolVersion.objects.in_force(on)
            .filter(protocol__category_id=self.protocol.category_id)
            .values_list("pk", flat=True)
            .first()
        )
        return current == self.pk


class ProtocolParticipant(BaseModel):
    """Who takes part in a protocol version: an organisation type (every LKSA) or a named office
    (Dukcapil), its role and the standard services it gives."""

    version = models.ForeignKey(
        ProtocolVersion, on_delete=models.CASCADE, related_name="participants"
    )
    org_type = models.CharField(
        _("organisation type"), max_length=20, choices=OrganizationType.choices
    )
    office = models.CharField(_("office"), max_length=20, choices=Office.choices, blank=True)
    organization = models.ForeignKey(
        "directory.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="protocol_roles",
        verbose_name=_("organisation"),
    )
    role = models.TextField(_("role"))
    service_types = models.ManyToManyField(
        TaxonomyTerm,
        blank=True,
        related_name="protocol_participants",
        limit_choices_to={"taxonomy": TaxonomyTerm.Taxonomy.SERVICE_TYPE},
        verbose_name=_("standard services"),
    )
    services_note = models.TextField(_("standard services"), blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "sort_order", "org_type", "office"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.organization_id:
            return str(self.organization)
        if self.office:
            return str(self.get_office_display())
        return str(self.get_org_type_display())

    def save(self, *args: Any, **kwargs: Any) -> None:
        status = (
            ProtocolVersion.objects.filter(pk=self.version_id)
            .values_list("status", flat=True)
            .first()
        )
        if status not in (None, VersionStatus.DRAFT):
            raise ImmutableVersion(str(self.version_id))
        if self.office and not self.org_type:
            self.org_type = OFFICE_ORG_TYPES[Office(self.office)]
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.version.status != VersionStatus.DRAFT:
            raise ImmutableVersion(str(self.version_id))
        return super().delete(*args, **kwargs)
