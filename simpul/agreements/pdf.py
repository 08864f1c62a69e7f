"""The printable collaboration protocol: the department's written ground rule (fpdf2, pure
Python). :func:`protocol_content` builds the text (tested on its own); :func:`protocol_pdf`
lays it out. The built-in PDF fonts cover Latin-1 only, so other characters are replaced."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from simpul.agreements.models import Step, Urgency, VersionStatus

_REPLACEMENTS = {
    "\u2013": "-",
    "\u2014": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2026": "...",
    "\u2192": "->",
    "\u00a0": " ",
}


def _latin1(text: Any) -> str:
    value = str(text)
    for char, repl in _REPLACEMENTS.items():
        value = value.replace(char, repl)
    return value.encode("latin-1", "replace").decode("latin-1")


@dataclass
class Section:
    heading: str
    lines: list[str] = field(default_factory=list)
    table: list[list[str]] | None = None  # first row: the header


def protocol_content(version: Any) -> tuple[str, list[str], list[Section]]:
    """(title, subtitle lines, sections) of the printable protocol."""
    protocol = version.protocol
    category = protocol.category
    title = protocol.title
    status = {
        VersionStatus.DRAFT: _("DRAFT - not in force"),
        VersionStatus.APPROVED: _("Approved"),
        VersionStatus.SUPERSEDED: _("Superseded"),
    }[version.status]
    subtitle = [
        _("Child category: %(code)s - %(name)s")
        % {"code": category.code, "name": category.localized_name},
        _("Version %(number)s · %(status)s") % {"number": version.number, "status": status},
    ]
    if version.valid_from:
        subtitle.append(
            _("In force from %(date)s")
            % {"date": formats.date_format(version.valid_from, "DATE_FORMAT")}
        )
    if version.approved_at:
        subtitle.append(
            _("Approved by %(name)s on %(date)s")
            % {
                "name": version.approved_by or _("the system (seeded)"),
                "date": formats.date_format(version.approved_at, "DATE_FORMAT"),
            }
        )
    sections: list[Section] = []
    if version.purpose:
        sections.append(Section(_("Purpose"), [version.purpose]))
    participants = Section(_("Participants, their role and standard services"))
    for p in version.participants.all():
        services = ", ".join(str(t) for t in p.service_types.all())
        line = f"{p.name} ({p.get_org_type_display()}): {p.role}"
        if services:
            line += " " + _("Services: %(services)s.") % {"services": services}
        if p.services_note:
            line += f" {p.services_note}"
        participants.lines.append(line)
    if not participants.lines:
        participants.lines.append(_("No participants named."))
    sections.append(participants)
    table = [[_("Urgency"), *[str(label) for label in Step.labels]]]
    for code, label in Urgency.choices:
        days = version.deadlines(code)
        table.append([str(label), *[str(days[s]) for s in Step.values]])
    sections.append(
        Section(
            _("Response deadlines (working days from the referral)"),
            [
                _(
                    "Working days exclude weekends, public holidays and cuti bersama. Each step "
                    "is due at the end of the working day."
                )
            ],
            table,
        )
    )
    sections.append(
        Section(
            _("Escalation when a deadline passes"),
            [
                _("After %(days)s working days overdue: %(who)s")
                % {"days": s["after_working_days"], "who": s["label"]}
                for s in version.escalation_chain
            ],
        )
    )
    sections.append(
        Section(
            _("Documents to send with the referral"),
            list(version.documents or []) or [_("None named.")],
        )
    )
    sections.append(
        Section(
            _("Outcome that closes the loop"),
            [version.closing_outcome or _("Not stated.")],
        )
    )
    return title, subtitle, sections


def protocol_pdf(version: Any) -> bytes:
    from fpdf import FPDF

    title, subtitle, sections = protocol_content(version)
    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(title))
    pdf.set_creator("Simpul")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for line in subtitle:
        pdf.multi_cell(0, 5, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    for section in sections:
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(0, 7, _latin1(section.heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        for line in section.lines:
            pdf.multi_cell(0, 5, _latin1(f"- {line}"), new_x="LMARGIN", new_y="NEXT")
        if section.table:
            pdf.ln(2)
            with pdf.table(text_align="CENTER", first_row_as_headings=True) as table:
                for row in section.table:
                    cells = table.row()
                    for cell in row:
                        cells.cell(_latin1(cell))
    pdf.ln(6)
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(
        0,
        4,
        _latin1(_("Printed from Simpul. The version in Simpul is the one that applies.")),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
