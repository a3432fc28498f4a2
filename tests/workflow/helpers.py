"""Helpers for the workflow tests: fixed instants, a complete draft, and one call per transition service.

The clock stands still at SUBMITTED_AT (Wednesday 25.11.2026, 10:00 Berlin); the objection period of a
notice submitted then ends at PERIOD_END (Thursday 03.12.2026, 00:00 Berlin, i.e. Wednesday 24:00).
"""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from staffing import services
from staffing.models import Function, PlacementNotice

from ..factories import CandidateFactory, FunctionFactory, PositionFactory, VacancyFactory

BERLIN = ZoneInfo("Europe/Berlin")
SUBMITTED_AT = datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN)
PERIOD_END = datetime(2026, 12, 3, 0, 0, tzinfo=BERLIN)
LAST_SECOND = datetime(2026, 12, 2, 23, 59, 59, tzinfo=BERLIN)
REMINDER_DUE = datetime(2026, 12, 1, 0, 0, tzinfo=BERLIN)


def complete_draft(office, clerk, *, leadership: bool = False, head_involved: bool = False) -> PlacementNotice:
    """A complete draft for a new position of `office` with an open vacancy and one candidate."""
    function = FunctionFactory(code=Function.Code.TEAM_LEAD if leadership else Function.Code.PLACEMENT)
    position = PositionFactory(office=office, function=function,
                               title="Teamleitung" if leadership else "Arbeitsvermittler/in")
    VacancyFactory(position=position)
    notice = services.notice_create(by=clerk, position=position, planned_start=date(2027, 2, 1),
                                    reason="Nachbesetzung nach Ruhestand", head_involved=head_involved,
                                    goals_statement="Sichert die Vermittlung in Arbeit.")
    CandidateFactory(notice=notice)
    return notice


ARGS = {
    "submit": {},
    "clear": {"reason": "Keine Bedenken."},
    "raise_objection": {"kind": "concerns", "reason": "Qualifikation entspricht nicht PS-1.2."},
    "agree": {"solution": "Praxiseinweisung vor Einsatz", "for_district": "Frau Heimann", "for_city": "Herr Brandt",
              "administrative_heads_involved": True, "conditions": "Fortbildung binnen 6 Monaten"},
    "city_statement": {"text": "Die Nachweise zur Berufserfahrung liegen jetzt bei."},
    "propose_agreement": {"solution": "Praxiseinweisung vor Einsatz", "participants": "Frau Heimann, Herr Brandt",
                          "conditions": "Fortbildung binnen 6 Monaten"},
    "confirm_agreement": {"reason": "Einverstanden."},
    "reject_agreement": {"reason": "Die Einweisung reicht nicht aus."},
    "escalate": {"reason": "Keine Einigung erzielt.", "participants": "Frau Heimann, Herr Brandt"},
    "decide": {"kind": "conditions", "directive": "Die Besetzung ist mit Auflagen zulässig."},
    "place": {"placed_on": date(2027, 2, 1), "confirm_ahead": True},  # beyond PLACEMENT_MAX_DAYS_AHEAD
    "withdraw": {"reason": "Bewerberin hat abgesagt."},
}


def run(name: str, notice: PlacementNotice, user, **overrides):
    """Call the service of transition `name` as `user` with valid arguments."""
    return getattr(services, f"notice_{name}")(notice_id=notice.pk, by=user, **{**ARGS[name], **overrides})


def events(notice: PlacementNotice) -> list[tuple]:
    """The audit trail as (transition, actor username or None, from, to)."""
    return [(e.transition, e.actor.username if e.actor_id else None, e.from_state, e.to_state)
            for e in notice.events.order_by("pk").select_related("actor")]
