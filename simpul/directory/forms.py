from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from simpul.core.exceptions import ApplicationError
from simpul.directory.imports import KINDS
from simpul.directory.models import (
    AccreditationGrade,
    Location,
    Organization,
    OrganizationType,
    Service,
    TaxonomyTerm,
)
from simpul.regions.forms import KelurahanField
from simpul.regions.models import DKI_JAKARTA, Region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_application_error(form: forms.BaseForm, exc: ApplicationError) -> None:
    """Show a service's ApplicationError on the form: per field when it names fields."""
    fields = exc.extra.get("fields") or {}
    shown = False
    for name, messages in fields.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
            shown = True
    if not shown:
        form.add_error(
            exc.extra.get("form_field") if exc.extra.get("form_field") in form.fields else None,
            exc.message,
        )


def _terms(taxonomy: str) -> list[tuple[str, str]]:
    return [
        (t.code, str(t))
        for t in TaxonomyTerm.objects.filter(taxonomy=taxonomy).order_by("sort_order", "code")
    ]


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, description or service")}
        ),
    )
    org_type = forms.ChoiceField(label=_("Organisation type"), required=False)
    category = forms.ChoiceField(label=_("Child category served"), required=False)
    service_type = forms.ChoiceField(label=_("Service type"), required=False)
    kota = forms.ChoiceField(label=_("Kota / kabupaten"), required=False)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    accreditation = forms.ChoiceField(label=_("Accreditation grade"), required=False)
    accreditation_current = forms.BooleanField(
        label=_("Current accreditation only"), required=False
    )
    has_free_capacity = forms.BooleanField(label=_("Has free places"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_: list[tuple[str, Any]] = [("", _("All"))]
        choice_fields: dict[str, Any] = self.fields
        choice_fields["org_type"].choices = any_ + list(OrganizationType.choices)
        choice_fields["category"].choices = any_ + _terms("pmks-child")
        choice_fields["service_type"].choices = any_ + _terms("service-type")
        kotas = Region.objects.filter(level=2, parent__code=DKI_JAKARTA).order_by("name")
        choice_fields["kota"].choices = any_ + [(r.code, r.name) for r in kotas]
        kota = (self.data.get("kota") or "") if self.is_bound else ""
        kecamatans = Region.objects.filter(level=3, code__startswith=DKI_JAKARTA + ".")
        if kota:
            kecamatans = kecamatans.filter(parent__code=kota)
        choice_fields["kecamatan"].choices = any_ + [
            (r.code, r.name) for r in kecamatans.order_by("name")
        ]
        choice_fields["accreditation"].choices = any_ + list(AccreditationGrade.choices)
        # With htmx, choosing a kota reloads the kecamatan options (regions:options).
        self.fields["kota"].widget.attrs.update(
            {
                "hx-get": reverse("regions:options"),
                "hx-target": "#id_kecamatan",
                "hx-swap": "innerHTML",
                "hx-trigger": "change",
                "hx-push-url": "false",
            }
        )

    def filters(self) -> dict[str, Any]:
        """Cleaned filters (invalid input is ignored field by field, never an error page)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: v for k, v in data.items() if v not in ("", None, False)}


class OrganizationForm(forms.ModelForm):
    kelurahan = KelurahanField(label=_("Kelurahan"), required=False)
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    phones = forms.CharField(
        label=_("Phone numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
        help_text=_(
            "One or more, separated by new lines or semicolons, e.g. 021 5551234; 0812-3456-7890."
        ),
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "org_type",
            "description",
            "legal_status",
            "registration_number",
            "accreditation_grade",
            "accreditation_number",
            "accreditation_valid_from",
            "accreditation_valid_until",
            "address",
            "kelurahan",
            "postal_code",
            "latitude",
            "longitude",
            "email",
            "website",
            "is_active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "accreditation_valid_from": DATE,
            "accreditation_valid_until": DATE,
        }

    def __init__(
        self,
        *args: Any,
        organization: Organization | None = None,
        admin: bool = False,
        **kwargs: Any,
    ) -> None:
        # Validate against a fresh instance: the service compares before/after itself.
        if organization is not None:
            initial = model_to_dict(organization, fields=self.Meta.fields)
            initial["kelurahan"] = organization.kelurahan.code if organization.kelurahan else ""
            initial["phones"] = "\n".join(p.national for p in organization.phones.all())
            kwargs.setdefault("initial", initial)
        kwargs["instance"] = Organization()
        super().__init__(*args, **kwargs)
        if not admin:
            for name in ("org_type", "is_active"):
                self.fields[name].disabled = True
            if organization is not None:
                self.fields["org_type"].initial = organization.org_type
                self.fields["is_active"].initial = organization.is_active
        if organization is None:
            del self.fields["is_active"]

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "phones"}
        raw = self.cleaned_data.get("phones") or ""
        data["phones"] = [p.strip() for p in raw.replace(";", "\n").splitlines() if p.strip()]
        for name, field in self.fields.items():
            if field.disabled:
                data.pop(name, None)
        return data


class ServiceForm(forms.ModelForm):
    service_type = forms.ModelChoiceField(
        label=_("Service type"),
        queryset=TaxonomyTerm.objects.filter(taxonomy="service-type").order_by("sort_order"),
    )
    categories_served = forms.ModelMultipleChoiceField(
        label=_("Child categories served"),
        required=False,
        queryset=TaxonomyTerm.objects.filter(taxonomy="pmks-child").order_by("sort_order"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Service
        fields = [
            "name",
            "description",
            "service_type",
            "categories_served",
            "min_age",
            "max_age",
            "eligibility",
            "is_free",
            "fees_description",
            "opening_hours",
            "status",
            "capacity_total",
            "capacity_occupied",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "eligibility": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, service: Service | None = None, **kwargs: Any) -> None:
        if service is not None:
            initial = model_to_dict(
                service, fields=[f for f in self.Meta.fields if f != "categories_served"]
            )
            initial["categories_served"] = list(service.categories_served.all())
            kwargs.setdefault("initial", initial)
        kwargs["instance"] = Service()
        super().__init__(*args, **kwargs)
        if service is not None:
            # Capacity changes go through the capacity form, which keeps the history.
            del self.fields["capacity_total"]
            del self.fields["capacity_occupied"]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["categories_served"] = list(data.get("categories_served") or [])
        return data


class CapacityForm(forms.Form):
    total = forms.IntegerField(label=_("Places total"), min_value=0, max_value=100000)
    occupied = forms.IntegerField(label=_("Places occupied"), min_value=0, max_value=100000)
    note = forms.CharField(label=_("Note"), required=False, max_length=255)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        total, occupied = data.get("total"), data.get("occupied")
        if total is not None and occupied is not None and occupied > total:
            self.add_error("occupied", _("Occupied places cannot be more than the total."))
        return data


class LocationForm(forms.ModelForm):
    kelurahan = KelurahanField(label=_("Kelurahan"), required=False)

    class Meta:
        model = Location
        fields = ["name", "address", "kelurahan", "postal_code", "latitude", "longitude"]

    def __init__(self, *args: Any, location: Location | None = None, **kwargs: Any) -> None:
        if location is not None:
            initial = model_to_dict(location, fields=self.Meta.fields)
            initial["kelurahan"] = location.kelurahan.code if location.kelurahan else ""
            kwargs.setdefault("initial", initial)
        kwargs["instance"] = Location()
        super().__init__(*args, **kwargs)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (XLSX or CSV)"),
        help_text=_(
            "An XLSX workbook with the sheets “organisations” and/or “services”, or one CSV file."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )
    kind = forms.ChoiceField(
        label=_("The CSV file holds"),
        required=False,
        choices=[
            ("", _("— (XLSX workbook) —")),
            (KINDS[0], _("Organisations")),
            (KINDS[1], _("Services")),
        ],
        help_text=_("Only for CSV files."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > 10 * 1024 * 1024:
                self.add_error("file", _("The file is larger than 10 MB."))
            elif upload.name.lower().endswith(".csv") and not data.get("kind"):
                self.add_error(
                    "kind", _("Choose whether the CSV file holds organisations or services.")
                )
        return data
