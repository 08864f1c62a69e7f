"""The partner picker: choose one organisation (a plan action's responsible organisation) or
several (a consent's "shared with") by searching, instead of scrolling 150 names.

Server-rendered with htmx: the filters (name, type, kecamatan, category served, free places
only) fetch a page of matching active organisations from ``directory:picker`` as radios or
checkboxes, each with its type, kecamatan, the categories it serves, its free places and the
statuses other apps add (``partner_status``: the agreement, once the agreements app exists). The
chosen organisations are sent along with every search and stay at the top, checked.

Without JavaScript the picker stays hidden (its fieldset disabled, so nothing of it is posted)
and a plain ``<select>`` with every active organisation does the job; ``simpul.js`` swaps the
two when it runs. A form that uses the picker gives it the acting user
(``picker_user_set(form, user)``): the searches are the directory's, scoped to that user.
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page, Paginator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from simpul.directory import selectors
from simpul.directory.models import Organization, OrganizationType, TaxonomyTerm
from simpul.regions.models import DKI_JAKARTA, Region

if TYPE_CHECKING:
    from simpul.accounts.models import User

NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


class PickerFilterForm(forms.Form):
    """The picker's search filters (prefixed with the field name, so two pickers do not meet)."""

    q = forms.CharField(
        label=_("Search organisations"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name, description or service"),
                "autocomplete": "off",
            }
        ),
    )
    org_type = forms.ChoiceField(label=_("Organisation type"), required=False)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    category = forms.ChoiceField(label=_("Child category served"), required=False)
    free_only = forms.BooleanField(label=_("Only with free places"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_: list[tuple[str, Any]] = [("", _("All"))]
        fields: dict[str, Any] = self.fields
        fields["org_type"].choices = any_ + list(OrganizationType.choices)
        kecamatans = (
            Region.objects.filter(level=3, code__startswith=DKI_JAKARTA + ".")
            .select_related("parent")
            .order_by("parent__name", "name")
        )
        groups: dict[str, list[tuple[str, str]]] = {}
        for r in kecamatans:
            groups.setdefault(r.parent.name if r.parent else "", []).append((r.code, r.name))
        fields["kecamatan"].choices = any_ + list(groups.items())
        terms = TaxonomyTerm.objects.filter(taxonomy=TaxonomyTerm.Taxonomy.PMKS_CHILD).order_by(
            "sort_order", "code"
        )
        fields["category"].choices = any_ + [(t.code, t.localized_name) for t in terms]

    def filters(self) -> dict[str, Any]:
        """Valid filters only (a bad value is ignored, never an error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: v for k, v in data.items() if v not in ("", None, False)}


def _uuids(values: list[Any]) -> list[uuid.UUID]:
    out = []
    for value in values:
        try:
            out.append(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
        except (TypeError, ValueError, AttributeError):
            continue
    return out


def picker_context(
    *,
    user: User,
    name: str,
    widget_id: str,
    multiple: bool,
    chosen: list[Any],
    data: Any = None,
    page_number: Any = 1,
) -> dict[str, Any]:
    """Everything the picker's results show: the chosen organisations (checked, first), one page
    of the others matching the filters, and the URLs of the neighbouring pages."""
    filters_form = PickerFilterForm(data, prefix=f"{name}-picker")
    filters = filters_form.filters()
    chosen_ids = _uuids(chosen)
    if not multiple:
        chosen_ids = chosen_ids[:1]
    chosen_orgs = list(
        selectors.organization_picker_search(user=user).filter(pk__in=chosen_ids)
        if chosen_ids
        else []
    )
    matches = selectors.organization_picker_search(user=user, **filters).exclude(
        pk__in=[o.pk for o in chosen_orgs]
    )
    page: Page = Paginator(matches, selectors.PICKER_PAGE_SIZE).get_page(page_number)
    base = (
        reverse("directory:picker")
        + "?"
        + urlencode({"field": name, "id": widget_id, "multiple": "1" if multiple else "0"})
    )
    return {
        "name": name,
        "id": widget_id,
        "multiple": multiple,
        "filters": filters_form,
        "url": base,
        "chosen": selectors.organization_picker_rows(user=user, organizations=chosen_orgs),
        "rows": selectors.organization_picker_rows(user=user, organizations=list(page.object_list)),
        "page": page,
        "prev_url": f"{base}&page={page.previous_page_number()}" if page.has_previous() else "",
        "next_url": f"{base}&page={page.next_page_number()}" if page.has_next() else "",
    }


class OrganizationPickerWidget(forms.Widget):
    template_name = "directory/widgets/organization_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, multiple: bool = False) -> None:
        super().__init__(attrs)
        self.multiple = multiple
        self.user: User | None = None  # set by picker_user_set; without it: the plain select
        self.label: Any = ""
        self.choices: Any = []

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if self.multiple and hasattr(data, "getlist"):
            return data.getlist(name)
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False if self.multiple else name not in data

    def format_value(self, value: Any) -> list[str]:  # type: ignore[override]  # a list of ids
        if value is None or value == "":
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(getattr(v, "pk", v)) for v in values if v not in (None, "")]

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_q" if id_ else id_

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget_id = widget["attrs"].get("id") or f"id_{name}"
        chosen = widget["value"]  # format_value's list of ids
        widget.update(
            {
                "id": widget_id,
                "multiple": self.multiple,
                "label": self.label,
                "options": [(str(v), label) for v, label in self.choices if str(v) != ""],
                "picker": (
                    picker_context(
                        user=self.user,
                        name=name,
                        widget_id=widget_id,
                        multiple=self.multiple,
                        chosen=chosen,
                    )
                    if self.user is not None
                    else None
                ),
            }
        )
        return context


def _label(org: Organization) -> str:
    return f"{org.name} ({org.get_org_type_display()})"


class OrganizationPickerField(forms.ModelChoiceField):
    """One active organisation, chosen with the picker."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Organization.objects.active().order_by("name"))
        kwargs.setdefault("widget", OrganizationPickerWidget())
        super().__init__(*args, **kwargs)
        self.widget.label = self.label  # type: ignore[attr-defined]

    def label_from_instance(self, obj: Organization) -> str:  # type: ignore[override]
        return _label(obj)


class OrganizationMultiplePickerField(forms.ModelMultipleChoiceField):
    """Several active organisations, chosen with the picker (checkboxes, no Ctrl-click)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Organization.objects.active().order_by("name"))
        kwargs.setdefault("widget", OrganizationPickerWidget(multiple=True))
        super().__init__(*args, **kwargs)
        self.widget.label = self.label  # type: ignore[attr-defined]

    def label_from_instance(self, obj: Organization) -> str:  # type: ignore[override]
        return _label(obj)


def picker_user_set(form: forms.BaseForm, user: User | None) -> None:
    """Give every picker of ``form`` the acting user (its searches are scoped to them)."""
    for field in form.fields.values():
        if isinstance(field.widget, OrganizationPickerWidget):
            field.widget.user = user


def is_valid_picker_name(value: str) -> bool:
    return bool(NAME_RE.match(value or ""))
