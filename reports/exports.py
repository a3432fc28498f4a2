"""Issue 17, points 2 and 3: the files: the statistics as CSV/XLSX rows, the audit trail as CSV rows and PDF.

The PDF reuses the bundled DejaVu fonts and the German formatting of `integrations.documents` (fpdf2's core
fonts are Latin-1 only): the same look as the certificate for the file."""
from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from integrations.documents import FONT, FONT_DIR, fmt_moment
from staffing.deadlines import legal_time_zone
from staffing.states import NoticeState
from staffing.ui import format_euro, format_german_decimal

from .selectors import OUTCOME_STATES, AuditEntry, Figures, Statistics

# the steps of the audit trail in words (the agreement's words: PS-2.3 "darf erfolgen", never the legal fiction)
STEP_LABELS = {
    "submit": gettext_lazy("Mitgeteilt (Wochenfrist beginnt)"),
    "clear": gettext_lazy("Freigegeben ohne Bedenken"),
    "approve_by_silence": gettext_lazy("Wochenfrist ohne Reaktion abgelaufen: Besetzung darf erfolgen"),
    "raise_objection": gettext_lazy("Bedenken / Klärungsbedarf angemeldet"),
    "city_statement": gettext_lazy("Stellungnahme der Stadt"),
    "propose_agreement": gettext_lazy("Einigung vorgeschlagen"),
    "confirm_agreement": gettext_lazy("Einigung bestätigt"),
    "reject_agreement": gettext_lazy("Einigung abgelehnt"),
    "agree": gettext_lazy("Einvernehmliche Lösung festgestellt"),
    "escalate": gettext_lazy("Eskaliert an die Kreisverwaltung"),
    "decide": gettext_lazy("Entscheidung des Kreises"),
    "revoke_cut": gettext_lazy("Kürzung aufgehoben"),
    "place": gettext_lazy("Besetzung durchgeführt"),
    "withdraw": gettext_lazy("Zurückgezogen"),
}
KIND_LABELS = {
    "event": gettext_lazy("Schritt"),
    "comment": gettext_lazy("Kommentar"),
    "decision": gettext_lazy("Entscheidung"),
    "cut": gettext_lazy("Kürzung"),
    "cut_revoked": gettext_lazy("Aufhebung der Kürzung"),
}


def _number(value) -> str:
    return "" if value is None else format_german_decimal(value, 1, grouping=False)


# --- statistics ----------------------------------------------------------------------------------

def statistics_header(stats: Statistics) -> list[str]:
    states = dict(NoticeState.choices)
    return [
        _("Kreis") if stats.per == "district" else _("Stadt"),
        _("Eingegangene Mitteilungen"),
        *[str(states[state]) for state in OUTCOME_STATES],
        _("Freigegeben ohne Bedenken"), _("Ohne Reaktion (Besetzung darf erfolgen)"), _("Bedenken"),
        _("Klärungsbedarf"), _("Anteil ohne Reaktion (%)"),
        _("Reaktionszeit Median (Stunden)"), _("Reaktionszeit 90. Perzentil (Stunden)"),
        _("Erörterungen"), _("Eskalationen"),
        _("Eingang bis Besetzung Median (Tage)"), _("Eingang bis Besetzung 90. Perzentil (Tage)"),
        _("Kürzungen (Anzahl)"), _("Kürzungen in Euro (Summe)"), _("Kürzungen in Prozent (Anzahl)"),
        _("Kürzungen aufgehoben"),
    ]


