"""The partner picker: search active organisations by name, type, kecamatan and category served,
with free places and the statuses other apps add (the agreement hook); the htmx endpoint; the
widget in the plan-action and consent forms, with the plain select kept for browsers without JS."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from simpul.accounts.models import Role
from simpul.directory import partner_status, selectors
from simpul.directory.models import OrganizationType, ServiceStatus, TaxonomyTerm
from simpul.directory.widgets import OrganizationPickerField, picker_user_set
from simpul.testing.factories import (
    OrganizationFactory,
    ServiceFactory,
    UserFactory,
    kelurahan,
    make_user,
)

pytestmark = pytest.mark.django_db


def _category(index: int = 0) -> TaxonomyTerm:
    return TaxonomyTerm.objects.filter(taxonomy=TaxonomyTerm.Taxonomy.PMKS_CHILD).order_by(
        "sort_order", "code"
    )[index]


@pytest.fixture(autouse=True)
def _english():
    """These tests read the picker's words in English (the msgids); pages ask for English."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def network():
    """Three partners in two kecamatan: a LKSA with places for street children, a full LBH, a
    yayasan without capacity-bound services; and an inactive LKSA that must never be offered."""
    kel_a = kelurahan()
    kel_b = type(kel_a).objects.filter(level=4).exclude(parent=kel_a.parent).order_by("code")[0]
    street = _category(0)
    lksa = OrganizationFactory(name="LKSA Kasih Bunda", kelurahan=kel_a)
    s = ServiceFactory(organization=lksa, capacity_total=20, capacity_occupied=12)
    s.categories_served.add(street)
    ServiceFactory(organization=lksa, capacity_total=5, capacity_occupied=5)  # full: adds 0
    ServiceFactory(organization=lksa, status=ServiceStatus.INACTIVE, capacity_occupied=0)
    lbh = OrganizationFactory(
        name="LBH APIK Jakarta", org_type=OrganizationType.LBH, kelurahan=kel_b
    )
    ServiceFactory(organization=lbh, capacity_total=3, capacity_occupied=3)
    yayasan = OrganizationFactory(
        name="Yayasan Sayap Ibu", org_type=OrganizationType.YAYASAN, kelurahan=kel_b
    )
    ServiceFactory(organization=yayasan, capacity_total=None, capacity_occupied=None)
    closed = OrganizationFactory(name="LKSA Tutup", is_active=False, kelurahan=kel_a)
    return {
        "lksa": lksa,
        "lbh": lbh,
        "yayasan": yayasan,
        "closed": closed,
        "street": street,
        "kec_a": kel_a.parent.code,
        "kec_b": kel_b.parent.code,
    }


@pytest.fixture
def worker(db):
    from simpul.testing.factories import sudin

    return make_user(Role.CASE_WORKER, sudin("31.75"))


def _names(qs):
    return [o.name for o in qs]


def test_search_by_name_type_kecamatan_category_and_free_places(network, worker):
    search = selectors.organization_picker_search
    assert _names(search(user=worker, q="kasih")) == ["LKSA Kasih Bunda"]
    assert _names(search(user=worker, org_type="lbh")) == ["LBH APIK Jakarta"]
    in_b = _names(search(user=worker, kecamatan=network["kec_b"]))
    assert in_b == ["LBH APIK Jakarta", "Yayasan Sayap Ibu"]
    assert _names(search(user=worker, category=network["street"].code)) == ["LKSA Kasih Bunda"]
    free = _names(search(user=worker, free_only=True))
    assert "LKSA Kasih Bunda" in free and "LBH APIK Jakarta" not in free
    everything = _names(search(user=worker))
    assert "LKSA Tutup" not in everything  # active organisations only
    assert _names(search(user=UserFactory())) == []  # no role: no directory


def test_rows_show_type_kecamatan_categories_and_free_capacity(
    network, worker, django_assert_max_num_queries
):
    orgs = selectors.organization_picker_search(user=worker).filter(
        pk__in=[network["lksa"].pk, network["lbh"].pk, network["yayasan"].pk]
    )
    with django_assert_max_num_queries(6):  # the orgs, services, categories: no query per row
        rows = {
            r.organization.name: r
            for r in selectors.organization_picker_rows(user=worker, organizations=orgs)
        }
    lksa = rows["LKSA Kasih Bunda"]
    assert lksa.free_capacity == 8  # 20-12 + 5-5; the inactive service does not count
    assert lksa.categories == [network["street"].localized_name]
    assert lksa.kecamatan == network["lksa"].kelurahan.parent.name
    assert rows["LBH APIK Jakarta"].free_capacity == 0
    assert rows["Yayasan Sayap Ibu"].free_capacity is None
    # the agreements app's provider (simpul.agreements.partner_status): no agreement here
    assert [(label, status.label) for label, status in lksa.statuses] == [
        ("Agreement", "No agreement")
    ]


