from __future__ import annotations

import datetime as dt
import re

import pytest

from simpul.children import selectors, services
from simpul.children.identity import record_from_values
from simpul.children.models import Child, NameToken
from simpul.children.tests.conftest import child_data
from simpul.core.exceptions import ApplicationError
from simpul.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_registration_stores_keys_number_and_region(worker, register):
    child = register(worker, aliases=["Dedi"], origin_region_code="33.74")
    assert re.fullmatch(rf"ANK-{dt.date.today().year}-\d{{6}}", child.registration_number)
    assert child.current_kota_code == "31.75"
    assert child.origin_region_code == "33.74" and "Semarang" in child.origin_region_name
    assert child.bk_name_a.endswith("|2012") and child.search_name.startswith("dedi kurniawan")
    assert child.registering_organization == worker.primary_membership().organization
    assert list(child.aliases.values_list("name", flat=True)) == ["Dedi"]
    second = register(worker, full_name="Rina Marlina", sex="F", mother_name="Yati")
    assert int(second.registration_number[-6:]) == int(child.registration_number[-6:]) + 1


def test_nik_mismatch_is_a_warning_not_a_block_and_masked_in_audit(worker, register):
    # NIK encodes a girl born 05-01-10; the record says a boy born 14-03-2012.
    child = register(worker, nik="3175014501100001")
    codes = {w["code"] for w in child.identity_warnings}
    assert codes == {"nik_birth_date_mismatch", "nik_sex_mismatch"}
    assert child.birth_date == dt.date(2012, 3, 14)  # never corrected from the NIK
    event = AuditEvent.objects.get(action="children.child.registered", target_id=str(child.pk))
    assert "3175014501100001" not in str(event.data) + str(event.changes)
    assert event.data["nik"] == "•••"


def test_nik_matching_the_record_gives_no_warning(worker, register):
    child = register(worker, nik="3175011403120002")
    assert child.identity_warnings == []


def test_invalid_identity_numbers_are_refused(worker, register):
    with pytest.raises(ApplicationError) as exc:
        register(worker, nik="12345")
    assert "nik" in exc.value.extra["fields"]
    with pytest.raises(ApplicationError) as exc:
        register(worker, no_kk="317501")
    assert "no_kk" in exc.value.extra["fields"]


def test_estimated_age_needs_a_reason_and_no_date_is_invented(worker, register):
    with pytest.raises(ApplicationError) as exc:
        register(worker, birth_date=None, estimated_age=9)
    assert "age_estimate_reason" in exc.value.extra["fields"]
    child = register(
        worker,
        birth_date=None,
        estimated_age=9,
        age_estimate_reason="self_report",
        nik="3175011403120002",
    )
    assert child.birth_date is None and child.age == 9 and child.age_is_estimated
    # The blocking key carries the estimated birth year (derived from the estimate, not the NIK).
    assert str(dt.date.today().year - 9) in child.bk_name_a


def test_unknown_origin_code_is_refused(worker, register):
    with pytest.raises(ApplicationError) as exc:
        register(worker, origin_region_code="99.99")
    assert "origin_region_code" in exc.value.extra["fields"]


def test_name_tokens_are_counted_on_register_and_rename(worker, register):
    child = register(worker, full_name="Joko Susilo")
    assert NameToken.objects.get(token="ioko").count == 1
    services.child_update_identity(actor=worker, child=child, data={"full_name": "Joko Santoso"})
    assert NameToken.objects.get(token="susilo").count == 0
    assert NameToken.objects.get(token="santoso").count == 1


def test_mother_name_tokens_are_counted_and_follow_edits(worker, register):
    child = register(worker, full_name="Joko Susilo", mother_name="Sumarni")
    assert NameToken.objects.get(token="m:sumarni").count == 1
    services.child_update_identity(actor=worker, child=child, data={"mother_name": "Yati Rahayu"})
    assert NameToken.objects.get(token="m:sumarni").count == 0
    assert NameToken.objects.get(token="m:iati").count == 1
    # Renaming the child leaves the mother's count alone.
    services.child_update_identity(actor=worker, child=child, data={"full_name": "Joko Santoso"})
    assert NameToken.objects.get(token="m:iati").count == 1


