"""Assessments: structured, versioned forms (see ``assessment_forms``).

A draft or returned assessment is edited in place; editing a submitted or approved one creates
the next version (the old one is kept). Every submitted assessment (initial, full, review) waits
in the supervisor's approval queue and is approved or returned (with a note). Submitting the
initial assessment already meets its deadlines and lets the case move on to the full assessment
(the work does not wait for the sign-off); a plan is approved only after the full assessment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simpul.cases import assessment_forms
from simpul.cases.models import Assessment, Case, Milestone
from simpul.cases.services import sla
from simpul.cases.services._common import (
    case_audit,
    full_clean,
    require_approve,
    require_edit,
    require_not_closed,
)
from simpul.core import events
from simpul.core.concurrency import version_claim
from simpul.core.exceptions import ApplicationError

if TYPE_CHECKING:
    from simpul.accounts.models import User

EDITABLE = (Assessment.Status.DRAFT, Assessment.Status.RETURNED)
DONE = (Assessment.Status.SUBMITTED, Assessment.Status.APPROVED)


def _validate(kind: str, form_version: str, data: dict[str, Any]) -> dict[str, Any]:
    try:
        form_cls = assessment_forms.form_class(kind, form_version)
    except KeyError as exc:
        raise ApplicationError(
            _("Unknown assessment form “%(form)s”.") % {"form": form_version}
        ) from exc
    form = form_cls(data=data)
    if not form.is_valid():
        fields = {k: [str(m) for m in v] for k, v in form.errors.items()}
        raise ApplicationError(
            _("Some answers are missing or invalid: %(fields)s.")
            % {
                "fields": ", ".join(
                    str(form.fields[k].label) if k in form.fields else k for k in fields
                )
            },
            extra={"fields": fields},
        )
    return form.json_data()


@transaction.atomic
def assessment_save(
    *,
    actor: User,
    case: Case,
    kind: str,
    data: dict[str, Any],
    assessment: Assessment | None = None,
    form_version: str | None = None,
    expected_version: Any = None,
) -> Assessment:
    """Save answers: in place for a draft/returned assessment, else as a new version.

    ``expected_version``: the edit version of the draft the editor read (form field / If-Match);
    when the draft was saved since, ConcurrentUpdate is raised and nothing changes."""
    require_edit(actor, case)
    require_not_closed(case)
    if kind not in Assessment.Kind.values:
        raise ApplicationError(_("Unknown assessment kind."))
    if assessment is not None and (assessment.case_id != case.pk or assessment.kind != kind):
        raise ApplicationError(_("The assessment does not belong to this case."))
    if assessment is None:
        assessment = (
            case.assessments.filter(kind=kind, status__in=EDITABLE).order_by("-version").first()
        )
    if assessment is not None and assessment.status in EDITABLE:
        if expected_version is not None:
            version_claim(assessment, expected_version=expected_version)
        form_version = assessment.form_version if form_version is None else form_version
        before = dict(assessment.data)
        assessment.data = _validate(kind, form_version, data)
        assessment.form_version = form_version
        assessment.author = actor
        full_clean(assessment)
        assessment.save()
        changes = {
            k: {"before": before.get(k), "after": v}
            for k, v in assessment.data.items()
            if before.get(k) != v
        }
        case_audit(
            actor=actor,
            action="cases.assessment.updated",
            case=case,
            target=assessment,
            changes=changes,
            data={"kind": kind, "version": assessment.version},
        )
        return assessment
    form_version = form_version or assessment_forms.CURRENT[kind]
    version = (case.assessments.filter(kind=kind).aggregate(m=Max("version"))["m"] or 0) + 1
    new = Assessment(
        case=case,
        kind=kind,
        version=version,
        form_version=form_version,
        data=_validate(kind, form_version, data),
        author=actor,
    )
    full_clean(new)
    new.save()
    case_audit(
        actor=actor,
        action="cases.assessment.created",
        case=case,
        target=new,
        data={
            "kind": kind,
            "version": version,
            "form_version": form_version,
            "supersedes": str(assessment.pk) if assessment else None,
        },
    )
    return new


@transaction.atomic
def assessment_submit(*, actor: User, assessment: Assessment) -> Assessment:
    case = assessment.case
    require_edit(actor, case)
    require_not_closed(case)
    if assessment.status not in EDITABLE:
        raise ApplicationError(_("Only a draft or returned assessment can be submitted."))
    _validate(assessment.kind, assessment.form_version, assessment.data)
    now = timezone.now()
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at = now
    assessment.save(update_fields=["status", "submitted_at", "updated_at"])
    if assessment.kind == Assessment.Kind.INITIAL:
        sla.deadline_meet(case=case, milestone=Milestone.FIRST_CONTACT, at=now)
        sla.deadline_meet(case=case, milestone=Milestone.INITIAL_ASSESSMENT, at=now)
    elif assessment.kind == Assessment.Kind.FULL:
        sla.deadline_meet(case=case, milestone=Milestone.FULL_ASSESSMENT, at=now)
    elif assessment.kind == Assessment.Kind.REVIEW:
        sla.deadline_meet(case=case, milestone=Milestone.REVIEW, at=now)
    case_audit(
        actor=actor,
        action="cases.assessment.submitted",
        case=case,
        target=assessment,
        changes={"status": {"before": "draft", "after": "submitted"}},
        data={"kind": assessment.kind, "version": assessment.version},
    )
    proposed = assessment.data.get("risk_level_proposed")
    if assessment.kind == Assessment.Kind.INITIAL and proposed and proposed != case.risk_level:
        from simpul.cases.services.workflow import case_set_risk

        case_set_risk(
            actor=actor,
            case=case,
            level=proposed,
            reason=events.stored("cases.risk.initial_assessment"),
        )
    return assessment


def _decide(actor: User, assessment: Assessment, status: str, note: str, action: str) -> Assessment:
    case = assessment.case
    require_approve(actor, case)
    if assessment.status != Assessment.Status.SUBMITTED:
        raise ApplicationError(_("Only a submitted assessment can be approved or returned."))
    before = assessment.status
    assessment.status = status
    assessment.decided_by = actor
    assessment.decided_at = timezone.now()
    assessment.decision_note = note
    full_clean(assessment)
    assessment.save()
    case_audit(
        actor=actor,
        action=action,
        case=case,
        target=assessment,
        changes={"status": {"before": before, "after": status}},
        data={"kind": assessment.kind, "version": assessment.version, "note": note},
    )
    return assessment


@transaction.atomic
def assessment_approve(*, actor: User, assessment: Assessment, note: str = "") -> Assessment:
    return _decide(actor, assessment, Assessment.Status.APPROVED, note, "cases.assessment.approved")


@transaction.atomic
def assessment_return(*, actor: User, assessment: Assessment, note: str) -> Assessment:
    if not note.strip():
        raise ApplicationError(
            _("Say what must change before approval."),
            extra={"fields": {"note": [_("This field is required.")]}},
        )
    return _decide(actor, assessment, Assessment.Status.RETURNED, note, "cases.assessment.returned")
