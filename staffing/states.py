"""The states of a placement notice and what each state means for each role (PS-2).

One table, read by everything that shows or acts on a state: the badges, the start pages ("Zu tun"),
the selector of what waits for a user, the notification recipients, the demo data and the templates.
No other module compares state strings to decide who acts or what a user is told.

A role "acts" in a state when it has a step to take there: a django-fsm transition, or a record the
procedure asks of it (completing a draft, the head's statement). Optional steps that are always
possible (withdrawing, commenting) do not make a notice wait for anybody.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import wording


class Role(models.TextChoices):
    """The roles of the agreement's people; a user's role follows from their organisation's kind."""

    CITY_CLERK = "city", _("Personalsachbearbeitung der Stadt")
    COORDINATION = "coordination", _("Koordinierungsstelle")
    DISTRICT_ADMIN = "district_admin", _("Kreisverwaltung")
    HEAD = "management", _("Leitung der JobAgentur")


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    INFORMED = "informed", _("Mitgeteilt, Frist läuft")
    CLEARED = "cleared", _("Freigegeben ohne Bedenken")
    APPROVED_BY_SILENCE = "approved_by_silence", wording.SILENCE_OUTCOME
    CONSULTATION = "consultation", _("In Erörterung")
    AGREEMENT_PROPOSED = "agreement_proposed", _("Einigung vorgeschlagen")
    AGREED = "agreed", _("Einvernehmlich gelöst")
    ESCALATED = "escalated", wording.ESCALATED
    DECIDED = "decided", _("Entschieden durch den Kreis")
    PLACED = "placed", _("Besetzung durchgeführt")
    WITHDRAWN = "withdrawn", _("Zurückgezogen")


# States in which a notice still binds its position: at most one such notice per position.
OPEN_STATES = [
    NoticeState.DRAFT, NoticeState.INFORMED, NoticeState.CLEARED, NoticeState.APPROVED_BY_SILENCE,
    NoticeState.CONSULTATION, NoticeState.AGREEMENT_PROPOSED, NoticeState.AGREED, NoticeState.ESCALATED,
    NoticeState.DECIDED,
]
# States from which the city may carry out the placement (PS-2.3, PS-2.4, PS-2.5).
PLACEABLE_STATES = [NoticeState.CLEARED, NoticeState.APPROVED_BY_SILENCE, NoticeState.AGREED,
                    NoticeState.DECIDED]
FINAL_STATES = [NoticeState.PLACED, NoticeState.WITHDRAWN]
# The states the district's escalation page lists (PS-2.4 consultation and proposed agreement, PS-2.5 escalation).
ESCALATION_PAGE_STATES = [NoticeState.ESCALATED, NoticeState.CONSULTATION, NoticeState.AGREEMENT_PROPOSED]


class NotificationKind(models.TextChoices):
    """The workflow's kinds of notification; other apps add theirs through
    `staffing.hooks.register_notification_kinds` (`Notification.kind` takes them all)."""

    SUBMITTED = "submitted", _("Neue Mitteilung eingegangen")
    REMINDER = "reminder", _("Frist endet bald")
    DECISION = "decision", _("Entscheidung zu einer Mitteilung")
    APPROVED_BY_SILENCE = "approved_by_silence", wording.SILENCE_OUTCOME
    ESCALATION = "escalation", _("Eskalation")
    HEAD_INVOLVED = "head_involved", _("Beteiligung der Leitung")
    COMMENT = "comment", _("Neuer Kommentar")
    CITY_STATEMENT = "city_statement", _("Stellungnahme der Stadt")
    AGREEMENT_PROPOSED = "agreement_proposed", _("Einigung vorgeschlagen")


class AgreementSide(models.TextChoices):
    """PS-2.4 "Kreis und Stadt erörtern": the two sides of the consultation."""

    DISTRICT = "district", _("Kreis")
    CITY = "city", _("Stadt")


def side_of_role(role: str | None) -> str | None:
    """The side of the consultation a role speaks for (PS-2.4); None for a role outside it."""
    if role == Role.CITY_CLERK:
        return AgreementSide.CITY
    if role in (Role.COORDINATION, Role.DISTRICT_ADMIN):
        return AgreementSide.DISTRICT
    return None


# --- guards: extra conditions under which a role acts, as a query and as a test of one notice --------

@dataclass(frozen=True)
class Guard:
    """A condition on the notice (and the user) under which a role's step is due."""

    q: object  # (user, now) -> Q
    test: object  # (notice, user) -> bool


def _always_q(user, now):
    return Q()


def _always(notice, user):
    return True


