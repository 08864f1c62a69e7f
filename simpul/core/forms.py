from django import forms
from django.utils.translation import gettext_lazy as _


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


def model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's model-choice field ``name``, typed (to set its queryset in ``__init__``)."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    return field
