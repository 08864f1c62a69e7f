"""The consent form's "shared with" is the partner picker: several organisations ticked (no
Ctrl-click), searchable; and it opens with the organisation of a refused action already chosen."""

from __future__ import annotations

import pytest
from django.urls import reverse

from simpul.accounts.models import Role
from simpul.children.models import Consent
from simpul.testing.factories import ChildFactory, OrganizationFactory, make_user, sudin

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor():
    return make_user(Role.SUPERVISOR, sudin("31.75"))


def _login(client, user):
    from simpul.testing.auth import login

    login(client, user)


def test_consent_is_shared_with_the_organisations_ticked_in_the_picker(client, supervisor):
    child = ChildFactory()
    a = OrganizationFactory(name="LKSA Kasih Bunda")
    b = OrganizationFactory(name="LBH APIK Jakarta", org_type="lbh")
    _login(client, supervisor)
    url = reverse("children:consent_add", args=[child.pk])
    page = client.get(url).content.decode()
    assert 'class="picker-box" id="id_organizations"' in page
    assert 'type="checkbox" name="organizations"' in page
    assert 'multiple size="8"' in page  # the plain select without JavaScript
    response = client.post(
        url,
        {
            "purpose": Consent.Purpose.SHARING,
            "organizations": [str(a.pk), str(b.pk)],
            "given_by_name": "Ibu Sari",
            "given_by_relationship": "mother",
            "child_agrees": "unknown",
            "method": Consent.Method.WRITTEN,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    consent = Consent.objects.get(child=child)
    assert set(consent.organizations.all()) == {a, b}


def test_the_consent_form_opens_with_the_refused_organisation_chosen(client, supervisor):
    child = ChildFactory()
    org = OrganizationFactory(name="Yayasan Sayap Ibu", org_type="yayasan")
    _login(client, supervisor)
    page = client.get(
        reverse("children:consent_add", args=[child.pk]) + f"?organization={org.pk}"
    ).content.decode()
    assert f'value="{org.pk}" id="id_organizations_{org.pk}" checked' in page
    assert f'<option value="{org.pk}" selected>' in page
    # A malformed id is ignored, not an error.
    assert (
        client.get(
            reverse("children:consent_add", args=[child.pk]) + "?organization=nope"
        ).status_code
        == 200
    )