GUARDS = {
    # PS-2.3: the coordination office reacts only while the week runs
    "week_running": Guard(lambda user, now: Q(period_ends_at__gt=now),
                          lambda notice, user: notice.period_running()),
    # PS-2.5: after the district's decision the city places only if the decision allows it
    "placement_permitted": Guard(lambda user, now: Q(placement_permitted=True),
                                 lambda notice, user: bool(notice.placement_permitted)),
    # PS-2.6: the head of the JobAgentur gives a statement on the notices it is involved in, once
    "head_statement_missing": Guard(
        lambda user, now: Q(head_involved=True) & ~Q(comments__author_id=user.pk),
        lambda notice, user: notice.head_involved and not any(
            c.author_id == user.pk for c in notice.comments.all())),
    # PS-2.6: the head reacts for the coordination office on leadership notices it is directly involved in,
    # while the week runs
    "head_reacts_in_week": Guard(
        lambda user, now: Q(head_involved=True, function__is_leadership=True, period_ends_at__gt=now),
        lambda notice, user: notice.head_involved and notice.function_id is not None
        and notice.function.is_leadership and notice.period_running()),
    # PS-2.4: in the consultation the city gives its statement, once
    "city_statement_missing": Guard(
        lambda user, now: ~Q(events__transition="city_statement"),
        lambda notice, user: not any(e.transition == "city_statement" for e in notice.events.all())),
    # PS-2.4: a proposed agreed solution is confirmed or rejected by the OTHER side
    "agreement_proposed_by_district": Guard(
        lambda user, now: Q(agreement_proposed_side=AgreementSide.DISTRICT),
        lambda notice, user: notice.agreement_proposed_side == AgreementSide.DISTRICT),
    "agreement_proposed_by_city": Guard(
        lambda user, now: Q(agreement_proposed_side=AgreementSide.CITY),
        lambda notice, user: notice.agreement_proposed_side == AgreementSide.CITY),
    None: Guard(_always_q, _always),
}


@dataclass(frozen=True)
class Duty:
    """What one role does in one state: the steps the notice page offers for it, and the "Zu tun" text."""

    steps: tuple[str, ...]
    todo: str | Promise
    guard: str | None = None


@dataclass(frozen=True)
class StateMeaning:
    """What a state means: its badge, whether the Wochenfrist counts, who acts, who is told on entry."""

    state: NoticeState
    badge: str  # KERN badge variant; the label is always shown as text too
    period_runs: bool = False  # the one-week period is running (PS-2.3)
    period_relevant: bool = False  # the period's end decides the outcome (running, or ended by silence)
    decided_by_district: bool = False  # the district's decision (PS-2.5) is part of the record
    period_shown: bool = True  # pages show the Wochenfrist (not once the notice is closed: placed, withdrawn)
    duties: dict[str, Duty] = field(default_factory=dict)
    # who is told when a notice enters this state: (roles, notification kind)
    tell: tuple[tuple[tuple[str, ...], str], ...] = ()

    @property
    def label(self):
        return self.state.label

    def duty_of(self, role: str | None) -> Duty | None:
        return self.duties.get(role) if role else None

    @property
    def acting_roles(self) -> list[str]:
        return list(self.duties)


_PLACE = Duty(("place",), _("Besetzung durchführen und eintragen"))
_HEAD_STATEMENT = Duty(("comment",), _("Stellungnahme der Leitung abgeben (Kommentar)"), "head_statement_missing")
_CONSULTATION_RESULT = Duty(("propose_agreement", "agree", "escalate"),
                            _("Erörterung: Ergebnis festhalten (Einigung oder Eskalation)"))
_ANSWER_PROPOSAL = _("Vorgeschlagene Einigung bestätigen oder ablehnen")
CITY, COORD, ADMIN, HEAD = Role.CITY_CLERK, Role.COORDINATION, Role.DISTRICT_ADMIN, Role.HEAD
K = NotificationKind