def test_rebuild_match_index_reproduces_incremental_counts_and_keys(worker, register):
    a = register(worker, full_name="Joko Susilo", mother_name="Sumarni", aliases=["Jojo"])
    register(worker, full_name="Rina Marlina", sex="F", mother_name="Sumarni")
    services.child_update_identity(actor=worker, child=a, data={"full_name": "Joko Santoso"})
    counts = dict(NameToken.objects.filter(count__gt=0).values_list("token", "count"))
    keys = {c.pk: (c.search_name, c.bk_name_a, c.bk_mother_yob) for c in Child.objects.all()}
    # Corrupt the index the way a raw load would leave it, then rebuild.
    Child.objects.update(bk_name_a="", bk_mother_yob="", search_name="")
    NameToken.objects.all().delete()
    NameToken.objects.create(token="stale", count=7)
    result = services.match_index_rebuild(batch_size=1)
    assert result == {"children": 2, "keys_changed": 2, "tokens": len(counts)}
    assert dict(NameToken.objects.values_list("token", "count")) == counts
    assert {
        c.pk: (c.search_name, c.bk_name_a, c.bk_mother_yob) for c in Child.objects.all()
    } == keys
    assert services.match_index_rebuild()["keys_changed"] == 0  # idempotent


def test_duplicate_check_blocks_with_the_registry_token_frequencies(worker, register, monkeypatch):
    """The check passes the registry's counts to the blocking step, which leaves out values
    expected to match very many records (see test_matching for the pruning itself)."""
    register(worker, full_name="Joko Susilo", mother_name="Sumarni")
    calls = []
    original = selectors.matching.candidate_key_values

    def spy(rec, today=None, stats=None, max_block=None):
        calls.append(stats)
        return original(rec, today=today, stats=stats, max_block=max_block)

    monkeypatch.setattr(selectors.matching, "candidate_key_values", spy)
    record = record_from_values(
        {"full_name": "Djoko Soesilo", "birth_date": dt.date(2012, 3, 14), "sex": "M"}
    )
    views = selectors.child_duplicate_candidates(user=worker, record=record)
    assert calls and isinstance(calls[0], selectors.DbTokenStats) and calls[0].total >= 1
    assert len(views) == 1


def test_duplicate_check_finds_spelling_variant_before_saving(worker, register):
    existing = register(worker, full_name="Djoko Soesilo", mother_name="Soemarni")
    before = Child.objects.count()
    with pytest.raises(services.DuplicateSuspected) as exc:
        services.child_register(
            actor=worker, data=child_data(full_name="Joko Susilo", mother_name="Sumarni")
        )
    assert Child.objects.count() == before  # nothing saved
    cands = exc.value.extra["candidates"]
    assert cands[0]["child_id"] == str(existing.pk) and cands[0]["visible"]
    texts = " ".join(r["text"] for r in cands[0]["reasons"])
    assert "Tanggal lahir sama" in texts or "Same date of birth" in texts
    # The worker says "different child": registered, and the choice is audited.
    child = services.child_register(
        actor=worker,
        data=child_data(full_name="Joko Susilo"),
        confirm_not_duplicate_of=[existing.pk],
    )
    event = AuditEvent.objects.get(action="children.child.registered", target_id=str(child.pk))
    assert event.data["confirmed_not_duplicate_of"] == [str(existing.pk)]
    assert event.data["duplicate_candidates_shown"] == [str(existing.pk)]


def test_duplicate_candidates_outside_visibility_are_masked(
    worker, worker_pusat, register, kel_pusat
):
    other = register(
        worker_pusat, full_name="Siti Aminah Lubis", sex="F", current_kelurahan=kel_pusat.code
    )
    record = record_from_values(
        {
            "full_name": "Siti Aminah Lubis",
            "sex": "F",
            "birth_date": dt.date(2012, 3, 14),
            "mother_name": "Sumarni",
        }
    )
    views = selectors.child_duplicate_candidates(user=worker, record=record)
    assert len(views) == 1
    view = views[0]
    assert not view.visible and view.child_id is None and view.url == ""
    assert "Siti" not in view.name and view.name.startswith("S•••")
    assert "Jakarta Pusat" in view.summary and str(other.created_at.year) in view.summary
    # The registrar in Jakarta Pusat sees it in full.
    mine = selectors.child_duplicate_candidates(user=worker_pusat, record=record)
    assert mine[0].visible and mine[0].name == "Siti Aminah Lubis"


def test_every_matcher_outcome_has_a_sentence():
    from simpul.matching.scoring import WEIGHTS

    assert {"nik", "birth_date", "sex", "mother_name", "kelurahan", "twins"} <= set(WEIGHTS)
    for field_name, weights in WEIGHTS.items():
        for outcome in weights:
            text = selectors.reason_sentence(field_name, outcome)
            assert ":" not in text and outcome not in text, (field_name, outcome, text)


def test_reason_sentences_are_human_readable():
    assert selectors.reason_sentence("nik", "one_typo") in (
        "NIK berbeda satu digit",
        "NIK differs by one digit",
    )
    text = selectors.reason_sentence(
        "name", "alias_agree_spelling_variant", "via alias 'x'; rare name"
    )
    assert text.count("(") == 1 and text.endswith(")")
    assert selectors.reason_sentence("name", "exact") != selectors.reason_sentence(
        "name", "conflict"
    )
