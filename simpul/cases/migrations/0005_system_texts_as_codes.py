"""System texts stored as codes (issue 8, "words that are not the user's language").

The first risk rating's reason ("Risiko saat kasus dibuka"), the reason of a plan-approval or a
closure transition and the titles of the tasks the system opens were written in the language of
whoever was signed in, so the English UI showed Indonesian text. They are now stored as codes
(``simpul.core.events.stored``) and translated when shown (``simpul/cases/events.py``). This
migration turns the texts already stored, in Bahasa Indonesia or English, into those codes; a
text a person wrote is left as it is.

The msgids are copied here (not imported), so later wording changes do not change this
migration; their translations are read from the catalogue as it is when the migration runs.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.db import migrations
from django.utils import translation

RISK_REASONS = {
    "cases.risk.case_opened": "Risk when the case was opened",
    "cases.risk.initial_assessment": "Proposed by the initial assessment",
}
PLAN_APPROVED = ("cases.transition.plan_approved", "Plan version %(v)s approved")
CLOSURE_LABELS = {
    "goals_met": "Plan goals met and the child is safe",
    "family_declines": "Family no longer wants support and it is safe",
    "turned_18": "Turned 18, transition done",
    "transferred": "Transferred",
    "died": "Died",
    "other": "Other",
}
TASK_TITLES = {
    "cases.task.placement_review": "Review the placement at %(org)s",
    "cases.task.lead_consent_withdrawn": (
        "Consent to share with %(org)s was withdrawn, but it leads the case: record a legal basis "
        "or transfer the case."
    ),
    "cases.task.placement_consent_withdrawn": (
        "Consent to share with %(org)s was withdrawn, but the child is placed there: record a "
        "legal basis or end the placement."
    ),
    "cases.task.transition_review": "Transition review: %(child)s turns 18 on %(date)s",
}
LANGUAGES = ("id", "en")


def stored(code: str, **params: Any) -> str:
    clean = {k: str(v) for k, v in params.items() if v not in (None, "")}
    return f"{code}?{urlencode(sorted(clean.items()))}" if clean else code


def variants(msgid: str) -> set[str]:
    """The text as it may have been stored: the msgid and each language's translation."""
    out = {msgid}
    for lang in LANGUAGES:
        with translation.override(lang):
            out.add(translation.gettext(msgid))
    return out


def patterns(msgid: str) -> list[re.Pattern[str]]:
    out = []
    for text in variants(msgid):
        parts = re.split(r"%\((\w+)\)s", text)
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
        )
        out.append(re.compile(f"^{regex}$", re.DOTALL))
    return out


def match(value: str, msgid: str) -> dict[str, str] | None:
    for pattern in patterns(msgid):
        found = pattern.match(value)
        if found:
            return found.groupdict()
    return None


def forwards(apps: Any, schema_editor: Any) -> None:
    RiskRating = apps.get_model("cases", "RiskRating")
    CaseTransition = apps.get_model("cases", "CaseTransition")
    CaseTask = apps.get_model("cases", "CaseTask")
    for code, msgid in RISK_REASONS.items():
        RiskRating.objects.filter(reason__in=variants(msgid)).update(reason=code)
    closing = CaseTransition.objects.filter(to_status__in=["closure_pending", "closed"])
    for value, label in CLOSURE_LABELS.items():
        closing.filter(reason__in=variants(label)).update(
            reason=stored("cases.transition.closure", reason=value)
        )
    code, msgid = PLAN_APPROVED
    for t in CaseTransition.objects.filter(to_status="plan_approved").exclude(reason=""):
        params = match(t.reason, msgid)
        if params is not None:
            CaseTransition.objects.filter(pk=t.pk).update(reason=stored(code, **params))
    for task in CaseTask.objects.exclude(title__startswith="cases."):
        for code, msgid in TASK_TITLES.items():
            params = match(task.title, msgid)
            value = stored(code, **params) if params is not None else ""
            if value and len(value) <= 255:  # the title's length
                CaseTask.objects.filter(pk=task.pk).update(title=value)
                break


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_cases_edit_version"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
