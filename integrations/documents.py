"""Documents for the file (E-Akte): a PDF certificate of each notice's outcome with the audit trail as
an annex (PS-2.3 to PS-2.5). Pure Python (fpdf2) with an embedded DejaVu subset, so €, „“ and names
such as Łukasz print; fpdf2's core fonts are Latin-1 only."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from staffing import wording
from staffing.deadlines import Rules, legal_time_zone
from staffing.hooks import NoticeLink
from staffing.models import NoticeEvent, NoticeState, ObjectionKind, Organisation, PlacementNotice
from staffing.services import legal_basis_cut

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
AGREEMENT = "Vereinbarung „Personelle Standards“ zwischen dem Ennepe-Ruhr-Kreis und seinen Städten"
PERIOD_LAW = "§ 31 VwVfG NRW i. V. m. §§ 187 Abs. 1, 188 Abs. 2, 193 BGB"

OUTCOME_STATES = (NoticeState.APPROVED_BY_SILENCE, NoticeState.CLEARED, NoticeState.AGREED, NoticeState.DECIDED)
TITLES = {
    NoticeState.APPROVED_BY_SILENCE: "Bescheinigung: Besetzung kann vollzogen werden (keine Reaktion innerhalb der "
                                     "Wochenfrist)",
    NoticeState.CLEARED: "Bescheinigung über die Freigabe ohne Bedenken",
    NoticeState.AGREED: "Bescheinigung über die einvernehmliche Lösung",
    NoticeState.DECIDED: "Weisung im Einzelfall / Kürzung der Verwaltungskostenerstattung",
}


def notice_outcome(notice: PlacementNotice) -> str | None:
    """PS-2.3 to PS-2.5: the outcome a certificate documents; for a placed notice the one before it."""
    if notice.state in OUTCOME_STATES:
        return notice.state
    if notice.state == NoticeState.PLACED:
        if "events" in getattr(notice, "_prefetched_objects_cache", {}):  # the notice page's audit trail
            outcomes = [e for e in notice.events.all() if e.to_state in OUTCOME_STATES]
            event = max(outcomes, key=lambda e: (e.at, e.pk), default=None)
        else:
            event = notice.events.filter(to_state__in=OUTCOME_STATES).order_by("-at", "-pk").first()
        return event.to_state if event else None
    return None


def certificate_link(notice: PlacementNotice, user) -> NoticeLink | None:
    """The notice page's link to its certificate for the file, once the notice has an outcome
    (registered in `IntegrationsConfig.ready()`; the page itself checks who sees the notice)."""
    if not notice_outcome(notice):
        return None
    return NoticeLink(url=reverse("integrations:notice_certificate", args=[notice.pk]),
                      label=_("Bescheinigung für die Akte (PDF)"), content_type="application/pdf", icon="download")


# --- formatting (German, legal time zone) -----------------------------------------------------

def _local(value: datetime) -> datetime:
    return timezone.localtime(value, legal_time_zone())


def fmt_day(value: date | None) -> str:
    """"Mittwoch, 02.12.2026"."""
    if value is None:
        return "–"
    with override("de"):
        return date_format(value, "l, d.m.Y")


def fmt_moment(value: datetime | None) -> str:
    """"Mittwoch, 25.11.2026, 10:00 Uhr" in Europe/Berlin."""
    if value is None:
        return "–"
    local = _local(value)
    return f"{fmt_day(local.date())}, {local:%H:%M} Uhr"


def fmt_euro(value: Decimal) -> str:
    """"1.234,56 €"."""
    text = f"{value:,.2f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return f"{text} €"


def fmt_percent(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",") + " %"


def _yes_no(value: bool) -> str:
    return "ja" if value else "nein"


def event_actor(event: NoticeEvent) -> str:
    """Who took a step, with "i. V. für" when a substitute acted for someone absent."""
    with override("de"):
        return event.actor_label


# --- the document -----------------------------------------------------------------------------

class _Document(FPDF):
    def __init__(self, *, footer_text: str):
        super().__init__(format="A4", unit="mm")
        self.footer_text = footer_text
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=20)
        self.alias_nb_pages()

    def footer(self):
        self.set_y(-14)
        self.set_font(FONT, "", 8)
        self.cell(0, 5, f"{self.footer_text} · Seite {self.page_no()} von {{nb}}", align="C")

    # building blocks
    def heading(self, text: str, size: float = 13):
        self.set_font(FONT, "B", size)
        self.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def paragraph(self, text: str, size: float = 10):
        self.set_font(FONT, "", size)
        self.multi_cell(0, 5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)

    def facts(self, rows: list[tuple[str, str]]):
        self.set_font(FONT, "", 10)
        with self.table(col_widths=(55, 115), text_align="LEFT", borders_layout="NONE",
                        first_row_as_headings=False, line_height=5, padding=(0.8, 1)) as table:
            for key, value in rows:
                row = table.row()
                row.cell(key, style=None)
                row.cell(value or "–")
        self.ln(3)


def _candidates(notice: PlacementNotice) -> str:
    people = list(notice.candidates.all())
    chosen = [c for c in people if c.is_selected] or people
    names = ["(personenbezogene Daten gelöscht)" if c.erased_at else (c.full_name or "–") for c in chosen]
    return "; ".join(names) or "–"


def _position(notice: PlacementNotice) -> str:
    p = notice.position
    if p is None:
        return "–"
    fte = f"{p.fte.normalize():f}".replace(".", ",")
    return f"{p.number} {p.title} ({p.grade}, {fte} VZÄ)"


def _last_event(notice: PlacementNotice, to_state: str) -> NoticeEvent | None:
    return next((e for e in reversed(notice._events) if e.to_state == to_state), None)


def _period_law(notice: PlacementNotice) -> str:
    """Issue 17: the Land's administrative procedure act of the notice's rule set (NRW: § 31 VwVfG NRW)."""
    region = notice.rule_set.holiday_region if notice.rule_set is not None else "NW"
    if region == "NW":
        return PERIOD_LAW
    if region in ("BY", "Augsburg"):
        return "Art. 31 BayVwVfG i. V. m. §§ 187 Abs. 1, 188 Abs. 2, 193 BGB"
    land = notice.rule_set.get_holiday_region_display()
    return f"§ 31 VwVfG in der im Land {land} geltenden Fassung i. V. m. §§ 187 Abs. 1, 188 Abs. 2, 193 BGB"


def _period_length(notice: PlacementNotice) -> str:
    """Issue 17: the length of the period and the Land of its holidays, from the notice's rule set."""
    rule_set = notice.rule_set
    if rule_set is None:
        return "eine Woche – Wochenfrist (PS-2.3)"
    weeks = "eine Woche – Wochenfrist" if rule_set.period_weeks == 1 else f"{rule_set.period_weeks} Wochen"
    with override("de"):
        return f"{weeks} (PS-2.3); Feiertage: {rule_set.region_label}; {rule_set.title}"


