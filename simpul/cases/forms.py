"""Forms of the case screens. They parse input only; the rules are in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simpul.accounts.models import Role, User
from simpul.cases.models import (
    CaseStatus,
    ClosureReason,
    IntakeChannel,
    Milestone,
    OutreachMethod,
    PlanAction,
    RiskLevel,
)
from simpul.core.exceptions import ApplicationError
from simpul.core.forms import model_choice
from simpul.directory.models import Organization, Service, TaxonomyTerm
from simpul.directory.widgets import OrganizationPickerField, picker_user_set


def apply_application_error(form: forms.BaseForm, exc: ApplicationError) -> None:
    """Show a service's ApplicationError on the form: per field when it names fields."""
    fields = exc.extra.get("fields") or {}
    shown = False
    for name, messages in fields.items():
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
                shown = True
    if not shown or str(exc.message) not in " ".join(str(m) for ms in fields.values() for m in ms):
        form.add_error(None, exc.message)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return f"{obj.full_name} ({obj.email})"


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return f"{obj.full_name} ({obj.email})"


def _users_with_role(role: str, organization: Organization | None = None) -> Any:
    qs = User.objects.filter(is_active=True, memberships__is_active=True, memberships__role=role)
    if organization is not None:
        qs = qs.filter(memberships__organization=organization)
    return qs.distinct().order_by("full_name")


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# --- opening a case -------------------------------------------------------------------------
class CaseOpenForm(forms.Form):
    intake_channel = forms.ChoiceField(
        label=_("How did the case come in?"), choices=IntakeChannel.choices
    )
    reported_at = forms.DateTimeField(
        label=_("Reported at"),
        widget=DateTimeInput(),
        initial=lambda: timezone.localtime().replace(second=0, microsecond=0),
    )
    intake_details = forms.CharField(label=_("What was reported"), widget=_text(4))
    outreach_method = forms.ChoiceField(
        label=_("Outreach method"),
        required=False,
        choices=[("", _("No outreach")), *OutreachMethod.choices],
    )
    coercive_justification = forms.CharField(
        label=_("Justification of coercive outreach"),
        required=False,
        widget=_text(),
        help_text=_("Required for coercive outreach. The supervisor sees it."),
    )
    risk_level = forms.ChoiceField(
        label=_("Risk level"), choices=RiskLevel.choices, initial=RiskLevel.MEDIUM
    )
    lead_organization = forms.ModelChoiceField(
        label=_("Lead organisation"), queryset=Organization.objects.none()
    )
    primary_category: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Main category"),
        queryset=None,  # type: ignore[arg-type]  # set in __init__
        required=False,
    )
    supervisor = UserChoiceField(
        label=_("Supervisor"), queryset=User.objects.none(), required=False
    )
    is_sensitive = forms.BooleanField(
        label=_("Sensitive case (names masked for anyone not assigned)"),
        required=False,
    )
    confirm_duplicate_case = forms.BooleanField(
        label=_("This child already has an open case: I confirm a second open case is needed"),
        required=False,
    )

    def __init__(self, *args: Any, user: User, child: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from simpul.children.models import Category

        orgs = Organization.objects.filter(
            memberships__user=user, memberships__is_active=True
        ).distinct()
        model_choice(self, "lead_organization").queryset = orgs
        primary = user.primary_membership()
        if primary:
            self.fields["lead_organization"].initial = primary.organization_id
        active = child.classifications.filter(ended_at__isnull=True).values("category_id")
        model_choice(self, "primary_category").queryset = (
            Category.objects.filter(pk__in=active)
            if active.exists()
            else Category.objects.filter(scheme="pmks")
        )
        model_choice(self, "supervisor").queryset = _users_with_role(Role.SUPERVISOR)

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


# --- workflow -------------------------------------------------------------------------------
class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=CaseStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, widget=_text(2))


class RiskForm(forms.Form):
    level = forms.ChoiceField(label=_("New risk level"), choices=RiskLevel.choices)
    reason = forms.CharField(label=_("Why does the risk change?"), widget=_text())


class CloseRequestForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Closure reason"),
        choices=[c for c in ClosureReason.choices if c[0] != ClosureReason.TRANSFERRED],
        help_text=_("A transfer to another office is not a closure: use Transfer."),
    )
    note = forms.CharField(
        label=_("Explanation"), required=False, widget=_text(), help_text=_("Required for “Other”.")
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("return", _("Return for changes"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=_text(), help_text=_("Required when returning.")
    )


class TransferForm(forms.Form):
    to_organization = forms.ModelChoiceField(
        label=_("Transfer to"), queryset=Organization.objects.none()
    )
    to_worker = UserChoiceField(
        label=_("New case worker (optional)"), queryset=User.objects.none(), required=False
    )
    reason = forms.CharField(label=_("Reason of the transfer"), widget=_text())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "to_organization").queryset = Organization.objects.active().order_by(
            "org_type", "name"
        )
        model_choice(self, "to_worker").queryset = _users_with_role(Role.CASE_WORKER)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=_text())


class RestrictedOpenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to open this case?"),
        max_length=255,
        widget=_text(2),
        help_text=_(
            "This case is restricted. Your reason is recorded in the access log that supervisors review."
        ),
    )


