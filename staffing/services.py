"""Writes: the only way to change a placement notice (PS-2). Views, tasks and commands call these.

Every state change runs in one transaction: lock the row (inside the user's scope), check state,
role and conditions with django-fsm, apply the transition, write the audit record, tell the other apps
(`hooks.notice_step_recorded`), and hand the notifications to Celery on commit (`notifications`: an
outbox in the audit table catches what the broker missed).
"""
from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import access, hooks, notifications, records, wording
from .deadlines import format_period_end, objection_period
from .models import (
    INITIAL_VALID_FROM,
    OPEN_STATES,
    PLACEABLE_STATES,
    RULE_SET_FIELDS,
    AdministrativeCostCut,
    AgreementRuleSet,
    Candidate,
    DecisionKind,
    District,
    JobAgenturGoal,
    NoticeComment,
    NoticeEvent,
    NoticeState,
    ObjectionKind,
    PlacementNotice,
    Position,
    User,
    Vacancy,
)
from .selectors import notice_for_user, rule_set_in_force
from .states import AgreementSide, side_of_role
from .ui import format_euro, format_fte

logger = logging.getLogger(__name__)

LEGAL_BASIS_CUT = "§ 4 Abs. 1 der Heranziehungssatzung des Ennepe-Ruhr-Kreises vom 18.04.2007"


def legal_basis_cut(notice) -> str:
    """PS-2.5: the statute of the notice's district that allows the cut (issue 17: its rule set)."""
    rule_set = getattr(notice, "rule_set", None)
    return rule_set.legal_basis_cut if rule_set is not None else LEGAL_BASIS_CUT


class WorkflowError(ValidationError):
    """A workflow step that is not possible now; the message is for the user (German)."""


# --- drafts ---------------------------------------------------------------------------------

NOTICE_FIELDS = ("position", "function", "vacancy", "reference", "notice_kind", "planned_start", "early_start_reason",
                 "goals_statement", "reason", "head_involved")
CANDIDATE_FIELDS = ("full_name", "employment", "grade", "qualification", "qualification_detail", "career_track",
                    "professional_background", "months_experience", "induction_planned", "is_selected")


@transaction.atomic
def notice_create(*, by: User, candidates: list[dict] | None = None, **data) -> PlacementNotice:
    """PS-2.2: a city clerk starts a notice as a draft for the regional office of their city."""
    office = access.regional_office_of(by) if access.can(by, "notice.create") else None
    if office is None:
        raise PermissionDenied(_("Nur die Personalsachbearbeitung einer Stadt kann Mitteilungen anlegen."))
    notice = PlacementNotice(office=office, created_by=by)
    _apply_draft_data(notice, data)
    _save_holding_position(notice)
    _apply_goals(notice, data)
    for candidate in candidates or []:
        Candidate.objects.create(notice=notice, **_only(candidate, CANDIDATE_FIELDS))
    return notice


@transaction.atomic
def notice_update_draft(*, notice_id: int, by: User, candidates: list[dict] | None = None,
                        **data) -> PlacementNotice:
    """PS-2.2: the city edits its draft; a submitted notice is no longer changed."""
    notice = notice_for_user(by, notice_id, for_update=True)
    if not access.can(by, "notice.edit", notice):
        if access.can(by, "notice.submit", notice):  # the notice's own city, but no longer a draft
            raise WorkflowError(_("Die Mitteilung ist bereits eingereicht und kann nicht mehr geändert werden."))
        raise PermissionDenied(_("Nur die Personalsachbearbeitung der Stadt kann den Entwurf ändern."))
    _apply_draft_data(notice, data)
    _save_holding_position(notice)
    _apply_goals(notice, data)
    if candidates is not None:
        notice.candidates.all().delete()
        for candidate in candidates:
            Candidate.objects.create(notice=notice, **_only(candidate, CANDIDATE_FIELDS))
    return notice


# issue 13, PS-4.2: a notice is about a position of the district's staff plan
def inactive_position_message() -> str:
    return _("Die Stelle ist nicht mehr im Stellenplan des Kreises; für sie kann keine "
             "Stellenbesetzung mitgeteilt werden (PS-4.2).")


def open_notice_message(notice: PlacementNotice) -> str:
    """The German refusal for a second open notice on a position, naming the open one."""
    return (_("Für diese Stelle ist bereits die Mitteilung Nr. %(number)s (Status „%(state)s“) offen. Eine "
              "neue Mitteilung ist möglich, sobald diese besetzt oder zurückgezogen ist.")
            % {"number": notice.pk, "state": notice.get_state_display()})


def open_notice_on(position_id: int | None, *, exclude_pk: int | None = None) -> PlacementNotice | None:
    """The notice that still binds the position (at most one, `one_open_notice_per_position`)."""
    if not position_id:
        return None
    return (PlacementNotice.objects.filter(position_id=position_id, state__in=OPEN_STATES)
            .exclude(pk=exclude_pk).first())


def _save_holding_position(notice: PlacementNotice) -> None:
    """PS-2.2: save the draft; a position already bound by another open notice is refused with a German
    message naming it. The position row is locked first, so two clerks cannot both pass the check; the
    database constraint (`one_open_notice_per_position`) stays the last guard and is answered the same way."""
    if notice.position_id:
        position = Position.objects.select_for_update().filter(pk=notice.position_id).first()
        previous = (PlacementNotice.objects.filter(pk=notice.pk).values_list("position_id", flat=True).first()
                    if notice.pk else None)
        if position is not None and not position.is_active and previous != notice.position_id:
            raise WorkflowError({"position": inactive_position_message()})
        other = open_notice_on(notice.position_id, exclude_pk=notice.pk)
        if other is not None:
            raise WorkflowError({"position": open_notice_message(other)})
    try:
        with transaction.atomic():
            notice.save()
    except IntegrityError:
        other = open_notice_on(notice.position_id, exclude_pk=notice.pk)
        if other is None:
            raise
        raise WorkflowError({"position": open_notice_message(other)}) from None