def _last_week(notice: PlacementNotice) -> str:
    """§ 188 Abs. 2 BGB: the week the period ends in ("der folgenden Woche" for the one-week period; for a
    longer period of the district's rule set, issue 17: "der 2. folgenden Woche")."""
    rules = notice.rules
    weeks = (rules or Rules()).weeks
    return "folgenden Woche" if weeks == 1 else f"{weeks}. folgenden Woche"


def _silence(pdf: _Document, notice: PlacementNotice):
    with override("de"):  # the one explanation of the Wochenfrist, as on the page and in the mails
        explained = wording.period_explanation(notice)
    approved = _last_event(notice, NoticeState.APPROVED_BY_SILENCE)
    rows = [
        ("Eingang der Mitteilung", explained.received),
        ("Fristbeginn", f"{explained.first_day} (der Tag des Eingangs wird nicht mitgerechnet, § 187 Abs. 1 BGB)"),
        ("Fristdauer", _period_length(notice)),
        ("rechnerisches Fristende", f"{explained.nominal_end} (§ 188 Abs. 2 BGB: Tag der {_last_week(notice)} "
                                    "mit dem Wochentag des Eingangs)"),
    ]
    if explained.moved:
        rows.append(("Verlängerung (§ 193 BGB)", f"verschoben vom {explained.moved_from}, wegen "
                                                 f"{explained.moved_because}; Fristende ist der nächste Werktag"))
    rows += [
        ("Ende der Wochenfrist", explained.end),
        ("Besetzung vollziehbar seit", fmt_moment(notice.period_ends_at)),
        ("festgestellt am", fmt_moment(approved.at) if approved else "–"),
    ]
    pdf.heading("Fristberechnung", 11)
    pdf.facts(rows)
    with override("de"):  # the words of the agreement, as in the mails and pages (staffing.wording)
        outcome = wording.ended_without_reaction(explained.end)
    pdf.paragraph("Die Koordinierungsstelle hat innerhalb der Wochenfrist weder Bedenken geäußert noch "
                  f"Klärungsbedarf angemeldet. {outcome}")
    return f"PS-2.3 der {AGREEMENT}; Fristberechnung nach {_period_law(notice)}"


