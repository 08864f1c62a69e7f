from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from simpul.cases.models import CaseStatus, CaseTask
from simpul.cases.services.transitions import transition_reviews_open
from simpul.children import selectors, services
from simpul.children.models import (
    Category,
    CategorySubtype,
    Consent,
    DuplicateCandidate,
    DuplicateScan,
    LegalBasis,
)
from simpul.core.exceptions import ApplicationError
from simpul.testing.factories import CaseFactory, ChildFactory

pytestmark = pytest.mark.django_db


def years_ago(n: int, today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - n)
    except ValueError:
        return dt.date(today.year - n, 2, 28)


def cat(code: str, scheme: str = "pmks") -> Category:
    return Category.objects.get(scheme=scheme, code=code)


@pytest.fixture
def child_of_age(worker, register):
    def make(age: int, **kw):
        return register(
            worker,
            full_name=f"Anak Uji {age} {kw.pop('tag', '')}".strip(),
            birth_date=years_ago(age),
            **kw,
        )

    return make


@pytest.mark.parametrize(
    ("code", "age", "fits"),
    [
        ("ABT", 5, True),
        ("ABT", 6, False),
        ("AT", 5, False),
        ("AT", 6, True),
        ("AT", 17, True),
        ("AT", 18, False),
        ("AMPK", 5, False),
        ("AMPK", 6, True),
        ("AJ", 18, False),
    ],
)
def test_category_age_rules(worker, child_of_age, code, age, fits):
    child = child_of_age(age)
    if fits:
        cc = services.child_classify(actor=worker, child=child, category=cat(code))
        assert cc.age_rule_override_reason == ""
    else:
        with pytest.raises(ApplicationError) as exc:
            services.child_classify(actor=worker, child=child, category=cat(code))
        assert exc.value.extra["code"] == "age_rule"


def test_abh_konflik_starts_at_12_but_victims_have_no_minimum(worker, child_of_age):
    abh = cat("ABH")
    konflik = CategorySubtype.objects.get(category=abh, code="konflik")
    korban = CategorySubtype.objects.get(category=abh, code="korban")
    with pytest.raises(ApplicationError):
        services.child_classify(actor=worker, child=child_of_age(11), category=abh, subtype=konflik)
    assert services.child_classify(
        actor=worker, child=child_of_age(12), category=abh, subtype=konflik
    )
    assert services.child_classify(
        actor=worker, child=child_of_age(8), category=abh, subtype=korban
    )


def test_override_reason_records_and_flags(worker, child_of_age):
    child = child_of_age(18)
    cc = services.child_classify(
        actor=worker,
        child=child,
        category=cat("AT"),
        age_rule_override_reason="Transition support until school year ends",
    )
    assert cc.age_rule_override_reason
    rows = selectors.classification_rows(child)
    assert rows[0]["age_ok"] is False


def test_estimated_ages_count_and_advance(worker, register):
    now5 = register(
        worker,
        full_name="Balita Satu",
        birth_date=None,
        estimated_age=5,
        age_estimate_reason="officer",
    )
    assert services.child_classify(actor=worker, child=now5, category=cat("ABT"))
    older = register(
        worker,
        full_name="Balita Dua",
        birth_date=None,
        estimated_age=5,
        age_estimate_reason="officer",
        age_estimated_on=years_ago(1),
    )
    assert older.age == 6
    with pytest.raises(ApplicationError):
        services.child_classify(actor=worker, child=older, category=cat("ABT"))


def test_several_categories_one_primary(worker, child_of_age):
    child = child_of_age(10)
    services.child_classify(actor=worker, child=child, category=cat("AJ"), is_primary=True)
    services.child_classify(actor=worker, child=child, category=cat("AT"), is_primary=True)
    active = child.classifications.filter(ended_at__isnull=True)
    assert active.count() == 2
    assert list(active.filter(is_primary=True).values_list("category__code", flat=True)) == ["AT"]
    with pytest.raises(ApplicationError):
        services.child_classify(actor=worker, child=child, category=cat("AT"))
    services.child_unclassify(actor=worker, classification=active.get(category__code="AT"))
    assert child.classifications.filter(ended_at__isnull=True).count() == 1


