"""The words of the agreement (PS-2.3 to PS-2.5), in one place: pages, mails, the ICS event, the PDF
certificate and the audit reasons take their sentences from here, so every channel says the same.

The agreement's terms (docs/glossary.md, which also lists the words to avoid and why): the one-week
period is the "Wochenfrist" (the formal remedy of §§ 68 ff. VwGO is a different procedure); when the
coordination office does not react within it, "kann die Stellenbesetzung vollzogen werden" (nothing is
deemed consented); without an agreed solution the matter goes "an die Kreisverwaltung".

Code keeps its identifiers (`approved_by_silence`, `objection_kind`, ...); only what users read is here.
Sentences that take a date get it already formatted (`deadlines.format_period_end`).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# --- terms ------------------------------------------------------------------------------------

PERIOD = gettext_lazy("Wochenfrist")  # PS-2.3
# the outcome of silence (PS-2.3): the state label, the notification kind and the certificate say it
SILENCE_OUTCOME = gettext_lazy("Besetzung kann vollzogen werden (keine Reaktion innerhalb der Wochenfrist)")
ESCALATED = gettext_lazy("Eskaliert an die Kreisverwaltung")  # PS-2.5
# the steps of the coordination office that must come within the Wochenfrist (PS-2.3, PS-2.4)
# the transitions and the two forms of raise_objection (Klärungsbedarf anmelden, Bedenken äußern)
REACTION_STEPS = ("clear", "raise_objection", "request_clarification", "raise_concerns")


def _day(moment) -> str:
    """"03.12.2026": the calendar day (legal time zone) of an instant."""
    from .deadlines import legal_time_zone

    return timezone.localtime(moment, legal_time_zone()).strftime("%d.%m.%Y")


# --- the period -------------------------------------------------------------------------------

def period_ends(end: str) -> str:
    """A running period: "Die Wochenfrist endet am Mittwoch, 02.12.2026, 24:00 Uhr." """
    return _("Die Wochenfrist endet am %(end)s.") % {"end": end}


def if_silent() -> str:
    """What happens when the coordination office lets the period pass (PS-2.3)."""
    return _("Äußert die Koordinierungsstelle bis dahin weder Bedenken noch Klärungsbedarf, kann die "
             "Stellenbesetzung vollzogen werden (PS-2.3).")


def ended_without_reaction(end: str) -> str:
    """The period has passed without a reaction (mails, PDF, audit reason of the sweep)."""
    return _("Die Wochenfrist endete am %(end)s ohne Reaktion der Koordinierungsstelle. Die Stellenbesetzung "
             "kann vollzogen werden (PS-2.3).") % {"end": end}


def silence_audit_reason(end: str) -> str:
    """The audit reason the deadline sweep records."""
    return _("Keine Reaktion innerhalb der Wochenfrist bis %(end)s: Die Stellenbesetzung kann vollzogen "
             "werden (PS-2.3).") % {"end": end}


def late_reaction(notice) -> str:
    """PS-2.3: a reaction of the coordination office after the Wochenfrist: why it is refused, with the
    end of the period and since when the placement may go ahead (repeating the step cannot help)."""
    from .deadlines import format_period_end

    return _("Die Wochenfrist endete am %(end)s; die Besetzung kann seit dem %(since)s vollzogen werden "
             "(keine Reaktion innerhalb der Wochenfrist, PS-2.3). Eine Reaktion der Koordinierungsstelle "
             "ist nicht mehr möglich.") % {"end": format_period_end(notice), "since": _day(notice.period_ends_at)}


def period_still_running(end: str) -> str:
    return _("Die Wochenfrist läuft noch bis %(end)s.") % {"end": end}


def period_status(notice, *, end: str, now=None) -> str:
    """The banner of the notice page: the Wochenfrist with the right tense (PS-2.3).

    Running: "Wochenfrist: endet am … (noch 3 Tage)"; ended by silence: "Die Wochenfrist endete am …";
    no longer relevant because the coordination office reacted: "hätte am … geendet" for an end still
    ahead, "endete am …" for one behind, each saying why it no longer counts."""
    from django.utils.translation import ngettext

    now = now or timezone.now()
    ended = bool(notice.period_ends_at) and now >= notice.period_ends_at
    if not notice.meaning.period_relevant:
        because = _("weil die Koordinierungsstelle innerhalb der Frist reagiert hat (jetzt: „%(state)s“)") % {
            "state": notice.get_state_display()}
        if ended:
            return _("Die Wochenfrist endete am %(end)s; sie ist nicht mehr maßgeblich, %(because)s.") % {
                "end": end, "because": because}
        return _("Die Wochenfrist hätte am %(end)s geendet; sie ist nicht mehr maßgeblich, %(because)s.") % {
            "end": end, "because": because}
    if ended:
        return _("Die Wochenfrist endete am %(end)s (abgelaufen).") % {"end": end}
    from .deadlines import legal_time_zone

    left = (notice.period_last_day - now.astimezone(legal_time_zone()).date()).days
    rest = _("endet heute") if left <= 0 else ngettext("noch %(n)d Tag", "noch %(n)d Tage", left) % {"n": left}
    return _("Die Wochenfrist endet am %(end)s (%(rest)s).") % {"end": end, "rest": rest}


def mail_words(notice, end: str) -> dict[str, str]:
    """The sentences of the notification mails (templates/staffing/email/), from the same source."""
    return {"period": str(PERIOD), "period_ends": period_ends(end), "if_silent": if_silent(),
            "ended_without_reaction": ended_without_reaction(end), "silence_outcome": str(SILENCE_OUTCOME),
            "escalated": str(ESCALATED), "period_explanation": _period_explanation_text(notice)}


def _period_explanation_text(notice) -> str:
    """The Wochenfrist explanation of the mails (issue 14), from `period_explanation`."""
    explained = period_explanation(notice)
    return explained.text() if explained else ""


# --- issue 14: the Wochenfrist explained (page, PDF and mail take their parts from here) ----------

@dataclass(frozen=True)
class PeriodExplanation:
    """PS-2.3 with §§ 187 (1), 188 (2), 193 BGB: how a notice's Wochenfrist was computed, in parts.

    Dates come already formatted in German (legal time zone); `moved_from`/`moved_because` are "" when
    § 193 BGB did not move the end. `outcome` is what happens when the period ends (the agreement's words)."""

    received: str          # "Donnerstag, 26.03.2026, 10:00 Uhr"
    first_day: str         # "Freitag, 27.03.2026": the first day counted (§ 187 Abs. 1 BGB)
    nominal_end: str       # "Donnerstag, 02.04.2026": same weekday a week later (§ 188 Abs. 2 BGB)
    end: str               # "Dienstag, 07.04.2026, 24:00 Uhr"
    moved_from: str        # "Freitag, 03.04.2026" or ""
    moved_because: str     # "Feiertag: Karfreitag; Wochenende; Feiertag: Ostermontag" or ""
    outcome: str           # if_silent()

    @property
    def moved(self) -> bool:
        return bool(self.moved_from)

    def sentences(self) -> list[str]:
        """The block as short German sentences (the notice page and the mails)."""
        lines = [
            _("Eingegangen am %(received)s; der Tag des Eingangs zählt nicht mit (§ 187 Abs. 1 BGB).")
            % {"received": self.received},
            _("Ende der Wochenfrist: %(end)s.") % {"end": self.end},
        ]
        if self.moved:
            lines.append(_("Verschoben vom %(from)s, wegen %(because)s (§ 193 BGB).")
                         % {"from": self.moved_from, "because": self.moved_because})
        lines.append(self.outcome)
        return lines

    def text(self) -> str:
        return "\n".join(self.sentences())


def _because(reasons) -> str:
    """§ 193 BGB reasons as users read them: "Wochenende (Samstag, Sonntag)", "Feiertag Karfreitag"."""
    from .deadlines import HOLIDAY_PREFIX, WEEKEND_PREFIX

    weekend = list(dict.fromkeys(r.removeprefix(WEEKEND_PREFIX) for r in reasons if r.startswith(WEEKEND_PREFIX)))
    feasts = list(dict.fromkeys(r.removeprefix(HOLIDAY_PREFIX) for r in reasons if r.startswith(HOLIDAY_PREFIX)))
    parts = []
    if feasts:
        label = _("Feiertag") if len(feasts) == 1 else _("Feiertagen")
        parts.append(f"{label} {', '.join(feasts)}")
    if weekend:
        parts.append(_("Wochenende (%(days)s)") % {"days": ", ".join(weekend)})
    return _(" und ").join(parts)


def period_explanation(notice) -> PeriodExplanation | None:
    """PS-2.3 / § 31 VwVfG NRW with §§ 187 (1), 188 (2), 193 BGB: the parts of the Wochenfrist explanation
    of a received notice (None before receipt). The one source for the notice page, the PDF certificate
    and the mails; the end is the stored one (`period_last_day`), the reasoning recomputed from receipt."""
    from datetime import timedelta

    from django.utils.formats import date_format

    from .deadlines import legal_time_zone, objection_period

    if not notice.received_at:
        return None
    period = objection_period(notice.received_at, notice.rules)  # issue 17: the rule set of its receipt
    last_day = notice.period_last_day or period.last_day
    received = timezone.localtime(notice.received_at, legal_time_zone())
    moved = last_day != period.nominal_last_day
    because = _because(period.extension_reasons) if moved else ""
    if moved and not because:  # the stored end differs although today's calendar has no reason
        because = notice.period_extension_reason or ""
    return PeriodExplanation(
        received=f"{date_format(received, 'l, d.m.Y, H:i')} {_('Uhr')}",
        first_day=date_format(period.received_on + timedelta(days=1), "l, d.m.Y"),
        nominal_end=date_format(period.nominal_last_day, "l, d.m.Y"),
        end=f"{date_format(last_day, 'l, d.m.Y')}, 24:00 {_('Uhr')}",
        moved_from=date_format(period.nominal_last_day, "l, d.m.Y") if moved else "",
        moved_because=because,
        outcome=if_silent(),
    )


def notice_label(notice) -> str:
    """How notifications name a notice (issue 14): "Mitteilung 10, Witten, Arbeitsvermittler/in" – number,
    city and the position's title (else the function)."""
    office = getattr(notice, "office", None)
    return notice_label_of(notice.pk, office.city.name if office is not None and office.city_id else None,
                           notice.position.title if notice.position_id else None,
                           notice.function.name if notice.function_id else None)


def notice_label_of(number, city: str | None, position: str | None, function: str | None) -> str:
    """`notice_label` from its parts (issue 16, point 3: the notifications page reads them as columns of its
    rows): the city, if any; the position's title, else (no position) the function's name."""
    parts = [_("Mitteilung %(number)s") % {"number": number}]
    if city is not None:
        parts.append(city)
    if position is not None:
        parts.append(position)
    elif function is not None:
        parts.append(function)
    return ", ".join(parts)