def _cleared(pdf: _Document, notice: PlacementNotice):
    event = _last_event(notice, NoticeState.CLEARED)
    rows = [
        ("Eingang der Mitteilung", fmt_moment(notice.received_at)),
        ("Ende der Wochenfrist", f"{fmt_day(notice.period_last_day)}, 24:00 Uhr"),
        ("Freigabe am", fmt_moment(event.at) if event else "–"),
        ("Freigabe durch", event_actor(event) if event else "–"),
    ]
    if event and event.reason:
        rows.append(("Vermerk", event.reason))
    pdf.facts(rows)
    pdf.paragraph("Die Koordinierungsstelle hat vor Ablauf der Wochenfrist erklärt, dass gegen die geplante "
                  "Stellenbesetzung keine Bedenken bestehen. Die Besetzung darf durchgeführt werden.")
    return f"PS-2.3 der {AGREEMENT}"


def _objection_rows(notice: PlacementNotice) -> list[tuple[str, str]]:
    # the reaction itself, not a later step within the consultation (the city's statement, a rejected proposal)
    event = next((e for e in reversed(notice._events) if e.transition == "raise_objection"), None)
    kind = ObjectionKind(notice.objection_kind).label if notice.objection_kind else "–"
    return [
        ("Eingang der Mitteilung", fmt_moment(notice.received_at)),
        ("Ende der Wochenfrist", f"{fmt_day(notice.period_last_day)}, 24:00 Uhr"),
        ("Reaktion der Koordinierungsstelle", f"{kind}, am {fmt_moment(event.at)}" if event else kind),
        ("Begründung", notice.objection_reason),
        ("Teilnehmende der Erörterung", notice.consultation_participants),
        ("Verwaltungsleitungen beteiligt", _yes_no(notice.administrative_heads_involved)),
    ]


def _agreed(pdf: _Document, notice: PlacementNotice):
    event = _last_event(notice, NoticeState.AGREED)
    pdf.facts([
        *_objection_rows(notice),
        ("Einigung am", fmt_moment(event.at) if event else "–"),
        ("festgestellt durch", event_actor(event) if event else "–"),
        ("Einvernehmliche Lösung", notice.agreed_solution),
        ("Auflagen / Bedingungen", notice.agreed_conditions or "keine"),
    ])
    pdf.paragraph("Kreis und Stadt haben in der Erörterung eine einvernehmliche Lösung erzielt. Die Besetzung "
                  "darf nach Maßgabe dieser Lösung durchgeführt werden.")
    return f"PS-2.4 der {AGREEMENT}"


def _decided(pdf: _Document, notice: PlacementNotice):
    event = _last_event(notice, NoticeState.DECIDED)
    # the ledger of the cuts (PS-2.5): each with its period, a revoked cut marked as such
    cuts = []
    for c in notice.cost_cuts.order_by("pk"):
        value = fmt_euro(c.amount) if c.amount is not None else fmt_percent(c.percent)
        text = f"{value} ({c.period_from:%d.%m.%Y} bis {c.period_to:%d.%m.%Y})"
        if c.revoked_at is not None:
            text += f", aufgehoben am {fmt_moment(c.revoked_at)}: {c.revoke_reason}"
        cuts.append(text)
    cut = "; ".join(cuts) or "keine"
    pdf.facts([
        *_objection_rows(notice),
        ("Grund der Eskalation", notice.escalation_reason),
        ("Entscheidung am", fmt_moment(event.at) if event else "–"),
        ("entschieden durch", event_actor(event) if event else "–"),
        ("Entscheidung", notice.get_decision_kind_display() or "–"),
        ("Weisung im Einzelfall", notice.directive or "keine"),
        ("Kürzung der Verwaltungskostenerstattung", cut),
        ("Besetzung zulässig", _yes_no(notice.placement_permitted)),
    ])
    pdf.paragraph("In der Erörterung wurde keine einvernehmliche Lösung erzielt. Der Kreis hat wie oben "
                  "angegeben entschieden.")
    return f"PS-2.5 der {AGREEMENT}; {legal_basis_cut(notice)}"


SECTIONS = {
    NoticeState.APPROVED_BY_SILENCE: _silence,
    NoticeState.CLEARED: _cleared,
    NoticeState.AGREED: _agreed,
    NoticeState.DECIDED: _decided,
}


ANNEX_MIN_SPACE = 22  # mm: the annex heading with its table head and a first row; less than that: next page


