"""The twin guard in the app: a pair the matcher reads as possibly twins says so wherever its
reasons are shown, and merging it needs the supervisor's explicit confirmation — in the service
(the one door) and on the merge page. A refused merge changes nothing, and the refusal itself
is audited (the event outlives the merge's rolled-back transaction)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from simpul.children import selectors, services
from simpul.children.models import Child, ChildAlias, ChildMerge, DuplicateCandidate
from simpul.core import events
from simpul.core.exceptions import ApplicationError
from simpul.core.models import AuditEvent
from simpul.testing.auth import login_verified

pytestmark = pytest.mark.django_db

TWINS_TEXT = ("possibly twins", "kembar")  # English, or Bahasa Indonesia once translated
BADGE = ("Possibly twins", "Mungkin kembar")
TWIN_REASONS = [
    {"field": "name", "outcome": "conflict", "weight": -14.5, "detail": "hasan ≠ husein"},
    {"field": "birth_date", "outcome": "exact", "weight": 10.0, "detail": ""},
    {"field": "twins", "outcome": "possibly_twins", "weight": -5.49, "detail": "hasan ≠ husein"},
]


def says_twins(text: str) -> bool:
    return any(t in text for t in (*TWINS_TEXT, *BADGE))


@pytest.fixture
def twins(supervisor, register):
    same = {"mother_name": "Siti Rahayu", "birth_date": dt.date(2016, 2, 10), "sex": "M"}
    a = register(supervisor, full_name="Hasan Saputra", nik="3175011002160031", **same)
    b = register(supervisor, full_name="Husein Saputra", nik="3175011002160032", **same)
    return a, b


@pytest.fixture
def one_child(supervisor, register):
    a = register(supervisor, full_name="Muhammad Rizky Pratama", mother_name="Siti Aminah")
    b = register(supervisor, full_name="M. Rizki Pratama", mother_name="Siti Aminah")
    return a, b


def unchanged(a: Child, b: Child, aliases_before: int) -> None:
    """Nothing of a refused merge was written."""
    for c in (a, b):
        c.refresh_from_db()
        assert c.merged_into_id is None
    assert not ChildMerge.objects.exists()
    assert not AuditEvent.objects.filter(action="children.child.merged").exists()
    assert ChildAlias.objects.count() == aliases_before


def test_the_matcher_reads_twins_as_possibly_twins_and_says_so(twins, one_child):
    a, b = twins
    assert selectors.pair_possibly_twins(a, b) and selectors.pair_possibly_twins(b, a)
    assert not selectors.pair_possibly_twins(*one_child)
    text = selectors.reason_sentence("twins", "possibly_twins")
    assert says_twins(text) and "possibly_twins" not in text  # a sentence, not the code
    shown = selectors.reason_sentences(TWIN_REASONS)
    assert [r["twins"] for r in shown] == [False, False, True]
    assert says_twins(shown[2]["text"]) and not shown[2]["agrees"]


def test_merging_twins_without_the_confirmation_is_refused_and_changes_nothing(supervisor, twins):
    a, b = twins
    aliases = ChildAlias.objects.count()
    with pytest.raises(ApplicationError) as refused:
        services.child_merge(actor=supervisor, survivor=a, merged=b, reason="sama anak")
    assert refused.value.extra["code"] == "possibly_twins"
    assert "confirm_twins" in refused.value.extra["fields"]
    assert "twins" in str(refused.value.message) or "kembar" in str(refused.value.message)
    unchanged(a, b, aliases)


def refusals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="children.child.merge_refused"))


def test_a_refused_twin_merge_is_audited(supervisor, twins):
    a, b = twins
    with pytest.raises(ApplicationError):
        services.child_merge(actor=supervisor, survivor=a, merged=b, reason="sama anak")
    [event] = refusals()
    assert event.actor_id == supervisor.pk
    assert event.target_id == str(a.pk)
    assert event.data["merged"] == str(b.pk)
    assert event.data["merged_registration_number"] == b.registration_number
    assert event.data["possibly_twins"] is True and event.data["twins_confirmed"] is False
    # The sentence names the other record by its number, never by a name.
    [sentence] = events.describe_audit_events([event])
    assert b.registration_number in sentence and ("twins" in sentence or "kembar" in sentence)
    assert "Husein" not in sentence and "Hasan" not in sentence


def test_other_refusals_of_a_merge_are_not_twin_refusals(supervisor, twins, one_child):
    a, b = twins
    with pytest.raises(ApplicationError):
        services.child_merge(actor=supervisor, survivor=a, merged=b, reason=" ")
    with pytest.raises(ApplicationError):
        services.child_merge(actor=supervisor, survivor=a, merged=a, reason="sama")
    services.child_merge(
        actor=supervisor, survivor=one_child[0], merged=one_child[1], reason="same child"
    )
    assert refusals() == []


def test_merging_twins_with_the_confirmation_merges_and_is_audited(supervisor, twins):
    a, b = twins
    merge = services.child_merge(
        actor=supervisor, survivor=a, merged=b, reason="KK checked: one child", confirm_twins=True
    )
    b.refresh_from_db()
    assert b.merged_into_id == a.pk and merge.survivor_id == a.pk
    event = AuditEvent.objects.get(action="children.child.merged")
    assert event.data["possibly_twins"] is True and event.data["twins_confirmed"] is True


def test_a_pair_that_is_not_twins_needs_no_confirmation(supervisor, one_child):
    a, b = one_child
    services.child_merge(actor=supervisor, survivor=a, merged=b, reason="same child")
    event = AuditEvent.objects.get(action="children.child.merged")
    assert event.data["possibly_twins"] is False and event.data["twins_confirmed"] is False


def test_a_pair_the_scan_stored_as_possibly_twins_needs_the_confirmation(supervisor, one_child):
    a, b = one_child
    DuplicateCandidate.objects.create(
        child_a=a, child_b=b, score=12.0, level="possible", reasons=TWIN_REASONS
    )
    assert selectors.pair_possibly_twins(a, b)
    aliases = ChildAlias.objects.count()
    with pytest.raises(ApplicationError):
        services.child_merge(actor=supervisor, survivor=a, merged=b, reason="same child")
    unchanged(a, b, aliases)
    assert DuplicateCandidate.objects.get().status == DuplicateCandidate.Status.OPEN
    assert [e.data["merged"] for e in refusals()] == [str(b.pk)]


def test_the_merge_page_warns_and_asks_for_the_confirmation(client, supervisor, twins):
    a, b = twins
    login_verified(client, supervisor)
    url = reverse("children:merge")
    page = client.get(url, {"a": a.pk, "b": b.pk}).content.decode()
    assert any(t in page for t in BADGE)
    assert 'name="confirm_twins"' in page

    aliases = ChildAlias.objects.count()
    refused = client.post(url, {"a": a.pk, "b": b.pk, "survivor": a.pk, "reason": "Sama"})
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "twins" in body or "kembar" in body
    assert 'name="confirm_twins"' in body
    unchanged(a, b, aliases)
    [refusal] = refusals()  # audited from the page too
    assert refusal.actor_id == supervisor.pk and refusal.data["reason"] == "Sama"

    done = client.post(
        url, {"a": a.pk, "b": b.pk, "survivor": a.pk, "reason": "Sama", "confirm_twins": "on"}
    )
    assert done.status_code == 302
    b.refresh_from_db()
    assert b.merged_into_id == a.pk
    assert AuditEvent.objects.get(action="children.child.merged").data["twins_confirmed"]


def test_the_merge_page_of_an_ordinary_pair_has_no_twin_confirmation(client, supervisor, one_child):
    a, b = one_child
    login_verified(client, supervisor)
    page = client.get(reverse("children:merge"), {"a": a.pk, "b": b.pk}).content.decode()
    assert 'name="confirm_twins"' not in page and not any(t in page for t in BADGE)


def test_the_review_pages_show_possibly_twins(client, supervisor, twins):
    a, b = twins
    pair = DuplicateCandidate.objects.create(
        child_a=a, child_b=b, score=9.5, level="possible", reasons=TWIN_REASONS
    )
    login_verified(client, supervisor)
    listing = client.get(reverse("children:duplicates")).content.decode()
    assert any(t in listing for t in BADGE)
    detail = client.get(reverse("children:duplicate_pair", args=[pair.pk])).content.decode()
    assert any(t in detail for t in BADGE) and says_twins(detail)
