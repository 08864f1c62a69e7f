"""Forms of the agreements and protocol pages (the services validate; forms parse)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from simpul.agreements.models import (
    Agreement,
    AgreementStatus,
    EscalationTarget,
    Office,
    ProtocolParticipant,
    Step,
    Urgency,
)
from simpul.agreements.services import AGREEMENT_FIELDS
from simpul.children.models import Category
from simpul.core.exceptions import ApplicationError
from simpul.core.forms import model_choice
from simpul.directory.models import GOVERNMENT_SOCIAL_TYPES, Organization, TaxonomyTerm
from simpul.directory.widgets import OrganizationMultiplePickerField, picker_user_set


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def apply_application_error(form: forms.BaseForm, exc: ApplicationError) -> None:
    """Show a service's ApplicationError on the form: per field when it names fields."""
    fields = exc.extra.get("fields") or {}
    shown = False
    for name, messages in fields.items():
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
                shown = True
    if not shown:
        form.add_error(None, exc.message)


def _service_types() -> Any:
    return TaxonomyTerm.objects.filter(taxonomy=TaxonomyTerm.Taxonomy.SERVICE_TYPE).order_by(
        "sort_order", "code"
    )


class AgreementFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *AgreementStatus.choices],
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {"status": self.cleaned_data["status"], "query": self.cleaned_data["q"].strip()}


class AgreementForm(forms.ModelForm):
    parties = OrganizationMultiplePickerField(label=_("Partner organisations"))
    reason = forms.CharField(
        label=_("Reason for the amendment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required once the agreement is active: every change is an amendment."),
    )
    reference = forms.CharField(
        label=_("Amendment reference (addendum number)"), required=False, max_length=100
    )

    class Meta:
        model = Agreement
        fields = list(AGREEMENT_FIELDS)  # the fields the service accepts, in one place
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "review_date": DateInput(),
            "categories": forms.CheckboxSelectMultiple,
            "service_types": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any = None, amending: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        model_choice(self, "government_side").queryset = Organization.objects.filter(
            org_type__in=GOVERNMENT_SOCIAL_TYPES, is_active=True
        ).order_by("org_type", "name")
        model_choice(self, "categories").queryset = Category.objects.filter(scheme="pmks")
        model_choice(self, "service_types").queryset = _service_types()
        picker_user_set(self, user)
        if not amending:
            del self.fields["reason"]
            del self.fields["reference"]
        else:
            self.fields["reason"].required = True

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("reason", "reference")}
        for name in ("parties", "categories", "service_types"):
            data[name] = list(data.get(name) or [])
        return data


class TerminateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the agreement terminated?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Signed agreement (PDF, JPG or PNG, at most 10 MB)"))
    description = forms.CharField(
        label=_("Description (e.g. the signed addendum)"), required=False, max_length=255
    )


# --- protocols ----------------------------------------------------------------------------------
class ProtocolCreateForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Child category"), queryset=Category.objects.none())
    title = forms.CharField(label=_("Title"), required=False, max_length=255)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "category").queryset = Category.objects.filter(
            scheme="pmks", protocol__isnull=True
        )


class VersionForm(forms.Form):
    """The draft's text and its deadline table (one number per urgency and step) and
    escalation chain (working days overdue per target; blank = not told)."""

    purpose = forms.CharField(
        label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    documents = forms.CharField(
        label=_("Documents to send (one a line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    closing_outcome = forms.CharField(
        label=_("Outcome that closes the loop"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, version: Any, **kwargs: Any) -> None:
        initial = {
            "purpose": version.purpose,
            "documents": "\n".join(version.documents or []),
            "closing_outcome": version.closing_outcome,
        }
        for urgency in Urgency.values:
            days = version.deadlines(urgency)
            for step in Step.values:
                initial[f"d_{urgency}_{step}"] = days[step]
        chain = {s["notify"]: s["after_working_days"] for s in version.escalation_chain}
        for target in EscalationTarget.values:
            initial[f"e_{target}"] = chain.get(target)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for urgency, ulabel in Urgency.choices:
            for step, slabel in Step.choices:
                self.fields[f"d_{urgency}_{step}"] = forms.IntegerField(
                    label=f"{ulabel}: {slabel}", min_value=0, max_value=365
                )
        for target, tlabel in EscalationTarget.choices:
            self.fields[f"e_{target}"] = forms.IntegerField(
                label=tlabel, min_value=0, max_value=365, required=False
            )

    def deadline_fields(self) -> list[Any]:
        return [self[f"d_{u}_{s}"] for u in Urgency.values for s in Step.values]

    def escalation_fields(self) -> list[Any]:
        return [self[f"e_{t}"] for t in EscalationTarget.values]

    def service_data(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {
            "purpose": c["purpose"],
            "documents": [line for line in c["documents"].splitlines() if line.strip()],
            "closing_outcome": c["closing_outcome"],
            "deadline_table": {
                u: {s: c[f"d_{u}_{s}"] for s in Step.values} for u in Urgency.values
            },
            "escalation": [
                {"after_working_days": c[f"e_{t}"], "notify": t}
                for t in EscalationTarget.values
                if c.get(f"e_{t}") is not None
            ],
        }


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = ProtocolParticipant
        fields = ["org_type", "office", "organization", "role", "service_types", "services_note"]
        widgets = {
            "role": forms.Textarea(attrs={"rows": 2}),
            "services_note": forms.Textarea(attrs={"rows": 2}),
            "service_types": forms.CheckboxSelectMultiple,
        }
        help_texts = {"office": _("For a named office (an SKPD, LBH APIK).")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_type"].required = False
        office: Any = self.fields["office"]
        office.choices = [("", "—"), *Office.choices]
        model_choice(self, "organization").queryset = Organization.objects.active().order_by("name")
        self.fields["organization"].required = False
        model_choice(self, "service_types").queryset = _service_types()
        self.fields["service_types"].required = False

    def service_data(self) -> dict[str, Any]:
        c = dict(self.cleaned_data)
        service_types = list(c.pop("service_types") or [])
        return {**c, "service_types": service_types}


class ApproveForm(forms.Form):
    valid_from = forms.DateField(label=_("In force from"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
