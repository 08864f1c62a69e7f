"""Seed version 1 of the case deadline table.

PLACEHOLDER VALUES: these hours are NOT an approved Dinas Sosial DKI Jakarta SOP. Response
timelines per risk level could not be verified in public sources (REFERENCE §6.3). The version is
active so that cases get deadlines, but it is unapproved (approved_by/approved_at empty) until
Dinsos sets the values: a supervisor creates v2 from it, edits the hours and another supervisor
approves it.
"""

from django.db import migrations

DAY = 24
# risk level -> (first contact, initial assessment, full assessment, case plan, review every)
HOURS = {
    "high": (24, 72, 7 * DAY, 14 * DAY, 30 * DAY),
    "medium": (72, 7 * DAY, 14 * DAY, 30 * DAY, 60 * DAY),
    "low": (7 * DAY, 14 * DAY, 30 * DAY, 45 * DAY, 90 * DAY),
    "none": (14 * DAY, 30 * DAY, 60 * DAY, 90 * DAY, 180 * DAY),
}
MILESTONES = ("first_contact", "initial_assessment", "full_assessment", "case_plan", "review")
NOTES = (
    "PLACEHOLDER values — not yet approved: Dinas Sosial DKI Jakarta must set these deadlines in its SOP "
    "(create a new version, edit the hours, and have another supervisor approve it)."
)


def seed(apps, schema_editor):
    SlaPolicy = apps.get_model("cases", "SlaPolicy")
    SlaRule = apps.get_model("cases", "SlaRule")
    if SlaPolicy.objects.exists():
        return
    policy = SlaPolicy.objects.create(version=1, notes=NOTES, is_active=True)
    SlaRule.objects.bulk_create(
        SlaRule(policy=policy, risk_level=level, milestone=milestone, hours=hours)
        for level, values in HOURS.items()
        for milestone, hours in zip(MILESTONES, values, strict=True)
    )


def unseed(apps, schema_editor):
    SlaPolicy = apps.get_model("cases", "SlaPolicy")
    SlaPolicy.objects.filter(version=1, approved_at__isnull=True, created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]

    operations = [migrations.RunPython(seed, unseed)]