def test_an_app_adds_the_agreement_status_through_the_hook(network, worker):
    calls = []

    def agreements(user, organizations):
        calls.append(len(organizations))  # one call for the whole page
        return {network["lksa"].pk: partner_status.PartnerStatus("PKS 2026–2028", "ok")}

    def broken(user, organizations):
        raise RuntimeError("down")

    partner_status.partner_status_register("agreement", agreements)
    partner_status.partner_status_register("monitoring", broken, label="Monitoring")
    try:
        rows = selectors.organization_picker_rows(
            user=worker, organizations=selectors.organization_picker_search(user=worker)
        )
    finally:
        partner_status.partner_status_unregister("agreement")
        partner_status.partner_status_unregister("monitoring")
        partner_status.COLUMNS.pop("monitoring")
    by_name = {r.organization.name: dict(r.statuses) for r in rows}
    assert by_name["LKSA Kasih Bunda"]["Agreement"].label == "PKS 2026–2028"
    assert by_name["LBH APIK Jakarta"]["Agreement"] is None
    assert by_name["LKSA Kasih Bunda"]["Monitoring"] is None  # a failing provider shows nothing
    assert calls == [len(rows)]


def _get(client, **params):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(reverse("directory:picker"), params)


def test_the_endpoint_returns_matching_radios_with_the_chosen_one_first(client, network, worker):
    client.force_login(worker)
    response = _get(
        client,
        field="responsible_organization",
        id="id_responsible_organization",
        multiple="0",
        **{"responsible_organization-picker-q": "yayasan"},
        responsible_organization=str(network["lksa"].pk),
    )
    assert response.status_code == 200
    body = response.content.decode()
    radios = re.findall(r'type="radio" name="responsible_organization" value="([^"]+)"', body)
    assert radios == [str(network["lksa"].pk), str(network["yayasan"].pk)]
    assert (
        f'value="{network["lksa"].pk}" id="id_responsible_organization_{network["lksa"].pk}" checked'
        in body
    )
    assert "8 free places" in body and "no capacity recorded" in body
    assert "Agreement: —" in body


def test_the_endpoint_pages_and_never_offers_an_inactive_organisation(client, network, worker):
    for i in range(10):
        OrganizationFactory(name=f"Panti Asuhan {i:02d}", org_type=OrganizationType.PANTI)
    client.force_login(worker)
    params = {"field": "organizations", "id": "id_organizations", "multiple": "1"}
    first = _get(client, **params, **{"organizations-picker-org_type": "panti"}).content.decode()
    assert first.count('type="checkbox"') == selectors.PICKER_PAGE_SIZE
    assert "10 organisations match" in first
    assert "page=2" in first
    second = _get(
        client, **params, page="2", **{"organizations-picker-org_type": "panti"}
    ).content.decode()
    assert second.count('type="checkbox"') == 10 - selectors.PICKER_PAGE_SIZE
    everything = _get(client, **params, organizations=str(network["closed"].pk)).content.decode()
    assert str(network["closed"].pk) not in everything


def test_the_endpoint_refuses_a_bad_field_name_and_users_without_the_directory(client, worker):
    client.force_login(worker)
    assert _get(client, field="x<script>", id="id_x").status_code == 400
    client.force_login(UserFactory())
    assert _get(client, field="organizations", id="id_organizations").status_code == 403


def test_the_widget_renders_the_picker_and_the_plain_select(network, worker):
    from django import forms

    class F(forms.Form):
        partner = OrganizationPickerField(label="Partner")

    form = F(initial={"partner": network["lksa"].pk})
    picker_user_set(form, worker)
    html = str(form["partner"])
    assert "data-picker-fallback" in html and 'name="partner"' in html
    assert f'<option value="{network["lksa"].pk}" selected>' in html
    assert "LKSA Tutup" not in html
    assert 'fieldset class="picker-box" id="id_partner" disabled hidden' in html
    assert reverse("directory:picker") + "?field=partner" in html
    assert f'value="{network["lksa"].pk}" id="id_partner_{network["lksa"].pk}" checked' in html
    # Without the acting user the form still works: only the plain select is rendered.
    bare = F()
    assert "picker-box" not in str(bare["partner"])
    # The posted value is the chosen organisation; an inactive one is refused.
    assert F({"partner": str(network["lbh"].pk)}).is_valid()
    assert not F({"partner": str(network["closed"].pk)}).is_valid()
