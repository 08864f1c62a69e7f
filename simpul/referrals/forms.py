"""Forms of the referral screens. They parse input only; the rules are in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from simpul.directory.models import TaxonomyTerm
from simpul.referrals.models import BusinessOutcome, SharedField, Urgency

# Proposed by default: enough to act, no identity (the services apply the same minimum).
MINIMUM_SHARED_FIELDS = ("age", "category", "needs_summary")


class ComposerFilterForm(forms.Form):
    """What is asked: chooses the candidates the composer ranks (GET)."""

    service_type = forms.ModelChoiceField(
        label=_("Service"),
        queryset=TaxonomyTerm.objects.filter(taxonomy=TaxonomyTerm.Taxonomy.SERVICE_TYPE),
        to_field_name="code",
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial="normal")


class ComposerSendForm(forms.Form):
    """The referral itself (POST): the receiver chosen among the ranked ones, what is asked,
    and what travels with it."""

    to_organization = forms.ChoiceField(label=_("Receiving organisation"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("What is asked"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("Travels with the referral as the summary of needs."),
    )
    shared_fields = forms.MultipleChoiceField(
        label=_("What will be shared"),
        choices=SharedField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=list(MINIMUM_SHARED_FIELDS),
    )

    def __init__(self, *args: Any, receivers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organization"].choices = receivers  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=BusinessOutcome.choices)
    note = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
    )


class ReassignForm(forms.Form):
    to_organization = forms.ChoiceField(label=_("Reassign to"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args: Any, receivers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organization"].choices = receivers  # type: ignore[attr-defined]