def test_suggestions_from_conditions_age_and_field_labels(worker, register, child_of_age):
    small = register(
        worker,
        full_name="Bayu Kecil",
        birth_date=years_ago(4),
        conditions=["poor_family", "neglected_no_care"],
    )
    by_code = {
        s.category.code: s
        for s in selectors.category_suggestions(small)
        if s.category.scheme == "pmks"
    }
    assert by_code["ABT"].age_ok is True and by_code["AT"].age_ok is False
    busker = child_of_age(10)
    services.child_classify(actor=worker, child=busker, category=cat("pengamen", "field"))
    codes = {s.category.code for s in selectors.category_suggestions(busker)}
    assert "AJ" in codes


def test_sharing_needs_consent_or_legal_basis(worker, supervisor, register, partner_org):
    child = register(supervisor, full_name="Rani Oktaviani", sex="F")
    assert not services.sharing_allowed(child, partner_org)
    with pytest.raises(ApplicationError) as exc:
        services.require_sharing_allowed(child, partner_org)
    assert partner_org.name in str(exc.value.message)
    consent = services.consent_record(
        actor=supervisor,
        child=child,
        purpose=Consent.Purpose.SHARING,
        organizations=[partner_org],
        given_by_name="Ibu Rani",
        given_by_relationship="mother",
        child_view="Setuju",
        child_agrees=True,
        method="written",
    )
    services.require_sharing_allowed(child, partner_org)  # no error
    services.consent_withdraw(actor=supervisor, consent=consent, reason="Keluarga menolak")
    assert not services.sharing_allowed(child, partner_org)
    with pytest.raises(PermissionDenied):
        services.legal_basis_record(
            actor=worker,
            child=child,
            purpose="sharing",
            basis=LegalBasis.Basis.VITAL_INTEREST,
            organizations=[partner_org],
            justification="x",
        )
    services.legal_basis_record(
        actor=supervisor,
        child=child,
        purpose="sharing",
        basis=LegalBasis.Basis.VITAL_INTEREST,
        organizations=[partner_org],
        justification="Orang tua diduga pelaku",
    )
    assert services.sharing_allowed(child, partner_org)


def test_withdrawn_sharing_consent_ends_partner_access_and_flags_lead_or_placement(
    worker, supervisor, register, partner_org, partner
):
    from simpul.access.cases import cases_visible_to
    from simpul.cases import services as case_services
    from simpul.cases.models import CaseAssignment
    from simpul.testing.factories import OrganizationFactory

    child = register(worker)
    host = OrganizationFactory(name="LKSA Tempat Tinggal")
    consent = services.consent_record(
        actor=supervisor,
        child=child,
        purpose=Consent.Purpose.SHARING,
        organizations=[partner_org, host],
        given_by_name="Ibu Rani",
        given_by_relationship="mother",
        child_view="Setuju",
        child_agrees=True,
        method="written",
    )
    case = CaseFactory(
        child=child, status=CaseStatus.IMPLEMENTATION, case_worker=worker, supervisor=supervisor
    )
    plan = case_services.plan_create(actor=worker, case=case)
    goal = case_services.plan_goal_add(actor=worker, plan=plan, description="Sekolah")
    case_services.plan_action_add(
        actor=worker,
        goal=goal,
        description="Bimbel",
        responsible_organization=partner_org,
        due_date=dt.date(2030, 1, 1),
    )
    # A plan action gives access only once the plan is approved (approval itself is tested in
    # simpul/cases/tests/test_plan_access.py): mark it approved and sync the assignments.
    from simpul.cases.models import CasePlan

    CasePlan.objects.filter(pk=plan.pk).update(status=CasePlan.Status.APPROVED)
    case_services.plan_assignments_sync(case=case)
    CaseAssignment.objects.create(case=case, organization=host, kind=CaseAssignment.Kind.PLACEMENT)
    assert cases_visible_to(partner).filter(pk=case.pk).exists()

    services.consent_withdraw(actor=supervisor, consent=consent, reason="Keluarga menolak")
    # The partner working on an action loses access at once; the placement is not cut silently:
    # the case team gets a task to record a legal basis or end the placement.
    assert not cases_visible_to(partner).filter(pk=case.pk).exists()
    assert case.assignments.get(organization=host).ended_at is None
    task = case.tasks.get(kind=CaseTask.Kind.OTHER)
    assert "LKSA Tempat Tinggal" in task.display_title and task.done_at is None
    assert task.title.startswith("cases.task.placement_consent_withdrawn?")  # stored as a code
    # A later sync (any plan or status change) does not bring it back without consent.
    case_services.plan_assignments_sync(case=case)
    assert not case.assignments.filter(organization=partner_org, ended_at__isnull=True).exists()