def _annex(pdf: _Document, notice: PlacementNotice):
    """The audit trail as annex (issue 14): it starts where the text ends, on a new page only when not even
    its heading, table head and first row would fit (no near-empty pages, no orphaned heading)."""
    pdf.ln(3)
    if pdf.will_page_break(ANNEX_MIN_SPACE):
        pdf.add_page()
    pdf.heading("Anlage: Verlauf der Mitteilung (Prüfprotokoll)", 12)
    states = dict(NoticeState.choices)
    with override("de"):
        labels = {key: str(label) for key, label in states.items()}
    pdf.set_font(FONT, "", 8.5)
    with pdf.table(col_widths=(30, 45, 40, 55), text_align="LEFT", line_height=4.2,
                   padding=(0.8, 1)) as table:
        head = table.row()
        for title in ("Zeitpunkt", "Schritt", "durch", "Begründung / Vermerk"):
            head.cell(title)
        for event in notice._events:
            row = table.row()
            row.cell(_local(event.at).strftime("%d.%m.%Y %H:%M"))
            row.cell(f"{labels.get(event.from_state, event.from_state)} → {labels.get(event.to_state, event.to_state)}")
            row.cell(event_actor(event))
            row.cell(event.reason or "")


# the body that issues each certificate (PS-2.3 to PS-2.5): the district administration decides (PS-2.5),
# the coordination office documents the Wochenfrist, its clearance and the agreed solution
DECIDING_BODY = {
    NoticeState.APPROVED_BY_SILENCE: Organisation.Kind.COORDINATION,
    NoticeState.CLEARED: Organisation.Kind.COORDINATION,
    NoticeState.AGREED: Organisation.Kind.COORDINATION,
    NoticeState.DECIDED: Organisation.Kind.DISTRICT_ADMIN,
}
BODY_TITLES = {
    Organisation.Kind.COORDINATION: "Koordinierungsstelle der JobAgentur EN",
    Organisation.Kind.DISTRICT_ADMIN: "Kreisverwaltung",
}


def letterhead(notice: PlacementNotice, outcome: str) -> list[str]:
    """Issue 14, PS-2.5: the letterhead names the body whose decision the certificate documents: the
    district's name, the body ("Kreisverwaltung" for a decision of the district administration, else the
    coordination office) and that body's own name in the application, if it says more."""
    kind = DECIDING_BODY[outcome]
    lines = [notice.office.district.name, BODY_TITLES[kind]]
    organisation = Organisation.objects.filter(district_id=notice.office.district_id, kind=kind).first()
    if organisation and organisation.name and organisation.name not in lines:
        lines.append(organisation.name)
    return lines


def notice_certificate_pdf(notice: PlacementNotice, *, issued_at: datetime | None = None) -> bytes:
    """PS-2.3 to PS-2.5: the certificate of a notice's outcome, with the audit trail as an annex."""
    outcome = notice_outcome(notice)
    if outcome is None:
        raise ValueError("notice has no outcome yet")
    notice._events = list(notice.events.select_related("actor", "on_behalf_of").order_by("at", "pk"))
    issued_at = issued_at or timezone.now()
    reference = notice.reference or "ohne Aktenzeichen"
    pdf = _Document(footer_text=f"Aktenzeichen: {reference} · Mitteilung Nr. {notice.pk}")
    pdf.set_title(TITLES[outcome])
    pdf.set_author("JobAgentur EN")
    pdf.add_page()
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(0, 4.5, "\n".join(letterhead(notice, outcome)), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.heading(TITLES[outcome], 14)
    pdf.facts([
        ("Aktenzeichen", notice.reference or "– (nicht vergeben)"),
        ("Mitteilung Nr.", str(notice.pk)),
        ("Stadt / Regionalstelle", f"{notice.office.city.name if notice.office.city_id else ''} / "
                                   f"{notice.office.name}"),
        ("Stelle", _position(notice)),
        ("Funktion", notice.function.name if notice.function_id else "–"),
        ("Bewerber/in", _candidates(notice)),
        ("geplanter Besetzungstermin", notice.planned_start.strftime("%d.%m.%Y") if notice.planned_start else "–"),
    ])
    legal_basis = SECTIONS[outcome](pdf, notice)
    pdf.heading("Rechtsgrundlage", 11)
    pdf.paragraph(legal_basis)
    pdf.ln(2)
    pdf.paragraph(f"Ausgestellt am {fmt_moment(issued_at)}. Dieses Dokument wurde maschinell aus dem "
                  "Prüfprotokoll der Anwendung „Personelle Standards“ erstellt; der Verlauf ist als Anlage "
                  "beigefügt.", size=8.5)
    _annex(pdf, notice)
    return bytes(pdf.output())
