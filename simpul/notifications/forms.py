from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from simpul.notifications.selectors import Choice

OFF, NOW, DIGEST = "off", "now", "digest"
EMAIL_CHOICES = [
    (NOW, _("Each one at once")),
    (DIGEST, _("Once a day (digest)")),
    (OFF, _("Not by e-mail")),
]


class PreferencesForm(forms.Form):
    """One e-mail choice and one WhatsApp opt-in per kind (fields ``<code>__email``, ``__wa``)."""

    def __init__(self, *args, choices: list[Choice], whatsapp: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = []
        for choice in choices:
            code = choice.kind.code
            mode = (DIGEST if choice.digest else NOW) if choice.email else OFF
            email = forms.ChoiceField(
                label=_("E-mail"), choices=EMAIL_CHOICES, initial=mode, widget=forms.RadioSelect
            )
            self.fields[f"{code}__email"] = email
            if whatsapp:
                self.fields[f"{code}__wa"] = forms.BooleanField(
                    label=_("Also by WhatsApp"), required=False, initial=choice.whatsapp
                )
            self.kinds.append((choice.kind, code))

    def rows(self):
        for kind, code in self.kinds:
            yield {
                "kind": kind,
                "email": self[f"{code}__email"],
                "whatsapp": self[f"{code}__wa"] if f"{code}__wa" in self.fields else None,
            }

    def chosen(self) -> dict[str, dict[str, bool]]:
        data = self.cleaned_data
        result = {}
        for _kind, code in self.kinds:
            mode = data[f"{code}__email"]
            result[code] = {
                "email": mode != OFF,
                "digest": mode == DIGEST,
                "whatsapp": bool(data.get(f"{code}__wa")),
            }
        return result