def _only(data: dict, fields) -> dict:
    return {k: v for k, v in data.items() if k in fields}


PAST_START_MESSAGE = _("Der geplante Besetzungstermin darf nicht in der Vergangenheit liegen (PS-2.2: "
                       "frühzeitige Information).")


def _apply_draft_data(notice: PlacementNotice, data: dict) -> None:
    for field, value in _only(data, NOTICE_FIELDS).items():
        setattr(notice, field, value)
    if data.get("planned_start") and data["planned_start"] < timezone.localdate():
        raise WorkflowError({"planned_start": PAST_START_MESSAGE})
    if notice.position_id and notice.position.office_id != notice.office_id:
        raise WorkflowError({"position": _("Die Stelle gehört nicht zur Regionalstelle Ihrer Stadt.")})
    if notice.position_id and not notice.function_id:
        notice.function_id = notice.position.function_id
    if notice.vacancy_id and notice.vacancy.position_id != notice.position_id:
        raise WorkflowError({"vacancy": _("Die Vakanz gehört nicht zur gewählten Stelle.")})
    if notice.position_id and not notice.vacancy_id:
        notice.vacancy = Vacancy.objects.filter(position_id=notice.position_id, refilled_on__isnull=True).first()


def _apply_goals(notice: PlacementNotice, data: dict) -> None:
    """PS-2.1: the goals of the JobAgentur EN the placement serves, among the active goals of the district."""
    if "goals" not in data:
        return
    chosen = [g.pk if hasattr(g, "pk") else int(g) for g in data["goals"] or []]
    goals = list(JobAgenturGoal.objects.filter(pk__in=chosen, district_id=notice.office.district_id, active=True))
    if len(goals) != len(set(chosen)):
        raise WorkflowError({"goals": _("Bitte wählen Sie nur aktive Ziele Ihres Kreises.")})
    notice.goals.set(goals)


def start_errors(notice: PlacementNotice, received_at) -> dict[str, str]:
    """PS-2.2: the coordination office is informed early, before binding decisions: the planned start may
    not lie before receipt, and a start before the end of the Wochenfrist needs a stated reason."""
    if not notice.planned_start:
        return {}
    received_on = timezone.localtime(received_at).date()
    if notice.planned_start < received_on:
        return {"planned_start": PAST_START_MESSAGE}
    rule_set = rule_set_in_force(notice.office.district_id, received_at) if notice.office_id else None
    last_day = objection_period(received_at, rule_set.rules if rule_set else None).last_day
    if notice.planned_start <= last_day and not notice.early_start_reason.strip():
        return {"early_start_reason": _(
            "Der geplante Besetzungstermin liegt vor dem Ende der Wochenfrist (%(day)s). Bitte begründen Sie, "
            "warum die Besetzung so früh erfolgen soll.") % {"day": last_day.strftime("%d.%m.%Y")}}
    return {}


# --- transitions ----------------------------------------------------------------------------

def record_transition(notice: PlacementNotice, *, by: User | None, transition: str, from_state: str,
                      reason: str = "", on_behalf_of: User | None = None) -> NoticeEvent:
    """PS-2: the audit record (who, when, from, to, why; "i. V. für" an absent colleague, as the
    on-behalf-of resolvers of `hooks` say), in the caller's transaction; the other apps are told
    (`hooks.notice_step_recorded`) and the notifications handed to the worker on commit."""
    if on_behalf_of is None and by is not None:
        on_behalf_of = hooks.on_behalf_of(notice, by)
    event = NoticeEvent.objects.create(notice=notice, actor=by, transition=transition, from_state=from_state,
                                       to_state=notice.state, reason=reason, on_behalf_of=on_behalf_of)
    hooks.notice_step_recorded.send(sender=NoticeEvent, event=event)
    notifications.deliver_on_commit(event.pk)
    return event


def late_refusal(notice: PlacementNotice, name: str, *, now=None) -> str | None:
    """PS-2.3: the one decision whether a refused step was refused because the Wochenfrist has ended: a
    reaction of the coordination office (`wording.REACTION_STEPS`) on a notice approved by silence, or
    still informed after the end of its period (the sweep has not run yet). Then the user is told when
    the period ended and since when the placement may go ahead; repeating the step cannot help.
    None: the step was refused for another reason."""
    if name not in wording.REACTION_STEPS or notice.period_ends_at is None:
        return None
    if notice.state == NoticeState.APPROVED_BY_SILENCE:
        return wording.late_reaction(notice)
    if notice.state == NoticeState.INFORMED and (now or timezone.now()) >= notice.period_ends_at:
        return wording.late_reaction(notice)
    return None


def _refusal_for_conditions(notice: PlacementNotice, name: str) -> str:
    if name == "submit":
        missing = notice.missing_for_submission()
        return _("Die Mitteilung ist unvollständig. Es fehlen: %(fields)s.") % {"fields": "; ".join(missing)}
    late = late_refusal(notice, name)
    if late:
        return late
    if name == "approve_by_silence":
        return wording.period_still_running(format_period_end(notice))
    if name == "place":
        return _("Nach der Entscheidung des Kreises ist die Besetzung nicht zulässig.")
    return _("Dieser Schritt ist jetzt nicht möglich.")


