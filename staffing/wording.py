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
            "escalated": str(ESCALATED)}