STATES: dict[str, StateMeaning] = {m.state: m for m in [
    StateMeaning(NoticeState.DRAFT, "info", duties={
        CITY: Duty(("edit", "submit"), _("vervollständigen und einreichen"))}),
    StateMeaning(NoticeState.INFORMED, "warning", period_runs=True, period_relevant=True, duties={
        COORD: Duty(("clear", "raise_objection"), _("prüfen: freigeben oder Bedenken / Klärungsbedarf äußern"),
                    "week_running"),
        # PS-2.6: the directly involved head may react instead of the coordination office
        HEAD: Duty(("clear", "raise_objection"),
                   _("prüfen: freigeben, Klärungsbedarf anmelden oder Bedenken äußern (anstelle der "
                     "Koordinierungsstelle, PS-2.6)"), "head_reacts_in_week"),
    }, tell=(((COORD,), K.SUBMITTED),)),
    StateMeaning(NoticeState.CLEARED, "success", duties={CITY: _PLACE}, tell=(((CITY,), K.DECISION),)),
    StateMeaning(NoticeState.APPROVED_BY_SILENCE, "success", period_relevant=True, duties={CITY: _PLACE},
                 tell=(((CITY, COORD), K.APPROVED_BY_SILENCE),)),
    StateMeaning(NoticeState.CONSULTATION, "warning", duties={
        COORD: _CONSULTATION_RESULT, ADMIN: _CONSULTATION_RESULT, HEAD: _HEAD_STATEMENT,
        CITY: Duty(("city_statement",), _("Stellungnahme der Stadt abgeben"), "city_statement_missing"),
    }, tell=(((CITY,), K.DECISION),)),
    # PS-2.4: one side proposed the agreed solution, the other side confirms it (or rejects it)
    StateMeaning(NoticeState.AGREEMENT_PROPOSED, "warning", duties={
        CITY: Duty(("confirm_agreement", "reject_agreement"), _ANSWER_PROPOSAL, "agreement_proposed_by_district"),
        COORD: Duty(("confirm_agreement", "reject_agreement"), _ANSWER_PROPOSAL, "agreement_proposed_by_city"),
        ADMIN: Duty(("confirm_agreement", "reject_agreement"), _ANSWER_PROPOSAL, "agreement_proposed_by_city"),
    }, tell=(((CITY, COORD, ADMIN), K.AGREEMENT_PROPOSED),)),
    StateMeaning(NoticeState.AGREED, "success", duties={
        CITY: Duty(("place",), _("Besetzung gemäß Einigung durchführen und eintragen"))},
        tell=(((CITY,), K.DECISION), ((COORD,), K.DECISION))),
    StateMeaning(NoticeState.ESCALATED, "danger", duties={
        ADMIN: Duty(("decide",), _("Entscheidung treffen (Besetzung zulässig, unterbleibt oder mit Auflagen)")),
        HEAD: _HEAD_STATEMENT,
    }, tell=(((ADMIN,), K.ESCALATION), ((CITY, COORD), K.DECISION))),
    StateMeaning(NoticeState.DECIDED, "info", decided_by_district=True, duties={
        CITY: Duty(("place",), _("Besetzung gemäß Entscheidung durchführen und eintragen"), "placement_permitted")},
        tell=(((CITY, COORD), K.DECISION),)),
    # placed / withdrawn: the coordination office is told, unless a draft was withdrawn (never submitted)
    StateMeaning(NoticeState.PLACED, "success", period_shown=False, tell=(((COORD,), K.DECISION),)),
    StateMeaning(NoticeState.WITHDRAWN, "info", period_shown=False, tell=(((COORD,), K.DECISION),)),
]}


def meaning(state: str) -> StateMeaning:
    """The meaning of a state (PS-2); an unknown state is a programming error."""
    return STATES[state]


def waiting_q(user, role: str | None, *, now=None) -> Q | None:
    """The notices waiting for a user of this role: in a state where the role has a due step, and the
    step's guard holds. None: nothing waits for this role.
    Issue 16: the states once more as one `state IN (...)` beside the OR of (state and guard), so PostgreSQL reads
    the scope's notices in those states as index ranges (notice_office_state_idx, notice_district_state_idx); with
    the OR alone it combined the scope's rows with every notice of the country in each state (226,000 approved by
    silence at 300 districts after repeated sweeps: 8-12 ms, with both 0.4 ms)."""
    now = now or timezone.now()
    q, states = None, []
    for state, m in STATES.items():
        duty = m.duty_of(role)
        if duty is None:
            continue
        states.append(state)
        part = Q(state=state) & GUARDS[duty.guard].q(user, now)
        q = part if q is None else q | part
    return None if q is None else Q(state__in=states) & q


def due_duty(notice, user, role: str | None) -> Duty | None:
    """The duty of the user's role on this notice in its current state, if its guard holds."""
    duty = meaning(notice.state).duty_of(role)
    if duty is None or not GUARDS[duty.guard].test(notice, user):
        return None
    return duty


# Steps that leave the state as it is (or whose news is not the state's): who is told of the step itself.
TRANSITION_TELL: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    # PS-2.4: the city's statement in the consultation goes to the coordination office and the district
    "city_statement": (((COORD, ADMIN), K.CITY_STATEMENT),),
    # PS-2.4: a rejected proposal: both sides are back in the consultation
    "reject_agreement": (((CITY, COORD, ADMIN), K.DECISION),),
    # PS-2.5: revoking a cut goes to the city and the coordination office, whatever the notice's state
    "revoke_cut": (((CITY, COORD), K.DECISION),),
}


def notice_kinds_for_step(transition: str, to_state: str, from_state: str):
    """Who is told of a step: its own entry in TRANSITION_TELL, else as the state it enters says."""
    return notice_kinds_for_entry(to_state, from_state, transition)


def notice_kinds_for_entry(to_state: str, from_state: str,
                           transition: str = "") -> tuple[tuple[tuple[str, ...], str], ...]:
    """Who is told when a notice enters `to_state` (PS-2.3 to PS-2.5); a withdrawn draft tells nobody; a
    step named in TRANSITION_TELL tells whom that table says."""
    if transition in TRANSITION_TELL:
        return TRANSITION_TELL[transition]
    if to_state in FINAL_STATES and from_state == NoticeState.DRAFT:
        return ()
    return meaning(to_state).tell