def _transition(notice: PlacementNotice, name: str, *, by: User | None, reason: str = "",
                **kwargs) -> PlacementNotice:
    """Check state, role and conditions with django-fsm, apply, save and audit (caller holds the lock)."""
    method = getattr(notice, name)
    meta = method._django_fsm
    state = notice.state
    if not meta.has_transition(state):
        late = late_refusal(notice, name)
        if late:
            raise WorkflowError(late)
        raise WorkflowError(_("Dieser Schritt ist im Status „%(state)s“ nicht möglich.")
                            % {"state": notice.get_state_display()})
    if by is not None and not meta.has_transition_perm(notice, state, by):
        raise PermissionDenied(_("Ihre Rolle darf diesen Schritt nicht ausführen."))
    if not meta.conditions_met(notice, state):
        raise WorkflowError(_refusal_for_conditions(notice, name))
    method(**kwargs)
    notice.save()
    notice.last_event = record_transition(notice, by=by, transition=name, from_state=state, reason=reason)
    return notice


def _locked(notice_id: int, by: User) -> PlacementNotice:
    return notice_for_user(by, notice_id, for_update=True)


@transaction.atomic
def notice_submit(*, notice_id: int, by: User, received_at=None) -> PlacementNotice:
    """PS-2.2: the city informs the coordination office; receipt is now and the period starts.

    `received_at` is only for notices received earlier on paper (and the demo data); never from a form.
    """
    notice = _locked(notice_id, by)
    received_at = received_at or timezone.now()
    if notice.state == NoticeState.DRAFT and access.can(by, "notice.submit", notice) and notice.is_complete():
        if notice.position_id and not notice.position.is_active:  # PS-4.2: the district's plan
            raise WorkflowError({"position": inactive_position_message()})
        errors = start_errors(notice, received_at)
        if errors:
            raise WorkflowError(errors)
    rule_set = rule_set_for_receipt(district_id=notice.office.district_id, received_at=received_at)
    return _transition(notice, "submit", by=by, received_at=received_at, rule_set=rule_set)


@transaction.atomic
def notice_clear(*, notice_id: int, by: User, reason: str = "") -> PlacementNotice:
    """PS-2.3: the coordination office (PS-2.6: or the directly involved head) has no concerns and clears
    the notice before the period ends."""
    return _transition(_locked(notice_id, by), "clear", by=by, reason=reason)


@transaction.atomic
def notice_raise_objection(*, notice_id: int, by: User, kind: str, reason: str) -> PlacementNotice:
    """PS-2.4: the two formal reactions within the Wochenfrist, "Bedenken" or "Klärungsbedarf", in writing:
    either stops the consent by silence and starts the consultation. PS-2.6: the directly involved head of
    the JobAgentur may react instead of the coordination office (`access`)."""
    if kind not in ObjectionKind.values:
        raise WorkflowError({"kind": _("Bitte wählen Sie „Bedenken“ oder „Klärungsbedarf“.")})
    if not (reason or "").strip():
        raise WorkflowError({"reason": _("Bitte begründen Sie Ihre Reaktion schriftlich.")})
    return _transition(_locked(notice_id, by), "raise_objection", by=by, reason=reason, kind=kind, reason_text=reason)


def _agreement_errors(solution: str, **named) -> dict:
    errors = {}
    if not (solution or "").strip():
        errors["solution"] = _("Bitte beschreiben Sie die einvernehmliche Lösung.")
    messages = {
        "participants": _("Bitte nennen Sie die Teilnehmenden der Erörterung."),
        "for_district": _("Bitte nennen Sie, wer für den Kreis an der Einigung beteiligt ist."),
        "for_city": _("Bitte nennen Sie, wer für die Stadt an der Einigung beteiligt ist."),
    }
    for field, value in named.items():
        if not (value or "").strip():
            errors[field] = messages[field]
    return errors


def _joint_participants(for_district: str, for_city: str) -> str:
    return "\n".join([_("für den Kreis: %(names)s") % {"names": for_district.strip()},
                      _("für die Stadt: %(names)s") % {"names": for_city.strip()}])


@transaction.atomic
def notice_agree(*, notice_id: int, by: User, solution: str, for_district: str, for_city: str,
                 administrative_heads_involved: bool = False, conditions: str = "") -> PlacementNotice:
    """PS-2.4 ("Kreis und Stadt erörtern"): the agreed solution recorded jointly, naming who agreed for the
    district and who for the city."""
    errors = _agreement_errors(solution, for_district=for_district, for_city=for_city)
    if errors:
        raise WorkflowError(errors)
    return _transition(_locked(notice_id, by), "agree", by=by, reason=solution, solution=solution,
                       participants=_joint_participants(for_district, for_city),
                       administrative_heads_involved=administrative_heads_involved, conditions=conditions)


@transaction.atomic
def notice_city_statement(*, notice_id: int, by: User, text: str) -> PlacementNotice:
    """PS-2.4: the city's statement in the consultation (audited with the text, told to the coordination
    office and the district administration)."""
    text = (text or "").strip()
    if not text:
        raise WorkflowError({"text": _("Bitte geben Sie die Stellungnahme der Stadt ein.")})
    return _transition(_locked(notice_id, by), "city_statement", by=by, reason=text)


@transaction.atomic
def notice_propose_agreement(*, notice_id: int, by: User, solution: str, participants: str,
                             administrative_heads_involved: bool = False, conditions: str = "") -> PlacementNotice:
    """PS-2.4: one side (the city, or the coordination office / district administration) records the
    agreed solution of the consultation; it holds once the other side confirms it."""
    errors = _agreement_errors(solution, participants=participants)
    if errors:
        raise WorkflowError(errors)
    notice = _locked(notice_id, by)
    side = AgreementSide.CITY if access.can(by, "notice.city_statement", notice) \
        else side_of_role(access.role_of(by))
    return _transition(notice, "propose_agreement", by=by, reason=solution, side=side or "", solution=solution,
                       participants=participants, administrative_heads_involved=administrative_heads_involved,
                       conditions=conditions)


def _answer_to_proposal(notice: PlacementNotice, by: User) -> None:
    """A proposal is answered by the other side only: the proposer's own side gets a plain refusal."""
    if (notice.state == NoticeState.AGREEMENT_PROPOSED and access.can(by, "notice.propose_agreement", notice)
            and not access.can(by, "notice.confirm_agreement", notice)):
        raise PermissionDenied(_("Die Einigung hat Ihre Seite vorgeschlagen; bestätigen oder ablehnen kann sie "
                                 "nur die andere Seite."))


