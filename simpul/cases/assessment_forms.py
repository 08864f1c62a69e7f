"""Structured assessment forms, one class per (kind, form version).

An assessment's answers are stored as JSON in ``Assessment.data`` together with the
``form_version`` they were written with, so old assessments keep rendering after a form changes:
add a new class (e.g. ``FullAssessmentV2``) and point ``CURRENT`` at it; never edit a released
version's fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from simpul.cases.models import Assessment, RiskLevel

YES_NO_UNKNOWN = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("Unknown"))]


def _text(label: Any, required: bool = False, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssessmentForm(forms.Form):
    kind: str = ""
    form_version: str = ""
    title: Any = ""
    # Groups of fields shown under a heading: [(heading, [field names])].
    sections: list[tuple[Any, list[str]]] = []

    def json_data(self) -> dict[str, Any]:
        """cleaned_data as JSON-safe values."""
        out: dict[str, Any] = {}
        for key, value in self.cleaned_data.items():
            if isinstance(value, dt.date | dt.datetime):
                value = value.isoformat()
            out[key] = value
        return out

    def display(self, data: dict[str, Any]) -> list[tuple[Any, list[tuple[Any, Any]]]]:
        """[(section heading, [(label, shown value)])] for read-only pages."""
        shown = []
        for heading, names in self.sections or [("", list(self.fields))]:
            rows = []
            for name in names:
                field = self.fields[name]
                value = data.get(name, "")
                if isinstance(field, forms.ChoiceField):
                    value = dict(field.choices).get(value, value)  # type: ignore[arg-type]
                elif isinstance(field, forms.BooleanField):
                    value = _("Yes") if value else _("No")
                rows.append((field.label, value))
            shown.append((heading, rows))
        return shown


class InitialAssessmentV1(AssessmentForm):
    kind = Assessment.Kind.INITIAL
    form_version = "initial-v1"
    title = _("Initial assessment")

    safety_concerns = _text(
        _("Safety concerns"), required=True, help_text=_("What puts the child at risk now?")
    )
    immediate_danger = forms.ChoiceField(
        label=_("Is the child in immediate danger?"), choices=YES_NO_UNKNOWN
    )
    immediate_needs = _text(_("Immediate needs (food, shelter, medical care, clothing)"))
    family_contact = forms.ChoiceField(
        label=_("Family contact"),
        choices=[
            ("contacted", _("Family contacted")),
            ("known_not_contacted", _("Family known, not yet contacted")),
            ("unknown", _("Family unknown")),
            ("not_safe", _("Contacting the family is not safe")),
        ],
    )
    family_contact_notes = _text(_("Notes on the family"))
    health = _text(_("Health (injuries, illness, medication, disability)"))
    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        choices=[
            ("family_return", _("Return to family")),
            ("health_referral", _("Refer to puskesmas / hospital")),
            ("panti", _("Temporary placement in a panti / LKSA")),
            ("full_assessment", _("Full assessment, child stays where they are")),
            ("other_region", _("Return to the region of origin")),
            ("other", _("Other")),
        ],
    )
    recommendation_notes = _text(_("Recommendation details"))
    risk_level_proposed = forms.ChoiceField(
        label=_("Risk level proposed"), choices=RiskLevel.choices
    )

    sections = [
        (_("Safety"), ["safety_concerns", "immediate_danger", "immediate_needs"]),
        (_("Family and health"), ["family_contact", "family_contact_notes", "health"]),
        (_("Recommendation"), ["recommendation", "recommendation_notes", "risk_level_proposed"]),
    ]


DOMAIN_RATING = [
    ("good", _("No concern")),
    ("some", _("Some concern")),
    ("serious", _("Serious concern")),
    ("unknown", _("Not assessed")),
]


class FullAssessmentV1(AssessmentForm):
    kind = Assessment.Kind.FULL
    form_version = "full-v1"
    title = _("Full assessment")

    safety_rating = forms.ChoiceField(label=_("Safety"), choices=DOMAIN_RATING)
    safety = _text(_("Safety: findings"), required=True)
    health_rating = forms.ChoiceField(label=_("Health"), choices=DOMAIN_RATING)
    health = _text(_("Health: findings"))
    education_rating = forms.ChoiceField(label=_("Education"), choices=DOMAIN_RATING)
    education = _text(_("Education: findings"))
    family_rating = forms.ChoiceField(label=_("Family and care"), choices=DOMAIN_RATING)
    family = _text(_("Family and care: findings"), required=True)
    psychosocial_rating = forms.ChoiceField(
        label=_("Psychosocial well-being"), choices=DOMAIN_RATING
    )
    psychosocial = _text(_("Psychosocial: findings"))
    identity_rating = forms.ChoiceField(label=_("Identity documents"), choices=DOMAIN_RATING)
    identity_documents = _text(_("Identity documents: findings (akta, KK, KIA)"))
    strengths = _text(_("Strengths (of the child, family and community)"), required=True)
    needs = _text(_("Needs"), required=True)
    child_views = _text(
        _("The child's own views and wishes"),
        required=True,
        help_text=_("In the child's words where possible."),
    )

    sections = [
        (_("Safety"), ["safety_rating", "safety"]),
        (_("Health"), ["health_rating", "health"]),
        (_("Education"), ["education_rating", "education"]),
        (_("Family and care"), ["family_rating", "family"]),
        (_("Psychosocial"), ["psychosocial_rating", "psychosocial"]),
        (_("Identity documents"), ["identity_rating", "identity_documents"]),
        (_("Summary"), ["strengths", "needs", "child_views"]),
    ]


class ReviewAssessmentV1(AssessmentForm):
    kind = Assessment.Kind.REVIEW
    form_version = "review-v1"
    title = _("Case review")

    progress = _text(_("Progress on the plan's goals"), required=True)
    safety_now = _text(_("Safety now"), required=True)
    child_views = _text(_("The child's own views"))
    plan_change_needed = forms.BooleanField(label=_("The plan needs to change"), required=False)
    next_steps = _text(_("Next steps"))

    sections = [
        (_("Review"), ["progress", "safety_now", "child_views", "plan_change_needed", "next_steps"])
    ]


FORMS: dict[tuple[str, str], type[AssessmentForm]] = {
    (cls.kind, cls.form_version): cls
    for cls in (InitialAssessmentV1, FullAssessmentV1, ReviewAssessmentV1)
}
CURRENT: dict[str, str] = {
    Assessment.Kind.INITIAL: InitialAssessmentV1.form_version,
    Assessment.Kind.FULL: FullAssessmentV1.form_version,
    Assessment.Kind.REVIEW: ReviewAssessmentV1.form_version,
}


def form_class(kind: str, form_version: str | None = None) -> type[AssessmentForm]:
    key = (kind, form_version or CURRENT.get(kind, ""))
    if key not in FORMS:
        raise KeyError(key)
    return FORMS[key]
