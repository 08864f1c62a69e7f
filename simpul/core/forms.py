from django import forms


def model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's model-choice field ``name``, typed (to set its queryset in ``__init__``)."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    return field
