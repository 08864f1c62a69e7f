"""The composer's ranking: the order is explained by the reasons shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from simpul.directory.models import OrganizationType
from simpul.referrals import ranking
from simpul.testing.factories import (
    CaseFactory,
    OrganizationFactory,
    ServiceFactory,
    kelurahan,
    term,
)

TODAY = dt.date(2026, 12, 3)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def case(db):
    return CaseFactory()


def lksa(name, *, free=5, category="AJ", kel="31.75.01.1001", **kwargs):
    org = OrganizationFactory(name=name, org_type=OrganizationType.LKSA, kelurahan=kelurahan(kel))
    service = ServiceFactory(
        organization=org,
        capacity_total=10 if free is not None else None,
        capacity_occupied=(10 - free) if free is not None else None,
        **kwargs,
    )
    if category:
        service.categories_served.add(term("pmks-child", category))
    return org


@pytest.fixture
def agreements(monkeypatch):
    """Organisations with an agreement in force (the agreements app's answer)."""
    ids: set = set()
    monkeypatch.setattr(ranking, "_agreement_ids", lambda *, on: ids)
    return ids


def reasons(candidate):
    return {r.code: r for r in candidate.reasons}


def test_agreement_and_capacity_rank_first_and_a_full_org_last(case, agreements):
    with_agreement = lksa("LKSA Bina")
    without = lksa("LKSA Asih")
    full = lksa("LKSA Cahaya", free=0)
    agreements.update({with_agreement.pk, full.pk})

    ranked = ranking.rank_receivers(
        case=case, service_type="residential-care", category="AJ", urgency="normal", on=TODAY
    )

    assert [c.organization for c in ranked] == [with_agreement, without, full]
    first, second, last = (reasons(c) for c in ranked)
    # The difference between first and second is exactly the agreement.
    assert first["agreement"].text == "Agreement in force" and first["agreement"].points > 0
    assert second["agreement"].text == "No agreement in force"
    assert second["agreement"].points == 0
    assert ranked[0].score - ranked[1].score == first["agreement"].points
    # The full one falls below despite its agreement, and says why.
    assert last["capacity"].text == "Full: no free place" and last["capacity"].points < 0
    assert first["capacity"].text == "5 free places"
    # Every score is the sum of the points of the reasons shown.
    for c in ranked:
        assert c.score == sum(r.points for r in c.reasons)


def test_category_and_place_are_reasons(case, agreements):
    near = lksa("LKSA Dekat")
    other_category = lksa("LKSA Disabilitas", category="ADK")
    far = lksa("LKSA Jauh", kel="31.71.01.1001")

    ranked = ranking.rank_receivers(
        case=case, service_type="residential-care", category="AJ", urgency="normal", on=TODAY
    )

    assert ranked[0].organization == near
    assert reasons(ranked[0])["place"].text == "Same kecamatan as the child"
    by_org = {c.organization: reasons(c) for c in ranked}
    assert by_org[other_category]["category"].points == 0
    assert "not for" in by_org[other_category]["category"].text
    assert by_org[far]["place"].text == "In another kota"
    assert by_org[far]["category"].text.startswith("Serves")
    # With no history every organisation says so, and no agreement data is no reason either way.
    assert all(reasons(c)["record"].text == "No referrals yet" for c in ranked)


def test_parent_service_type_matches_sub_types_and_lead_is_left_out(case, agreements):
    atensi = lksa("LKSA Atensi", service_type=term("service-type", "atensi-2"))
    lksa("LKSA Lain")  # residential care only
    ranked = ranking.rank_receivers(case=case, service_type="atensi", on=TODAY)
    assert [c.organization for c in ranked] == [atensi]
    assert ranking.rank_receivers(case=case, service_type="", on=TODAY) == []
    lead = case.lead_organization
    ServiceFactory(organization=lead)
    ranked = ranking.rank_receivers(case=case, service_type="residential-care", on=TODAY)
    assert lead not in [c.organization for c in ranked]


def test_response_record_counts(case, agreements, monkeypatch):
    quick = lksa("LKSA Sigap")
    slow = lksa("LKSA Lambat")
    monkeypatch.setattr(
        ranking,
        "_response_records",
        lambda *, organization_ids, on: {
            quick.pk: ranking.ResponseSummary(10, 0.9, 6),
            slow.pk: ranking.ResponseSummary(8, 0.25, 120),
        },
    )
    ranked = ranking.rank_receivers(case=case, service_type="residential-care", on=TODAY)
    assert [c.organization for c in ranked] == [quick, slow]
    text = reasons(ranked[0])["record"].text
    assert "90% answered within the deadline" in text and "median time to accept 6 hours" in text
    assert ranked[0].score - ranked[1].score == (
        reasons(ranked[0])["record"].points - reasons(ranked[1])["record"].points
    )


def test_distance_when_both_have_coordinates(case, agreements):
    near = lksa("LKSA Jauh Tapi Dekat", kel="31.71.01.1001")
    near.latitude, near.longitude = -6.2001, 106.8001
    near.save()
    far = lksa("LKSA Sebelah", kel="31.71.01.1001")
    far.latitude, far.longitude = -6.30, 106.95
    far.save()
    ranked = ranking.rank_receivers(
        case=case, service_type="residential-care", on=TODAY, origin=(-6.2, 106.8)
    )
    assert ranked[0].organization == near
    assert reasons(ranked[0])["place"].text.endswith("km from the child")


def test_sharing_allowed_is_shown_not_scored(case, agreements):
    from simpul.children.models import Consent

    named = lksa("LKSA Bersetuju")
    lksa("LKSA Belum")
    consent = Consent.objects.create(
        child=case.child,
        purpose=Consent.Purpose.SHARING,
        given_by_name="Ibu",
        given_by_relationship="mother",
        method=Consent.Method.WRITTEN,
    )
    consent.organizations.add(named)
    ranked = ranking.rank_receivers(case=case, service_type="residential-care", on=TODAY)
    assert {c.organization.name: c.sharing_allowed for c in ranked} == {
        "LKSA Bersetuju": True,
        "LKSA Belum": False,
    }
    assert ranked[0].score == ranked[1].score


def test_queries_do_not_grow_with_organisations(case, agreements):
    lksa("LKSA 1")
    with CaptureQueriesContext(connection) as few:
        ranking.rank_receivers(case=case, service_type="residential-care", on=TODAY)
    for i in range(8):
        lksa(f"LKSA more {i}", free=i % 3)
    with CaptureQueriesContext(connection) as many:
        ranked = ranking.rank_receivers(case=case, service_type="residential-care", on=TODAY)
    assert len(ranked) == 9
    assert len(many.captured_queries) == len(few.captured_queries)


def test_real_agreement_and_protocol_are_reasons(case):
    """With the agreements app's data (not a stand-in): an LKSA party to an active agreement and
    named by type in the protocol for AJ ranks above a yayasan with neither."""
    from simpul.agreements.models import AgreementStatus
    from simpul.agreements.tests.conftest import make_agreement, make_version
    from simpul.children.models import Category
    from simpul.testing.factories import sudin

    party = lksa("LKSA Berjanji")
    other = OrganizationFactory(name="Yayasan Tanpa PKS", org_type=OrganizationType.YAYASAN)
    ServiceFactory(organization=other).categories_served.add(term("pmks-child", "AJ"))
    make_agreement(government_side=sudin("31.75"), parties=[party], status=AgreementStatus.ACTIVE)
    aj = Category.objects.get(scheme="pmks", code="AJ")
    make_version(category=aj)

    ranked = ranking.rank_receivers(
        case=case, service_type="residential-care", category=aj, on=TODAY
    )

    assert [c.organization for c in ranked] == [party, other]
    first, second = (reasons(c) for c in ranked)
    assert first["agreement"].text == "Agreement in force"
    assert second["agreement"].text == "No agreement in force"
    assert first["protocol"].points > 0 and second["protocol"].points == 0
    assert first["category"].text == f"Serves {aj.localized_name} with " + str(
        term("service-type", "residential-care")
    )
