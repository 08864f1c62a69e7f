from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from simpul.core.models import AccessLog


class AccessLogFilterForm(forms.Form):
    child = forms.CharField(label=_("Child registration number"), required=False)
    user = forms.CharField(label=_("User e-mail"), required=False)
    organization = forms.CharField(label=_("Organisation"), required=False)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All")), *AccessLog.Action.choices]
    )
    reason = forms.CharField(label=_("Reason contains"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action code starts with"), required=False)
    actor = forms.CharField(label=_("Actor e-mail"), required=False)
    organization = forms.CharField(label=_("Organisation"), required=False)
    target = forms.CharField(
        label=_("Record number or id"),
        required=False,
        help_text=_("Exactly, e.g. ANK-2026-000123 or a case number."),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