def statistics_row(figures: Figures, *, typed: bool = False) -> list:
    """One row; `typed` keeps numbers as numbers (XLSX), otherwise German text (CSV)."""
    def number(value):
        if typed:
            return None if value is None else float(value) if isinstance(value, Decimal) else value
        return _number(value)

    label = _("Gesamt") if figures.is_total else figures.label
    return [
        label, figures.received, *[figures.by_state[state] for state in OUTCOME_STATES],
        figures.cleared, figures.silence, figures.concerns, figures.clarification, number(figures.silence_share),
        number(figures.reaction_median), number(figures.reaction_p90), figures.consultations, figures.escalations,
        number(figures.placement_median), number(figures.placement_p90),
        figures.cuts, float(figures.cuts_amount) if typed else format_german_decimal(figures.cuts_amount, 2),
        figures.cuts_percent, figures.cuts_revoked,
    ]


def statistics_rows(stats: Statistics, *, typed: bool = False) -> list[list]:
    return [statistics_row(row, typed=typed) for row in [*stats.rows, stats.total]]


def xlsx_bytes(title: str, header: list[str], rows: Iterable[list], *, note: str = "") -> bytes:
    """One sheet: an optional note line, the bold header, the rows (numbers stay numbers)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    if note:
        sheet.append([note])
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the audit trail ------------------------------------------------------------------------------

def audit_header() -> list[str]:
    return [_("Mitteilung Nr."), _("Aktenzeichen"), _("Stadt"), _("Art"), _("Zeitpunkt"), _("Schritt"),
            _("von Status"), _("nach Status"), _("durch"), _("i. V. für"), _("Begründung / Text")]


def _local(moment) -> str:
    return "" if moment is None else timezone.localtime(moment, legal_time_zone()).strftime("%d.%m.%Y %H:%M")


def audit_row(entry: AuditEntry) -> list[str]:
    states = dict(NoticeState.choices)
    return [
        entry.notice_id, entry.reference, entry.city, str(KIND_LABELS.get(entry.kind, entry.kind)), _local(entry.at),
        str(STEP_LABELS.get(entry.transition, entry.transition)), str(states.get(entry.from_state, entry.from_state)),
        str(states.get(entry.to_state, entry.to_state)), entry.actor, entry.on_behalf_of, entry.text,
    ]


class _AuditDocument(FPDF):
    def __init__(self, *, footer_text: str):
        super().__init__(orientation="L", format="A4", unit="mm")
        self.footer_text = footer_text
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(True, margin=16)
        self.alias_nb_pages()

    def footer(self):
        self.set_y(-11)
        self.set_font(FONT, "", 7.5)
        self.cell(0, 5, f"{self.footer_text} · {_('Seite')} {self.page_no()} / {{nb}}", align="C")


def audit_pdf(*, title: str, facts: list[tuple[str, str]], entries: Iterable[AuditEntry], footer: str) -> bytes:
    """Issue 17, point 3: the audit trail as a landscape A4 table (German, legal time zone)."""
    pdf = _AuditDocument(footer_text=footer)
    pdf.set_title(title)
    pdf.set_author("JobAgentur EN")
    pdf.add_page()
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(0, 6.5, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font(FONT, "", 9)
    for key, value in facts:
        pdf.multi_cell(0, 4.8, f"{key}: {value or '–'}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    header = audit_header()
    pdf.set_font(FONT, "", 7.5)
    # notice, reference, city, kind, time, step, from, to, by, on behalf of, text
    widths = (13, 22, 20, 17, 22, 34, 24, 24, 25, 20, 52)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=3.6, padding=(0.6, 0.8)) as table:
        head = table.row()
        for title_cell in header:
            head.cell(title_cell)
        count = 0
        for entry in entries:
            row = table.row()
            for value in audit_row(entry):
                row.cell(str(value))
            count += 1
        if not count:
            row = table.row()
            row.cell(_("Keine Einträge im gewählten Zeitraum."), colspan=len(header))
    pdf.ln(3)
    pdf.set_font(FONT, "", 7.5)
    pdf.multi_cell(0, 4, _("Erstellt am %(moment)s aus dem Verlauf der Anwendung „Personelle Standards“.")
                   % {"moment": fmt_moment(timezone.now())}, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def euro(value: Decimal) -> str:
    return format_euro(value)
