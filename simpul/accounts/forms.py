from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from simpul.accounts.models import Role, User
from simpul.directory.models import GOVERNMENT_SOCIAL_TYPES, Organization
from simpul.regions.models import Region


class LoginForm(forms.Form):
    # Named "username" because django-axes reads that field to count failures per account.
    username = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(
            attrs={
                "autocomplete": "username",
                "autofocus": True,
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ProfilePasswordChangeForm(PasswordChangeForm):
    """Django's form (old password + AUTH_PASSWORD_VALIDATORS), without autofocus: it sits
    in the middle of the profile page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].widget.attrs.pop("autofocus", None)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code"),
        max_length=9,
        help_text=_("The code shown in your authenticator app."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
                "aria-describedby": "id_token_helptext",
            }
        ),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not (token.isdigit() and len(token) == 6):
            raise forms.ValidationError(_("Enter the 6 digits from your authenticator app."))
        return token


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


def _region_scope_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Region scope"),
        queryset=Region.objects.filter(level__lte=2).order_by("code"),
        required=False,
        empty_label=_("The organisation's own area"),
        help_text=_("Dinas Sosial / Suku Dinas Sosial only: the province or one city."),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label=_("Role"))

    def __init__(
        self, *args: Any, organization: Organization, roles: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Role.choices)
        self.fields["role"].choices = [(r, labels[r]) for r in roles]  # type: ignore[attr-defined]
        if organization.org_type in GOVERNMENT_SOCIAL_TYPES:
            self.fields["region_scope"] = _region_scope_field()


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(
        self, *args: Any, organization: Organization, roles: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Role.choices)
        self.fields["role"].choices = [(r, labels[r]) for r in roles]  # type: ignore[attr-defined]
        if organization.org_type in GOVERNMENT_SOCIAL_TYPES:
            self.fields["region_scope"] = _region_scope_field()


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["password1"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            provisional = User(email=self.email, full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(p1, provisional)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
