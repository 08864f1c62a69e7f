"""The children app's home cards: a supervisor's duplicate pairs (their scope only, numbers not
names) and an importer's own imports that wait (checked, or failed recently), with a fixed
number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from simpul.accounts.models import Role
from simpul.children.models import ChildImport, DuplicateCandidate
from simpul.children.tests.test_import import row, xlsx
from simpul.testing.factories import ChildFactory, make_user, sudin
from simpul.testing.home import assert_constant_queries, build, card_keys

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Text assertions read the msgids (English), whatever the catalogue holds."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def supervisor_pusat():
    return make_user(Role.SUPERVISOR, sudin("31.71"))


def _pair(kelurahan=None, score=20.0):
    kwargs = {"current_kelurahan": kelurahan} if kelurahan else {}
    a, b = ChildFactory(**kwargs), ChildFactory(**kwargs)
    return DuplicateCandidate.objects.create(child_a=a, child_b=b, score=score, level="likely")


def test_supervisor_sees_the_duplicate_pairs_of_their_scope_by_number(
    supervisor, supervisor_pusat, kel_pusat
):
    timur = _pair(score=25)
    pusat = _pair(kel_pusat)
    DuplicateCandidate.objects.filter(pk=_pair().pk).update(status="not_duplicate")
    data = build("children.duplicates", supervisor)
    assert data.count == 1
    item = data.items[0]
    assert item.label == (
        f"{timur.child_a.registration_number} ↔ {timur.child_b.registration_number}"
    )
    assert timur.child_a.full_name not in str(data) and item.url.endswith(f"/{timur.pk}/")
    other = build("children.duplicates", supervisor_pusat)
    assert other.count == 1 and other.items[0].url.endswith(f"/{pusat.pk}/")


def test_a_pair_read_as_possibly_twins_says_so_on_the_card(supervisor):
    twins = _pair(score=30)
    twins.reasons = [
        {"field": "twins", "outcome": "possibly_twins", "weight": -8.0, "detail": ""},
        {"field": "birth_date", "outcome": "exact", "weight": 10.0, "detail": ""},
    ]
    twins.save(update_fields=["reasons"])
    plain = _pair(score=20)
    details = {i.url: i.detail for i in build("children.duplicates", supervisor).items}
    assert details[reverse("children:duplicate_pair", args=[twins.pk])] == (
        "Possibly twins · Probably the same child"
    )
    assert details[reverse("children:duplicate_pair", args=[plain.pk])] == "Probably the same child"


def test_a_pair_with_one_child_outside_the_scope_is_not_counted(supervisor, kel_pusat):
    DuplicateCandidate.objects.create(
        child_a=ChildFactory(),
        child_b=ChildFactory(current_kelurahan=kel_pusat),
        score=20,
        level="possible",
    )
    assert build("children.duplicates", supervisor).count == 0


def test_the_importer_sees_a_checked_file_waiting_with_its_cancel_date(operator, upload):
    job = upload(operator, xlsx([row()], name="sudin-timur-desember.xlsx"))
    assert job.status == ChildImport.Status.VALIDATED
    data = build("children.imports", operator)
    assert data.count == 1
    item = data.items[0]
    assert item.label == "sudin-timur-desember.xlsx" and item.url.endswith(f"/import/{job.pk}/")
    assert data.see_all_count is False  # "Your imports" lists every import, not only these
    # Cancelled automatically seven days after the check: due within the week.
    assert item.urgency.name == "WEEK" and item.due.date() == (
        job.updated_at.date() + dt.timedelta(days=7)
    )
    # Another operator, or a supervisor, does not see it (the report holds its rows).
    other = make_user(Role.DATA_OPERATOR, sudin("31.75"))
    assert build("children.imports", other).count == 0


def test_failed_imports_are_shown_for_two_weeks_and_done_ones_not(operator):
    old = timezone.now() - dt.timedelta(days=20)
    ChildImport.objects.create(original_name="gagal.xlsx", status="failed", uploaded_by=operator)
    stale = ChildImport.objects.create(
        original_name="lama.xlsx", status="failed", uploaded_by=operator
    )
    ChildImport.objects.filter(pk=stale.pk).update(updated_at=old)
    ChildImport.objects.create(original_name="selesai.xlsx", status="done", uploaded_by=operator)
    data = build("children.imports", operator)
    assert [i.label for i in data.items] == ["gagal.xlsx"]
    assert {link.label: link.count for link in data.links} == {"Failed": 1}


def test_cards_apply_by_role(operator, supervisor, partner):
    assert "children.imports" in card_keys(operator)
    assert "children.duplicates" not in card_keys(operator)
    assert {"children.duplicates", "children.imports"} <= card_keys(supervisor)
    assert not {k for k in card_keys(partner) if k.startswith("children.")}


def test_duplicates_card_runs_the_same_queries_for_one_pair_and_for_many(supervisor):
    _pair()
    assert_constant_queries(
        "children.duplicates", supervisor, lambda n: [_pair() for _ in range(n)]
    )


def test_imports_card_runs_the_same_queries_for_one_import_and_for_many(operator):
    def add(n):
        for i in range(n):
            ChildImport.objects.create(
                original_name=f"f{i}.xlsx",
                status="validated" if i % 2 else "failed",
                uploaded_by=operator,
            )

    add(1)
    assert_constant_queries("children.imports", operator, add)