@transaction.atomic
def notice_confirm_agreement(*, notice_id: int, by: User, reason: str = "") -> PlacementNotice:
    """PS-2.4: the other side confirms the proposed solution: the solution is agreed."""
    notice = _locked(notice_id, by)
    _answer_to_proposal(notice, by)
    return _transition(notice, "confirm_agreement", by=by,
                       reason=(reason or "").strip() or _("Einigung bestätigt"))


@transaction.atomic
def notice_reject_agreement(*, notice_id: int, by: User, reason: str) -> PlacementNotice:
    """PS-2.4: the other side rejects the proposed solution (with a reason): back to the consultation."""
    if not (reason or "").strip():
        raise WorkflowError({"reason": _("Bitte begründen Sie, warum Sie die Einigung ablehnen.")})
    notice = _locked(notice_id, by)
    _answer_to_proposal(notice, by)
    return _transition(notice, "reject_agreement", by=by, reason=reason.strip())


@transaction.atomic
def notice_escalate(*, notice_id: int, by: User, reason: str, participants: str = "",
                    administrative_heads_involved: bool = False) -> PlacementNotice:
    """PS-2.5: no agreed solution: the matter goes to the district administration."""
    if not (reason or "").strip():
        raise WorkflowError({"reason": _("Bitte begründen Sie, warum keine Einigung erzielt wurde.")})
    return _transition(_locked(notice_id, by), "escalate", by=by, reason=reason, reason_text=reason,
                       participants=participants, administrative_heads_involved=administrative_heads_involved)


def _cut_errors(cut_amount, cut_percent, cut_from, cut_to) -> dict[str, str]:
    errors = {}
    has_cut = cut_amount is not None or cut_percent is not None
    if cut_amount is not None and cut_percent is not None:
        errors["cut_percent"] = _("Bitte geben Sie die Kürzung entweder als Betrag oder als Prozentsatz an, "
                                  "nicht beides.")
    elif cut_amount is not None and cut_amount <= 0:
        errors["cut_amount"] = _("Der Kürzungsbetrag muss größer als 0 € sein.")
    elif cut_percent is not None and not (0 < cut_percent <= 100):
        errors["cut_percent"] = _("Der Prozentsatz muss größer als 0 und höchstens 100 sein.")
    if has_cut and (cut_from is None or cut_to is None):
        errors["cut_from"] = _("Bitte geben Sie den Zeitraum der Kürzung an (von und bis).")
    elif has_cut and cut_to < cut_from:
        errors["cut_to"] = _("Das Ende des Zeitraums liegt vor dem Anfang.")
    elif not has_cut and (cut_from is not None or cut_to is not None):
        errors["cut_amount"] = _("Bitte geben Sie den Betrag oder den Prozentsatz der Kürzung an, oder lassen "
                                 "Sie den Zeitraum leer.")
    return errors


@transaction.atomic
def notice_decide(*, notice_id: int, by: User, kind: str, directive: str = "", cut_amount: Decimal | None = None,
                  cut_percent: Decimal | None = None, cut_from: date | None = None,
                  cut_to: date | None = None) -> PlacementNotice:
    """PS-2.5: the district decides on an escalated notice: "Besetzung zulässig", "Besetzung unterbleibt" or
    "Besetzung mit Auflagen" (with the individual directive, Weisung im Einzelfall); each optionally with a
    cut of the administrative-cost reimbursement (§ 4 Abs. 1 Heranziehungssatzung vom 18.04.2007) for a
    period, booked in its own ledger (AdministrativeCostCut), apart from PS-5.1."""
    directive = (directive or "").strip()
    errors = {}
    if kind not in DecisionKind.values:
        errors["kind"] = _("Bitte wählen Sie die Entscheidung des Kreises.")
    elif kind == DecisionKind.CONDITIONS and not directive:
        errors["directive"] = _("Bitte formulieren Sie die Weisung im Einzelfall (die Auflagen).")
    errors.update(_cut_errors(cut_amount, cut_percent, cut_from, cut_to))
    if errors:
        raise WorkflowError(errors)
    notice = _locked(notice_id, by)
    parts = [str(DecisionKind(kind).label)]
    if kind == DecisionKind.CONDITIONS:
        parts.append(directive)
    has_cut = cut_amount is not None or cut_percent is not None
    if has_cut:
        # issue 14: the history shows the amount as everywhere else ("1.250,50 €", "5 %")
        value = format_euro(cut_amount) if cut_amount is not None else f"{format_fte(cut_percent)} %"
        parts.append(_("Kürzung der Verwaltungskostenerstattung um %(value)s für den Zeitraum %(start)s bis "
                       "%(end)s nach %(basis)s") % {"value": value, "start": cut_from.strftime("%d.%m.%Y"),
                                                   "end": cut_to.strftime("%d.%m.%Y"),
                                                   "basis": legal_basis_cut(notice)})
    notice = _transition(notice, "decide", by=by, reason="\n".join(parts), kind=kind,
                         directive=directive)
    if has_cut:
        AdministrativeCostCut.objects.create(
            city_id=notice.office.city_id, notice=notice, decided_event=notice.last_event, amount=cut_amount,
            percent=cut_percent, period_from=cut_from, period_to=cut_to, legal_basis=legal_basis_cut(notice),
            created_at=notice.last_event.at, created_by=by)
    return notice


