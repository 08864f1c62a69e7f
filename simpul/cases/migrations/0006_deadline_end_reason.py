"""A deadline can end without being met: when its case is closed (``CaseDeadline.end_reason``).

Cases closed (or in aftercare) before this change kept their open deadlines, shown as overdue
on the home pages and the case list; they are ended here, at the closure when it is recorded.
Reversing puts them back open.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

ENDED_CASE = ("closed", "aftercare")


def end_deadlines_of_closed_cases(apps: Any, schema_editor: Any) -> None:
    CaseDeadline = apps.get_model("cases", "CaseDeadline")
    Case = apps.get_model("cases", "Case")
    for case in Case.objects.filter(status__in=ENDED_CASE).iterator():
        at = case.closed_at or case.updated_at
        CaseDeadline.objects.filter(case=case, met_at__isnull=True).update(
            met_at=at, end_reason="case_closed"
        )


def reopen_deadlines(apps: Any, schema_editor: Any) -> None:
    CaseDeadline = apps.get_model("cases", "CaseDeadline")
    CaseDeadline.objects.filter(end_reason="case_closed").update(met_at=None, end_reason="")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_system_texts_as_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="casedeadline",
            name="end_reason",
            field=models.CharField(
                blank=True,
                choices=[("case_closed", "Ended: the case was closed")],
                max_length=20,
            ),
        ),
        migrations.RunPython(end_deadlines_of_closed_cases, reopen_deadlines),
    ]
