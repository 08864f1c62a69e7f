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
