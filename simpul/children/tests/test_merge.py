from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from simpul.cases.models import Case
from simpul.children import services
from simpul.children.models import (
    Category,
    Child,
    ChildAlias,
    ChildCategory,
    ChildDocument,
    ChildMerge,
    Consent,
    Guardian,
    NameToken,
)
from simpul.core.exceptions import ApplicationError
from simpul.core.models import AuditEvent
from simpul.testing.factories import CaseFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


@pytest.fixture
def pair(supervisor, register, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    survivor = register(
        supervisor,
        full_name="Joko Susilo",
        mother_name="",
        birth_date=dt.date(2012, 3, 14),
        aliases=["Jojo"],
    )
    merged = register(
        supervisor,
        full_name="Djoko Soesilo",
        mother_name="Sumarni",
        nik="3175011403120002",
        birth_date=dt.date(2012, 3, 14),
        origin_region_code="33.74",
        guardians=[{"full_name": "Sumarni", "relationship": "mother", "phone": "0812345678"}],
    )
    services.child_alias_add(actor=supervisor, child=merged, name="Koko")
    services.document_upload(
        actor=supervisor,
        child=merged,
        kind=ChildDocument.Kind.PHOTO,
        file=SimpleUploadedFile("foto.png", PNG, content_type="image/png"),
    )
    services.consent_record(
        actor=supervisor,
        child=merged,
        purpose=Consent.Purpose.SERVICES,
        given_by_name="Sumarni",
        given_by_relationship="mother",
        method="written",
    )
    aj = Category.objects.get(scheme="pmks", code="AJ")
    at = Category.objects.get(scheme="pmks", code="AT")
    services.child_classify(actor=supervisor, child=survivor, category=aj, is_primary=True)
    services.child_classify(actor=supervisor, child=merged, category=aj, is_primary=True)
    services.child_classify(actor=supervisor, child=merged, category=at)
    case_m = CaseFactory(child=merged)
    case_s = CaseFactory(child=survivor)
    return survivor, merged, case_m, case_s


def test_merge_moves_everything_and_undo_restores_exactly(supervisor, pair):
    survivor, merged, case_m, case_s = pair
    merged_alias_ids = set(merged.aliases.values_list("pk", flat=True))
    merged_counts = {
        "guardians": merged.guardians.count(),
        "documents": merged.documents.count(),
        "consents": merged.consents.count(),
        "classifications": merged.classifications.count(),
    }
    survivor_aliases_before = set(survivor.aliases.values_list("pk", flat=True))
    tokens_before = NameToken.objects.get(token="ioko").count

    merge = services.child_merge(
        actor=supervisor, survivor=survivor, merged=merged, reason="Same mother, same birth date"
    )
    survivor.refresh_from_db()
    merged.refresh_from_db()

    # Every relation now points at the survivor; nothing was deleted.
    assert merged.merged_into_id == survivor.pk
    assert Case.objects.get(pk=case_m.pk).child_id == survivor.pk
    assert set(survivor.cases.values_list("pk", flat=True)) == {case_m.pk, case_s.pk}
    assert merged_alias_ids <= set(survivor.aliases.values_list("pk", flat=True))
    assert survivor.guardians.count() == merged_counts["guardians"]
    assert survivor.documents.count() == merged_counts["documents"]
    assert survivor.consents.count() == merged_counts["consents"]
    assert (
        survivor.classifications.count() == 1 + merged_counts["classifications"]
    )  # both histories kept
    active = survivor.classifications.filter(ended_at__isnull=True)
    assert sorted(active.values_list("category__code", flat=True)) == ["AJ", "AT"]
    assert active.filter(is_primary=True).count() == 1
    assert merge.moved["children.childdocument.child"] == [
        str(merged.documents.model.objects.get().pk)
    ]
    assert str(case_m.pk) in merge.moved["cases.case.child"]
    # Empty fields filled in, with the merged name kept as an alias and the values snapshotted.
    assert survivor.nik == "3175011403120002" and survivor.mother_name == "Sumarni"
    assert survivor.origin_region_code == "33.74"
    assert survivor.aliases.filter(name="Djoko Soesilo").exists()
    assert (
        merge.merged_snapshot["full_name"] == "Djoko Soesilo"
        and merge.merged_snapshot["nik"] == "3175011403120002"
    )
    assert set(merge.survivor_changes["fields"]) >= {"nik", "mother_name", "origin_region_code"}
    assert survivor.bk_nik_a == "31750114"
    assert NameToken.objects.get(token="ioko").count == tokens_before - 1
    assert AuditEvent.objects.filter(
        action="children.child.merged", target_id=str(survivor.pk)
    ).exists()
    assert not Child.objects.active().filter(pk=merged.pk).exists()

    services.child_merge_undo(actor=supervisor, merge=merge)
    survivor.refresh_from_db()
    merged.refresh_from_db()
    assert merged.merged_into_id is None
    assert Case.objects.get(pk=case_m.pk).child_id == merged.pk
    assert set(merged.aliases.values_list("pk", flat=True)) == merged_alias_ids
    assert set(survivor.aliases.values_list("pk", flat=True)) == survivor_aliases_before
    assert (
        merged.guardians.count() == merged_counts["guardians"] and survivor.guardians.count() == 0
    )
    assert merged.documents.count() == 1 and merged.consents.count() == 1
    assert sorted(
        merged.classifications.filter(ended_at__isnull=True).values_list(
            "category__code", flat=True
        )
    ) == ["AJ", "AT"]
    assert merged.classifications.get(category__code="AJ").is_primary
    assert survivor.nik == "" and survivor.mother_name == "" and survivor.origin_region_code == ""
    assert NameToken.objects.get(token="ioko").count == tokens_before
    with pytest.raises(ApplicationError):
        services.child_merge_undo(actor=supervisor, merge=ChildMerge.objects.get(pk=merge.pk))


def test_merge_is_for_supervisors_only(worker, register):
    from django.core.exceptions import PermissionDenied

    a = register(worker, full_name="Ani Lestari", sex="F")
    b = register(worker, full_name="Anni Lestari", sex="F")
    with pytest.raises(PermissionDenied):
        services.child_merge(actor=worker, survivor=a, merged=b, reason="x")


def test_merge_refuses_merging_twice(supervisor, register):
    a = register(supervisor, full_name="Ani Lestari", sex="F")
    b = register(supervisor, full_name="Anni Lestari", sex="F")
    services.child_merge(actor=supervisor, survivor=a, merged=b, reason="same")
    with pytest.raises(ApplicationError):
        services.child_merge(
            actor=supervisor, survivor=a, merged=Child.objects.get(pk=b.pk), reason="again"
        )


def test_moved_relations_cover_every_fk_to_child():
    keys = {services._key(f) for f in services._child_fks()}
    assert {
        "children.childalias.child",
        "children.guardian.child",
        "children.childdocument.child",
        "children.consent.child",
        "children.legalbasis.child",
        "children.childcategory.child",
        "cases.case.child",
        "children.duplicatecandidate.child_a",
        "children.duplicatecandidate.child_b",
        "children.child.merged_into",
    } <= keys
    assert "children.childmerge.survivor" not in keys


def test_alias_guardian_counts_unchanged_objects(supervisor, pair):
    survivor, merged, _cm, _cs = pair
    total = (
        ChildAlias.objects.count(),
        Guardian.objects.count(),
        ChildDocument.objects.count(),
        Consent.objects.count(),
        ChildCategory.objects.count(),
        Case.objects.count(),
    )
    merge = services.child_merge(actor=supervisor, survivor=survivor, merged=merged, reason="same")
    assert (
        ChildAlias.objects.count() - 1,
        Guardian.objects.count(),
        ChildDocument.objects.count(),
        Consent.objects.count(),
        ChildCategory.objects.count(),
        Case.objects.count(),
    ) == total
    services.child_merge_undo(actor=supervisor, merge=merge)
    assert (
        ChildAlias.objects.count(),
        Guardian.objects.count(),
        ChildDocument.objects.count(),
        Consent.objects.count(),
        ChildCategory.objects.count(),
        Case.objects.count(),
    ) == total