def test_services_consent_does_not_allow_sharing(supervisor, register, partner_org):
    child = register(supervisor, full_name="Rani Oktaviani", sex="F")
    services.consent_record(
        actor=supervisor,
        child=child,
        purpose=Consent.Purpose.SERVICES,
        organizations=[partner_org],
        given_by_name="Ibu",
        given_by_relationship="mother",
        method="written",
    )
    assert not services.sharing_allowed(child, partner_org)


def test_transition_review_on_the_18th_birthday_window():
    today = dt.date(2026, 6, 1)
    due = ChildFactory(birth_date=years_ago(18, today + dt.timedelta(days=90)))
    late = ChildFactory(birth_date=years_ago(18, today + dt.timedelta(days=91)))
    closed = ChildFactory(birth_date=years_ago(18, today))
    estimated = ChildFactory(
        birth_date=None, estimated_age=17, age_estimated_on=today - dt.timedelta(days=300)
    )
    case_due, case_late = CaseFactory(child=due), CaseFactory(child=late)
    CaseFactory(child=closed, status=CaseStatus.CLOSED)
    case_est = CaseFactory(child=estimated)
    assert transition_reviews_open(today) == 2
    tasks = CaseTask.objects.filter(kind=CaseTask.Kind.TRANSITION_REVIEW)
    assert set(tasks.values_list("case_id", flat=True)) == {case_due.pk, case_est.pk}
    assert tasks.get(case=case_due).due_on == today + dt.timedelta(days=90)
    assert case_late.pk not in set(tasks.values_list("case_id", flat=True))
    assert transition_reviews_open(today) == 0  # idempotent
    call_command("transition_reviews", "--today", (today + dt.timedelta(days=1)).isoformat())
    assert CaseTask.objects.filter(case=case_late).count() == 1


def test_duplicate_scan_task_records_pairs_and_progress(
    supervisor, register, django_capture_on_commit_callbacks
):
    a = register(supervisor, full_name="Muhammad Rizky Pratama", mother_name="Siti Aminah")
    b = register(supervisor, full_name="M. Rizki Pratama", mother_name="Siti Aminah")
    register(
        supervisor, full_name="Yohanes Marpaung", birth_date=dt.date(2010, 1, 1), mother_name="Rut"
    )
    with django_capture_on_commit_callbacks(execute=True):
        scan = services.duplicate_scan_start(actor=supervisor)
    scan = DuplicateScan.objects.get(pk=scan.pk)
    assert scan.status == DuplicateScan.Status.DONE
    assert scan.total == scan.processed == 3 and scan.percent == 100
    pair = DuplicateCandidate.objects.get()
    assert {pair.child_a_id, pair.child_b_id} == {a.pk, b.pk} and pair.level in (
        "likely",
        "possible",
    )
    assert scan.pairs_found == 1
    services.duplicate_candidate_dismiss(actor=supervisor, candidate=pair)
    with django_capture_on_commit_callbacks(execute=True):
        services.duplicate_scan_start(actor=supervisor)
    assert (
        DuplicateCandidate.objects.get().status == DuplicateCandidate.Status.NOT_DUPLICATE
    )  # not reopened