@transaction.atomic
def notice_revoke_cut(*, notice_id: int, by: User, cut_id: int, reason: str) -> AdministrativeCostCut:
    """PS-2.5: the district revokes a cut of the administrative-cost reimbursement by a new decision: with a
    reason, audited, told to the city; whatever became of the notice since (the ledger is its own)."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError({"reason": _("Bitte begründen Sie die Aufhebung der Kürzung.")})
    notice = _locked(notice_id, by)
    cut = AdministrativeCostCut.objects.select_for_update().filter(pk=cut_id, notice=notice).first()
    if cut is None:
        raise WorkflowError({"cut": _("Bitte wählen Sie eine Kürzung dieser Mitteilung.")})
    if cut.is_revoked:
        raise WorkflowError({"cut": _("Diese Kürzung ist bereits aufgehoben.")})
    text = _("Kürzung der Verwaltungskostenerstattung um %(value)s (%(start)s bis %(end)s) aufgehoben: "
             "%(reason)s") % {"value": cut.value_label, "start": cut.period_from.strftime("%d.%m.%Y"),
                              "end": cut.period_to.strftime("%d.%m.%Y"), "reason": reason}
    _transition(notice, "revoke_cut", by=by, reason=text)
    cut.revoked_at = notice.last_event.at
    cut.revoked_by = by
    cut.revoke_reason = reason
    cut.revoked_event = notice.last_event
    cut.save(update_fields=["revoked_at", "revoked_by", "revoke_reason", "revoked_event"])
    return cut


# --- PS-2.1: the overall goals of the JobAgentur EN ------------------------------------------

@transaction.atomic
def goal_create(*, by: User, title: str) -> JobAgenturGoal:
    """PS-2.1: the coordination office or the district administration adds a goal of its district."""
    if not access.can(by, "goals.keep"):
        raise PermissionDenied(_("Nur die Koordinierungsstelle oder die Kreisverwaltung pflegt die Ziele."))
    title = (title or "").strip()
    if not title:
        raise WorkflowError({"title": _("Bitte geben Sie das Ziel an.")})
    district_id = access.scope_of(by).district_id
    if JobAgenturGoal.objects.filter(district_id=district_id, title=title).exists():
        raise WorkflowError({"title": _("Dieses Ziel gibt es bereits.")})
    return JobAgenturGoal.objects.create(district_id=district_id, title=title)


@transaction.atomic
def goal_set_active(*, by: User, goal_id: int, active: bool) -> JobAgenturGoal:
    """PS-2.1: a goal is retired (or taken up again); notices that named it keep it."""
    if not access.can(by, "goals.keep"):
        raise PermissionDenied(_("Nur die Koordinierungsstelle oder die Kreisverwaltung pflegt die Ziele."))
    goal = JobAgenturGoal.objects.select_for_update().filter(
        pk=goal_id, district_id=access.scope_of(by).district_id).first()
    if goal is None:
        raise WorkflowError(_("Dieses Ziel gibt es nicht."))
    goal.active = active
    goal.save(update_fields=["active"])
    return goal


def _refuse_if_impossible(notice: PlacementNotice, name: str, by: User) -> None:
    """Refuse a step that is not possible now (state, role, conditions) before its input is checked: the
    user hears why the step is impossible, not what is wrong with the input."""
    meta = getattr(notice, name)._django_fsm
    state = notice.state
    if not (meta.has_transition(state) and meta.has_transition_perm(notice, state, by)
            and meta.conditions_met(notice, state)):
        _transition(notice, name, by=by)  # raises the step's refusal; changes nothing


SUBSTITUTE = "ersatz"  # the choice "another person" of the placement form


def _person_of_placement(notice: PlacementNotice, candidate_id, substitute_name: str, substitute_reason: str
                         ) -> Candidate | None:
    """PS-2.3: the placed person: one of the notice's own candidates, or (None) another person with a reason.
    A notice with a single candidate and no choice made places that candidate."""
    substitute_name = " ".join((substitute_name or "").split())
    if candidate_id in (None, "") and not substitute_name:
        candidates = list(notice.candidates.all())
        if len(candidates) == 1:
            return candidates[0]
        raise WorkflowError({"person": _("Bitte wählen Sie die Person, mit der die Stelle besetzt wurde.")})
    if candidate_id not in (None, "", SUBSTITUTE):
        try:
            return notice.candidates.get(pk=int(candidate_id), erased_at__isnull=True)
        except (Candidate.DoesNotExist, ValueError, TypeError):
            raise WorkflowError({"person": _("Diese Person gehört nicht zu dieser Mitteilung. Bitte wählen Sie "
                                             "eine der mitgeteilten Personen oder eine andere Person.")}) from None
    errors = {}
    if not substitute_name:
        errors["substitute_name"] = _("Bitte geben Sie den Namen der anderen Person an.")
    if not (substitute_reason or "").strip():
        errors["substitute_reason"] = _("Bitte begründen Sie, warum die Stelle mit einer anderen als den "
                                        "mitgeteilten Personen besetzt wurde.")
    if errors:
        raise WorkflowError(errors)
    return None


def _check_placement_date(notice: PlacementNotice, placed_on: date, confirm_ahead: bool) -> None:
    """PS-2.3: not before the notice was received; not further ahead than PLACEMENT_MAX_DAYS_AHEAD days unless
    the clerk confirms the date."""
    received = timezone.localdate(notice.received_at) if notice.received_at else None
    if received is not None and placed_on < received:
        raise WorkflowError({"placed_on": _("Die Besetzung kann nicht vor dem Eingang der Mitteilung "
                                            "(%(day)s) liegen.") % {"day": received.strftime("%d.%m.%Y")}})
    days = settings.PLACEMENT_MAX_DAYS_AHEAD
    if not confirm_ahead and placed_on > timezone.localdate() + timezone.timedelta(days=days):
        raise WorkflowError({"placed_on": _("Das Datum liegt mehr als %(days)d Tage in der Zukunft. Bitte prüfen "
                                            "Sie es oder bestätigen Sie es ausdrücklich.") % {"days": days}})


@transaction.atomic
def notice_place(*, notice_id: int, by: User, placed_on: date, candidate_id: int | str | None = None,
                 substitute_name: str = "", substitute_reason: str = "", employment: str = "",
                 qualification: str = "", confirm_ahead: bool = False) -> PlacementNotice:
    """PS-2.3/PS-4.3/PS-6.1: the city records the placement as carried out: with whom (one of the notice's
    candidates, who is marked selected and whose data is kept, or another person with a reason, of whom the
    coordination office is told through the step's notification) and on which day. The person enters the
    staff register on the position (`records.staff_member_place`), the vacancy it fills closes."""
    if placed_on is None:  # missing input first, as in every step
        raise WorkflowError({"placed_on": _("Bitte geben Sie das Datum der Besetzung an.")})
    notice = _locked(notice_id, by)
    _refuse_if_impossible(notice, "place", by)  # then state, role, conditions; then the input that needs the notice
    candidate = _person_of_placement(notice, candidate_id, substitute_name, substitute_reason)
    _check_placement_date(notice, placed_on, confirm_ahead)
    day = placed_on.strftime("%d.%m.%Y")
    if candidate is not None:
        name, substitute_name, substitute_reason = candidate.full_name, "", ""
        reason = _("besetzt zum %(date)s mit %(name)s") % {"date": day, "name": name}
    else:
        name, substitute_name = " ".join(substitute_name.split()), " ".join(substitute_name.split())
        substitute_reason = substitute_reason.strip()
        reason = (_("besetzt zum %(date)s mit %(name)s – eine andere als die mitgeteilten Personen. Grund: "
                    "%(reason)s") % {"date": day, "name": name, "reason": substitute_reason})
    _transition(notice, "place", by=by, reason=reason, placed_on=placed_on, substitute_name=substitute_name,
                substitute_reason=substitute_reason)
    # the placed candidate is kept (retention: privacy.selectors.expired_candidates), the others not
    notice.candidates.update(is_selected=False)
    if candidate is not None:
        Candidate.objects.filter(pk=candidate.pk).update(is_selected=True)
    if notice.vacancy_id:
        records.vacancy_close(by=by, refilled_on=placed_on, vacancy_id=notice.vacancy_id)
    elif notice.position_id:
        vacancy = records.vacancy_close(by=by, refilled_on=placed_on, position_id=notice.position_id)
        if vacancy is not None:
            PlacementNotice.objects.filter(pk=notice.pk).update(vacancy=vacancy)
    if notice.position_id:
        source = candidate or Candidate()
        try:
            records.staff_member_place(
                by=by, position_id=notice.position_id, placed_on=placed_on, full_name=name,
                employment=employment or source.employment, grade=source.grade,
                qualification=qualification or source.qualification,
                qualification_detail=source.qualification_detail, months_experience=source.months_experience,
                induction_planned=source.induction_planned, career_track=source.career_track)
        except WorkflowError:
            raise
        except ValidationError as error:  # the register's German messages, on the placement form
            raise WorkflowError(getattr(error, "error_dict", None) or error.messages) from None
    return notice


@transaction.atomic
def notice_withdraw(*, notice_id: int, by: User, reason: str = "") -> PlacementNotice:
    """PS-2.2: the city withdraws its planned placement. After a clearance, an approval by silence, an
    agreement or a decision this records that the placement does not take place ("Besetzung findet nicht
    statt"); the coordination office is told (staffing.states) and the position is free for a new notice.
    A submitted notice is withdrawn only with a reason (audited)."""
    notice = _locked(notice_id, by)
    reason = (reason or "").strip()
    if not reason and notice.state != NoticeState.DRAFT:
        raise WorkflowError({"reason": _("Bitte geben Sie einen Grund an.")})
    if notice.state in PLACEABLE_STATES:
        reason = _("Besetzung findet nicht statt: %(reason)s") % {"reason": reason}
    return _transition(notice, "withdraw", by=by, reason=reason)


@transaction.atomic
def notice_comment(*, notice_id: int, by: User, text: str) -> NoticeComment:
    """PS-2.4/PS-2.6: a comment, e.g. the city's answer to a clarification request or the view of the
    head of the JobAgentur when directly involved."""
    notice = notice_for_user(by, notice_id)
    if not (text or "").strip():
        raise WorkflowError({"text": _("Bitte geben Sie einen Kommentar ein.")})
    if not access.can(by, "notice.comment", notice):
        raise PermissionDenied(_("Sie können diese Mitteilung nicht kommentieren."))
    comment = NoticeComment.objects.create(notice=notice, author=by, text=text.strip())
    # the in-app notifications in this transaction, the mails on commit: if the broker is down, the next
    # sweep mails them (notifications.pending_mail_ids), so a comment is never lost
    notifications.mail_on_commit(notifications.create_comment_notifications(comment))
    return comment


# --- the system's steps: deadline sweep ----------------------------------------------------

#: issue 16, point 1: due notices claimed, approved and audited per transaction
SWEEP_BATCH = 200
_APPROVE = "approve_by_silence"
# the columns the bulk path writes; the transition must change nothing else (checked per notice)
_BULK_WRITTEN = {"state", "updated_at"}


def _next_locked(qs):
    """The first row of qs, locked; rows locked by another sweep are skipped (PostgreSQL)."""
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    else:
        qs = qs.select_for_update()
    return qs.first()


def _claim(qs, limit: int) -> list:
    """Up to `limit` rows of qs, locked; rows another sweep holds are skipped (PostgreSQL: FOR UPDATE SKIP
    LOCKED, so several sweepers claim disjoint batches). SQLite has no row locks: its IMMEDIATE transactions
    run one at a time."""
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    else:
        qs = qs.select_for_update()
    return list(qs[:limit])


def _due_for_approval():
    return (PlacementNotice.objects.filter(state=NoticeState.INFORMED, period_ends_at__lte=timezone.now())
            .order_by("period_ends_at", "pk"))


class BatchRefused(Exception):
    """The bulk path cannot take this batch (a notice the state machine refuses, or a row changed under
    it); the sweep rolls the batch back and approves its notices one by one."""


def _approve_claimed(notices: list[PlacementNotice]) -> list[NoticeEvent]:
    """PS-2.3, issue 16 point 1: approve a claimed batch by silence through the state machine, in the
    caller's transaction (which holds the row locks).

    Each locked instance goes through django-fsm exactly as `_transition` does for the system (no actor:
    has_transition and conditions, here `period_ended`, then the transition method itself); the changed
    rows are then written with one UPDATE guarded by `state = 'informed'` (as ConcurrentTransitionMixin's
    save would be) and the audit records with one INSERT. Anything the per-notice path would do
    differently refuses the batch (`BatchRefused`): a refused transition, a transition that changed more
    than the state, a row that was no longer informed. `hooks.notice_step_recorded` is sent per event and
    one task per batch delivers the notifications on commit (outbox: `notifications_sent_at`)."""
    fields = [f.attname for f in PlacementNotice._meta.concrete_fields if f.name not in _BULK_WRITTEN]
    events, reasons = [], {}  # the audit reason depends on the last day only: formatted once per day
    for notice in notices:
        meta = getattr(notice, _APPROVE)._django_fsm
        state = notice.state
        if not meta.has_transition(state) or not meta.conditions_met(notice, state):
            raise BatchRefused(f"notice {notice.pk}: the state machine refuses {_APPROVE} in {state!r}")
        values = notice.__dict__
        before = [values.get(name) for name in fields]
        getattr(notice, _APPROVE)()
        if [values.get(name) for name in fields] != before or notice.state != NoticeState.APPROVED_BY_SILENCE:
            raise BatchRefused(f"notice {notice.pk}: {_APPROVE} changed more than the bulk path writes")
        if notice.period_last_day not in reasons:
            reasons[notice.period_last_day] = wording.silence_audit_reason(format_period_end(notice))
        events.append(NoticeEvent(notice=notice, actor=None, transition=_APPROVE, from_state=state,
                                  to_state=notice.state, reason=reasons[notice.period_last_day], on_behalf_of=None))
    ids = [notice.pk for notice in notices]
    updated = PlacementNotice.objects.filter(pk__in=ids, state=NoticeState.INFORMED).update(
        state=NoticeState.APPROVED_BY_SILENCE, updated_at=timezone.now())
    if updated != len(ids):
        raise BatchRefused(f"{len(ids) - updated} of {len(ids)} claimed notices were no longer informed")
    events = NoticeEvent.objects.bulk_create(events)
    if any(event.pk is None for event in events):  # the database cannot return the ids of a bulk insert
        raise BatchRefused("the audit records' ids are unknown")
    for notice, event in zip(notices, events, strict=True):
        notice.last_event = event
        hooks.notice_step_recorded.send(sender=NoticeEvent, event=event)
    notifications.deliver_batch_on_commit([event.pk for event in events])
    return events


def _approve_one(notice_id: int) -> bool:
    """The per-notice path (a batch that failed): lock, check again, approve and audit in its own
    transaction. False: another sweep holds or approved it, the office reacted, or it is not due."""
    with transaction.atomic():
        notice = _next_locked(_due_for_approval().filter(pk=notice_id))
        if notice is None:
            return False
        _transition(notice, _APPROVE, by=None, reason=wording.silence_audit_reason(format_period_end(notice)))
    return True


def sweep_approvals(*, batch_size: int = SWEEP_BATCH) -> list[int]:
    """PS-2.3: approve by silence every notice whose period has ended; idempotent and safe with several
    sweepers at once (issue 16, point 1: batched).

    Each transaction claims up to `batch_size` due notices (`ORDER BY period_ends_at, id LIMIT n FOR
    UPDATE SKIP LOCKED` on PostgreSQL, index `notice_informed_deadline_idx`: several sweepers take disjoint
    batches and never wait for each other), checks state and deadline again under the lock, approves them
    through the state machine (`_approve_claimed`), writes their audit records in one INSERT and hands ONE
    task per batch to the worker on commit. A batch that fails rolls back whole and its notices are then
    approved one by one, each in its own transaction (`_approve_one`), so one bad notice never blocks the
    others; a notice that fails alone is logged and left to the next sweep. The returned ids are those whose
    transaction committed (issue 15, point 8): ids are added only after their atomic block exited.
    """
    approved: list[int] = []
    skipped: set[int] = set()
    while True:
        claimed: list[int] = []
        try:
            with transaction.atomic():
                notices = _claim(_due_for_approval().exclude(pk__in=skipped), batch_size)
                claimed = [notice.pk for notice in notices]
                if notices:
                    _approve_claimed(notices)
            # counted only once the block has committed (a failing COMMIT raises from the block's exit)
            approved.extend(claimed)
        except Exception:
            if not claimed:  # the claim itself failed (e.g. the database is gone): the next sweep goes on
                logger.exception("deadline sweep: due notices could not be claimed; the next sweep tries again")
                return approved
            logger.warning("approval by silence of a batch of %s notices failed; approving them one by one",
                           len(claimed), exc_info=True)
            for notice_id in claimed:
                try:
                    if _approve_one(notice_id):
                        approved.append(notice_id)
                        continue
                except Exception:
                    logger.exception("approval by silence of notice %s failed; the next sweep tries again", notice_id)
                skipped.add(notice_id)
            continue
        if not claimed:
            return approved


def sweep_reminders(*, batch_size: int = SWEEP_BATCH) -> list[int]:
    """PS-2.3: remind the coordination office one working day before the period ends, once.

    Issue 16: claimed in batches like the approvals (SKIP LOCKED), stamped with one UPDATE, their
    notifications created in bulk (`notifications.create_reminders`) and their mails handed over once per
    batch on commit."""
    reminded: list[int] = []
    while True:
        with transaction.atomic():
            notices = _claim(PlacementNotice.objects.filter(
                state=NoticeState.INFORMED, reminder_due_at__lte=timezone.now(), reminder_sent_at__isnull=True,
                period_ends_at__gt=timezone.now()).order_by("reminder_due_at", "pk"), batch_size)
            if not notices:
                return reminded
            ids = [notice.pk for notice in notices]
            PlacementNotice.objects.filter(pk__in=ids).update(reminder_sent_at=timezone.now())
            notifications.mail_on_commit(notifications.create_reminders(notices))
        reminded.extend(ids)


# --- issue 17: the districts' agreement settings (rule sets) -----------------------------------------

RULE_SET_LABELS = {name: AgreementRuleSet._meta.get_field(name).verbose_name for name in RULE_SET_FIELDS}


def _lock_district(district_id: int) -> District:
    """The versions of one district are numbered one after the other: writers take turns on its row."""
    return District.objects.select_for_update().get(pk=district_id)


def rule_set_initial(*, district_id: int) -> AgreementRuleSet:
    """Issue 17: a district's first rule set, from the environment's settings (`rule_set_defaults`), for
    every receipt "since ever"; created once, when first needed (or by the migration / the seed)."""
    from .models import rule_set_defaults

    _lock_district(district_id)
    first = AgreementRuleSet.objects.filter(district_id=district_id).order_by("version").first()
    if first is not None:
        return first
    return AgreementRuleSet.objects.create(
        district_id=district_id, version=1, valid_from=INITIAL_VALID_FROM, reason=_("Voreinstellung"),
        **rule_set_defaults())


def rule_set_for_receipt(*, district_id: int, received_at) -> AgreementRuleSet:
    """Issue 17: the rule set a notice received at `received_at` keeps for good (a later change of the
    district's settings never moves its period); a district without one gets its initial one."""
    rule_set = rule_set_in_force(district_id, received_at)
    if rule_set is None:
        rule_set_initial(district_id=district_id)
        rule_set = rule_set_in_force(district_id, received_at)
    return rule_set


def _rule_set_errors(values: dict, valid_from, now) -> dict[str, str]:
    from .deadlines import CATHOLIC_REGIONS, HOLIDAY_REGIONS

    errors: dict[str, str] = {}
    if values.get("holiday_region") not in HOLIDAY_REGIONS:
        errors["holiday_region"] = _("Bitte wählen Sie das Land, dessen Feiertage gelten.")
    elif values.get("catholic_holidays") and values["holiday_region"] not in CATHOLIC_REGIONS:
        errors["catholic_holidays"] = _("Feiertage überwiegend katholischer Gemeinden gibt es nur in Bayern, "
                                        "Sachsen und Thüringen.")
    bounds = {"period_weeks": (1, 8), "reminder_working_days": (1, 4), "vacancy_flag_days": (1, 730),
              "qualification_min_months": (0, 60)}
    for name, (low, high) in bounds.items():
        value = values.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors[name] = _("Bitte geben Sie eine ganze Zahl von %(low)s bis %(high)s an.") % {
                "low": low, "high": high}
    if valid_from is None or valid_from < now.replace(second=0, microsecond=0):
        errors["valid_from"] = _("Eine Änderung gilt nur für Mitteilungen, die künftig eingehen: bitte "
                                 "wählen Sie jetzt oder einen späteren Zeitpunkt.")
    return errors


def _shown(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


@transaction.atomic
def rule_set_change(*, by: User, district_id: int, reason: str, valid_from=None, **values) -> AgreementRuleSet:
    """Issue 17, point 1: the district administration changes its district's agreement settings: a new
    version (append-only) with who, when, old → new and why; it applies to notices received from
    `valid_from` (default now) on, a running notice keeps the rule set of its receipt."""
    district = _district_kept_by(by, district_id)
    now = timezone.now()
    valid_from = valid_from or now
    reason = (reason or "").strip()
    unknown = set(values) - set(RULE_SET_FIELDS)
    if unknown:
        raise TypeError(f"unknown rule-set fields: {sorted(unknown)}")
    values["statute_reference"] = (values.get("statute_reference") or "").strip()
    errors = _rule_set_errors(values, valid_from, now)
    if not reason:
        errors["reason"] = _("Bitte begründen Sie die Änderung.")
    if errors:
        raise ValidationError(errors)
    previous = rule_set_initial(district_id=district.pk)  # locks the district, creates version 1 if missing
    previous = AgreementRuleSet.objects.filter(district_id=district.pk).order_by("-version").first() or previous
    changes = {str(RULE_SET_LABELS[name]): [_shown(getattr(previous, name)), _shown(values.get(name))]
               for name in RULE_SET_FIELDS if getattr(previous, name) != values.get(name)}
    if not changes:
        raise ValidationError({"__all__": _("Die Einstellungen sind unverändert; es wurde keine neue Fassung "
                                            "angelegt.")})
    rule_set = AgreementRuleSet(district=district, version=previous.version + 1, valid_from=valid_from,
                                reason=reason, changes=changes, created_by=by, created_at=now, **values)
    rule_set.full_clean()
    rule_set.save()
    logger.info("rule set changed", extra={"district": district.pk, "version": rule_set.version, "by": by.pk})
    return rule_set


def _district_kept_by(by: User, district_id: int) -> District:
    """Issue 17: the district whose settings `by` changes: only the district administration of that
    district (another district's: Http404; another role: PermissionDenied)."""
    from .selectors import rule_set_district_for_user

    district = rule_set_district_for_user(by, district_id)
    if not access.can(by, "rule_set.keep", district):
        raise PermissionDenied(_("Nur die Kreisverwaltung ändert die Einstellungen ihres Kreises."))
    return district
