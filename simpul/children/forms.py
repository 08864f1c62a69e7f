"""Forms of the children pages: input parsing only; the rules are in identity.py and services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from simpul.access.cases import CASE_STATUS_CHOICES
from simpul.children.identity import IDENTITY_FIELDS, MAX_ESTIMATED_AGE
from simpul.children.models import (
    AgeEstimateReason,
    BirthCertificateStatus,
    Category,
    CategorySubtype,
    Child,
    ChildAlias,
    ChildDocument,
    Condition,
    Consent,
    DisabilityType,
    Guardian,
    LegalBasis,
    Religion,
    SchoolStatus,
    Sex,
)
from simpul.core.exceptions import ApplicationError
from simpul.directory.widgets import OrganizationMultiplePickerField, picker_user_set
from simpul.regions.forms import KelurahanField
from simpul.regions.models import DKI_JAKARTA, Region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_application_error(form: forms.BaseForm, exc: ApplicationError) -> None:
    """Show a service's ApplicationError on the form: per field when it names fields."""
    fields = exc.extra.get("fields") or {}
    shown = False
    for name, messages in fields.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
            shown = True
    if not shown:
        form.add_error(None, str(exc.message))


class ChildForm(forms.Form):
    """Identity of a child (registration and the identity edit page)."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty when unknown and give an estimated age instead."),
    )
    estimated_age = forms.IntegerField(
        label=_("Estimated age (years)"), required=False, min_value=0, max_value=MAX_ESTIMATED_AGE
    )
    age_estimate_reason = forms.ChoiceField(
        label=_("How was the age estimated?"),
        required=False,
        choices=[("", "—"), *AgeEstimateReason.choices],
    )
    age_estimate_note = forms.CharField(
        label=_("Note on the estimate"), required=False, max_length=255
    )
    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("16 digits, if the child has one. Never guess it."),
    )
    no_kk = forms.CharField(
        label=_("No. KK (family card)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_certificate_status = forms.ChoiceField(
        label=_("Birth certificate"),
        choices=BirthCertificateStatus.choices,
        initial=BirthCertificateStatus.UNKNOWN,
    )
    birth_certificate_number = forms.CharField(
        label=_("Birth certificate number"), required=False, max_length=60
    )
    religion = forms.ChoiceField(
        label=_("Religion"), choices=Religion.choices, initial=Religion.UNKNOWN
    )
    mother_name = forms.CharField(label=_("Mother's name"), required=False, max_length=150)
    current_kelurahan = KelurahanField(
        label=_("Where the child is now (kelurahan)"), required=False
    )
    current_address = forms.CharField(label=_("Current address"), required=False, max_length=255)
    current_spot = forms.CharField(
        label=_("Spot (for street children)"),
        required=False,
        max_length=255,
        help_text=_("Where the child is usually found, e.g. a junction or a market."),
    )
    origin_region_code = forms.CharField(
        label=_("Region of origin (Kemendagri code)"),
        required=False,
        max_length=13,
        help_text=_("Also outside Jakarta, e.g. 32.01 (Kab. Bogor) or 33.74."),
    )
    school_status = forms.ChoiceField(
        label=_("School"), choices=SchoolStatus.choices, initial=SchoolStatus.UNKNOWN
    )
    school_name = forms.CharField(label=_("School name"), required=False, max_length=150)
    has_disability = forms.BooleanField(label=_("The child has a disability"), required=False)
    disability_types = forms.MultipleChoiceField(
        label=_("Disability type"),
        required=False,
        choices=DisabilityType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    functional_needs = forms.CharField(
        label=_("Functional needs"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    conditions = forms.ModelMultipleChoiceField(
        label=_("Conditions observed"),
        required=False,
        queryset=Condition.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )

    @classmethod
    def initial_from(cls, child: Child) -> dict[str, Any]:
        data = {f: getattr(child, f) for f in IDENTITY_FIELDS}
        data["current_kelurahan"] = child.current_kelurahan.code if child.current_kelurahan else ""
        data["conditions"] = list(child.conditions.all())
        return data

    def service_data(self) -> dict[str, Any]:
        data = {
            k: v for k, v in self.cleaned_data.items() if k in IDENTITY_FIELDS or k == "conditions"
        }
        data["conditions"] = list(data.get("conditions") or [])
        return data


class RegisterForm(ChildForm):
    aliases = forms.CharField(
        label=_("Nicknames and other names"),
        required=False,
        max_length=500,
        help_text=_("Separate several names with commas."),
    )
    guardian_name = forms.CharField(
        label=_("Parent or guardian: name"), required=False, max_length=150
    )
    guardian_relationship = forms.ChoiceField(
        label=_("Relationship"), required=False, choices=[("", "—"), *Guardian.Relationship.choices]
    )
    guardian_phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )

    def alias_list(self) -> list[str]:
        return [a.strip() for a in (self.cleaned_data.get("aliases") or "").split(",") if a.strip()]

    def guardian_list(self) -> list[dict[str, Any]]:
        name = self.cleaned_data.get("guardian_name")
        if not name:
            return []
        return [
            {
                "full_name": name,
                "relationship": self.cleaned_data.get("guardian_relationship")
                or Guardian.Relationship.OTHER,
                "phone": self.cleaned_data.get("guardian_phone") or "",
                "is_primary_contact": True,
            }
        ]

    # --- the form in steps (children/register.html) ----------------------------------------
    def step_of(self, name: str | None) -> int:
        """The step that shows field ``name`` (a form-wide error: the first step)."""
        for step in REGISTER_STEPS:
            if name in step.fields:
                return step.number
        return 1

    def step_has_errors(self, number: int) -> bool:
        step = REGISTER_STEPS[number - 1]
        return any(name in self.errors for name in step.fields)

    def first_error_step(self) -> int | None:
        """The first step to show again after a failed check (None: no error)."""
        if not self.errors:
            return None
        return min(self.step_of(None if name == "__all__" else name) for name in self.errors)

    def summary(self) -> list[tuple[RegisterStep, list[tuple[str, str]]]]:
        """What will be saved, step by step, as the confirmation shows it (filled fields only).
        Call after ``is_valid()``."""
        out = []
        for step in REGISTER_STEPS:
            rows = []
            for name in step.fields:
                value = self.cleaned_data.get(name)
                if value in (None, "", [], False) or (hasattr(value, "exists") and not value):
                    continue
                rows.append((str(self.fields[name].label), self._shown(name, value)))
            if step.fields:
                out.append((step, rows))
        return out

    def _shown(self, name: str, value: Any) -> str:
        field = self.fields[name]
        if value is True:
            return str(_("Yes"))
        if hasattr(value, "isoformat"):
            return formats.date_format(value, "DATE_FORMAT")
        choices = dict(getattr(field, "choices", None) or []) if name != "conditions" else {}
        if isinstance(value, list | tuple):
            return ", ".join(str(choices.get(v, v)) for v in value)
        if name == "conditions":
            return ", ".join(str(c) for c in value)
        return str(choices.get(value, value))


@dataclass(frozen=True)
class RegisterStep:
    number: int
    key: str
    title: Any
    fields: tuple[str, ...] = ()


# Registration in steps: a short page each (identity → family → location & school → disability
# & conditions → the duplicate check → confirm). Every field belongs to exactly one step; the
# others travel as hidden inputs, so each step works without JavaScript.
REGISTER_STEPS = (
    RegisterStep(
        1,
        "identity",
        _("Identity"),
        (
            "full_name",
            "aliases",
            "sex",
            "birth_date",
            "estimated_age",
            "age_estimate_reason",
            "age_estimate_note",
            "nik",
            "birth_certificate_status",
            "birth_certificate_number",
            "religion",
        ),
    ),
    RegisterStep(
        2,
        "family",
        _("Family"),
        ("mother_name", "no_kk", "guardian_name", "guardian_relationship", "guardian_phone"),
    ),
    RegisterStep(
        3,
        "location",
        _("Location and school"),
        (
            "current_kelurahan",
            "current_address",
            "current_spot",
            "origin_region_code",
            "school_status",
            "school_name",
        ),
    ),
    RegisterStep(
        4,
        "conditions",
        _("Disability and conditions"),
        ("has_disability", "disability_types", "functional_needs", "conditions"),
    ),
    RegisterStep(5, "check", _("Check for duplicates")),
    RegisterStep(6, "confirm", _("Confirm")),
)
CHECK_STEP = 5
CONFIRM_STEP = 6
LAST_FIELDS_STEP = 4


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to open this record?"),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AliasForm(forms.ModelForm):
    class Meta:
        model = ChildAlias
        fields = ["name", "kind"]


class GuardianForm(forms.ModelForm):
    class Meta:
        model = Guardian
        fields = [
            "relationship",
            "full_name",
            "phone",
            "address",
            "is_primary_contact",
            "lives_with_child",
            "is_alleged_perpetrator",
            "notes",
        ]


class ClassifyForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    subtype = forms.ModelChoiceField(
        label=_("Subtype"),
        queryset=CategorySubtype.objects.select_related("category"),
        required=False,
    )
    is_primary = forms.BooleanField(label=_("Primary category"), required=False)
    age_rule_override_reason = forms.CharField(
        label=_("Reason, if the child's age does not meet the category's age rule"),
        required=False,
        max_length=255,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = []
        cats = list(Category.objects.prefetch_related("maps_to"))
        for scheme, label in Category.Scheme.choices:
            opts = []
            for c in cats:
                if c.scheme != scheme:
                    continue
                text = str(c)
                if scheme == Category.Scheme.FIELD and c.maps_to.all():
                    text += " → " + ", ".join(m.code for m in c.maps_to.all())
                opts.append((str(c.pk), text))
            groups.append((label, opts))
        self.fields["category"].choices = [("", "—"), *groups]  # type: ignore[attr-defined]
        self.fields["subtype"].label_from_instance = lambda st: f"{st.category.code}: {st}"  # type: ignore[attr-defined]


class ConditionsForm(forms.Form):
    conditions = forms.ModelMultipleChoiceField(
        label=_("Conditions observed"),
        required=False,
        queryset=Condition.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Consent.Purpose.choices)
    # Searchable checkboxes with type, kecamatan, categories served and free places (no Ctrl-click).
    organizations = OrganizationMultiplePickerField(
        label=_("Shared with (for sharing)"), required=False
    )
    given_by_name = forms.CharField(label=_("Given by"), max_length=150)
    given_by_relationship = forms.ChoiceField(
        label=_("Relationship to the child"), choices=Guardian.Relationship.choices
    )
    child_view = forms.CharField(
        label=_("The child's own view"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    child_agrees = forms.NullBooleanField(
        label=_("The child agrees"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", _("Not asked / unclear")), ("true", _("Yes")), ("false", _("No"))]
        ),
    )
    method = forms.ChoiceField(label=_("Method"), choices=Consent.Method.choices)
    notice_version = forms.CharField(
        label=_("Notice shown (version)"), required=False, max_length=30
    )
    evidence_file = forms.FileField(
        label=_("Evidence (JPG, PNG or PDF, at most 5 MB)"), required=False
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picker_user_set(self, user)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason of the withdrawal"), max_length=255)


class LegalBasisForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=Consent.Purpose.choices, initial=Consent.Purpose.SHARING
    )
    basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.Basis.choices)
    organizations = OrganizationMultiplePickerField(
        label=_("Organisations covered"), required=False
    )
    justification = forms.CharField(
        label=_("Justification"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picker_user_set(self, user)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ChildDocument.Kind.choices)
    file = forms.FileField(
        label=_("File (JPG, PNG or PDF, at most 5 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}),
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=255)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Spelling variants are found too (Djoko = Joko)."),
    )
    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        max_length=20,
        help_text=_("The full NIK, or its beginning, or a masked NIK like 3171••••••••0001."),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), required=False, queryset=Category.objects.all()
    )
    kota = forms.ChoiceField(label=_("Kota"), required=False)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    case_status = forms.ChoiceField(
        label=_("Case status"), required=False, choices=[("", _("All")), *CASE_STATUS_CHOICES]
    )

    def __init__(self, *args: Any, nik_allowed: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_: list[tuple[str, Any]] = [("", _("All"))]
        self.fields["kota"].choices = any_ + [  # type: ignore[attr-defined]
            (r.code, r.name)
            for r in Region.objects.filter(level=2, parent__code=DKI_JAKARTA).order_by("name")
        ]
        self.fields["kecamatan"].choices = any_ + [  # type: ignore[attr-defined]
            (r.code, f"{r.name} ({r.parent.name if r.parent else ''})")
            for r in Region.objects.filter(level=3, code__startswith=DKI_JAKARTA + ".")
            .select_related("parent")
            .order_by("name")
        ]
        self.fields["category"].empty_label = _("All")  # type: ignore[attr-defined]
        if not nik_allowed:
            del self.fields["nik"]

    def filters(self) -> Any:
        from simpul.children.selectors import SearchFilters

        if not self.is_bound:
            return SearchFilters()
        self.is_valid()
        d = getattr(self, "cleaned_data", {})
        return SearchFilters(
            q=d.get("q") or "",
            nik=d.get("nik") or "",
            category=d.get("category"),
            kota=d.get("kota") or "",
            kecamatan=d.get("kecamatan") or "",
            case_status=d.get("case_status") or "",
        )


class MergeForm(forms.Form):
    survivor = forms.ChoiceField(label=_("Which record stays?"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Why are these the same child?"),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args: Any, children: tuple[Child, Child], twins: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.children = children
        self.fields["survivor"].choices = [  # type: ignore[attr-defined]
            (str(c.pk), f"{c.registration_number} · {c.full_name}") for c in children
        ]
        if twins:  # the matcher reads the pair as possibly twins: the service asks for this
            self.fields["confirm_twins"] = forms.BooleanField(
                label=_("I have checked that these records are one child, not twins"),
                required=False,
            )

    def survivor_and_merged(self) -> tuple[Child, Child]:
        a, b = self.children
        return (a, b) if self.cleaned_data["survivor"] == str(a.pk) else (b, a)


class ChildImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx, at most 10 MB)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
        help_text=_(
            "One row per child, with the template's columns. Nothing is saved before you accept the preview."
        ),
    )