class TeamForm(forms.Form):
    case_worker = UserChoiceField(
        label=_("Case worker"), queryset=User.objects.none(), required=False
    )
    supervisor = UserChoiceField(
        label=_("Supervisor"), queryset=User.objects.none(), required=False
    )
    team = UserMultipleChoiceField(
        label=_("Team"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, case: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "case_worker").queryset = _users_with_role(
            Role.CASE_WORKER, case.lead_organization
        )
        model_choice(self, "supervisor").queryset = _users_with_role(Role.SUPERVISOR)
        model_choice(self, "team").queryset = (
            User.objects.filter(
                is_active=True,
                memberships__organization=case.lead_organization,
                memberships__is_active=True,
            )
            .distinct()
            .order_by("full_name")
        )


# --- plan, services, notes, conferences, placements -------------------------------------------
def _service_types() -> Any:
    return TaxonomyTerm.objects.filter(taxonomy=TaxonomyTerm.Taxonomy.SERVICE_TYPE).order_by(
        "sort_order", "code"
    )


class PlanSummaryForm(forms.Form):
    summary = forms.CharField(label=_("Plan summary"), required=False, widget=_text(4))


class GoalForm(forms.Form):
    description = forms.CharField(label=_("Goal"), widget=_text(2))


class ActionForm(forms.Form):
    description = forms.CharField(label=_("Action"), widget=_text(2))
    # Searchable by name, type, kecamatan and category served, with free places (the picker).
    responsible_organization = OrganizationPickerField(label=_("Responsible organisation"))
    service_type = forms.ModelChoiceField(
        label=_("Service type"), queryset=TaxonomyTerm.objects.none(), required=False
    )
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "service_type").queryset = _service_types()
        picker_user_set(self, user)


class ServiceDeliveryForm(forms.Form):
    service_type = forms.ModelChoiceField(
        label=_("Service type"), queryset=TaxonomyTerm.objects.none()
    )
    organization = forms.ModelChoiceField(label=_("Given by"), queryset=Organization.objects.none())
    delivered_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    plan_action = forms.ModelChoiceField(
        label=_("Plan action"), queryset=PlanAction.objects.none(), required=False
    )
    description = forms.CharField(label=_("What was done"), required=False, widget=_text())

    def __init__(self, *args: Any, case: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "service_type").queryset = _service_types()
        model_choice(self, "organization").queryset = organizations
        model_choice(self, "plan_action").queryset = PlanAction.objects.filter(
            goal__plan__case=case, goal__plan__status="approved"
        )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Case note"), widget=_text(4))


class ConferenceForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput(), initial=timezone.localdate)
    participants = forms.CharField(label=_("Participants"), widget=_text())
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organisations taking part"), queryset=Organization.objects.none(), required=False
    )
    decisions = forms.CharField(label=_("Decisions"), widget=_text(4))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "organizations").queryset = Organization.objects.active().order_by(
            "name"
        )


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Service) -> str:  # type: ignore[override]
        free = obj.capacity_free
        places = (
            _("%(free)s free") % {"free": free} if free is not None else _("no capacity recorded")
        )
        return f"{obj.name} — {obj.organization.name} ({places})"


class PlacementStartForm(forms.Form):
    service = ServiceChoiceField(label=_("Panti / LKSA service"), queryset=Service.objects.none())
    start_date = forms.DateField(label=_("From"), widget=DateInput(), initial=timezone.localdate)
    review_due = forms.DateField(label=_("Review due"), widget=DateInput())
    gatekeeping_note = forms.CharField(
        label=_("Family-based options considered"),
        widget=_text(4),
        help_text=_(
            "SNPA: a placement is the last resort. Which family or kinship options were considered, and why not?"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "service").queryset = (
            Service.objects.filter(status="active")
            .select_related("organization")
            .order_by("organization__name", "name")
        )


class PlacementEndForm(forms.Form):
    end_date = forms.DateField(label=_("Ended on"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Why does it end?"), max_length=255)


# --- lists ----------------------------------------------------------------------------------
class CaseFilterForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("mine", _("My cases")),
            ("team", _("My cases and my team's")),
            ("all", _("All cases I can see")),
        ],
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *CaseStatus.choices]
    )
    risk = forms.ChoiceField(
        label=_("Risk"), required=False, choices=[("", _("Any risk")), *RiskLevel.choices]
    )
    q = forms.CharField(label=_("Case number"), required=False, max_length=30)
    overdue = forms.BooleanField(label=_("Only with overdue deadlines"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("due", _("Next due date")),
            ("-reported", _("Newest report")),
            ("reported", _("Oldest report")),
            ("number", _("Case number")),
        ],
    )

    def filters(self, default_scope: str) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "scope": data.get("scope") or default_scope,
            "status": data.get("status"),
            "risk": data.get("risk"),
            "q": data.get("q"),
            "overdue": data.get("overdue"),
            "sort": data.get("sort") or "due",
            "open_only": not data.get("status"),
        }

    def active_count(self, default_scope: str) -> int:
        """How many filters differ from the defaults (shown on the folded filter panel)."""
        data = self.cleaned_data if self.is_valid() else {}
        defaults = {"scope": default_scope, "sort": "due"}
        return sum(
            1
            for name in ("scope", "status", "risk", "q", "overdue", "sort")
            if data.get(name) and data.get(name) != defaults.get(name)
        )


class SlaHoursForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes (source, SOP reference)"), required=False, widget=_text()
    )

    def __init__(self, *args: Any, policy: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hours = {f"{r.risk_level}:{r.milestone}": r.hours for r in policy.rules.all()}
        self.fields["notes"].initial = policy.notes
        for level, level_label in RiskLevel.choices:
            for milestone, m_label in Milestone.choices:
                key = f"{level}:{milestone}"
                self.fields[key] = forms.IntegerField(
                    label=f"{level_label} · {m_label}",
                    min_value=1,
                    initial=hours.get(key),
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )

    def hours(self) -> dict[str, int]:
        return {k: v for k, v in self.cleaned_data.items() if ":" in k}
