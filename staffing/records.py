"""Writes of positions, staff and vacancies (PS-4.2, PS-4.3, PS-6.1): the one write path for these records.

Positions are the district's staff plan (issue 13, PS-4.2): the coordination office or the district
administration keeps them (`position_save`, `staff_plan_import`), audited in `PositionChange`; a city
proposes changes (`position_proposal_create`) that the district accepts or rejects.

The staff register pages, the spreadsheet import and the workflow (`services.notice_place`) call these
services; the admin shows the records read-only. Each service checks the access policy (the records of
the office whose data the user keeps, `access.own_office_of`; another city's record is 404, a visible
record of another office PermissionDenied), validates the model with German messages, runs in one
transaction and does the vacancy bookkeeping of PS-4.3, which lives here only:

- a person who takes a position (entry, or a change of position) closes the position's open vacancy;
- a person who leaves opens a vacancy for their position from the next day (one open per position);
- PS-4.1: a leaving carries its reason (`LeaveReason`); a change of function restarts `function_since`
  (the tenure in the function the continuity figures count), which otherwise is the entry date;
- a placement carried out closes the vacancy it fills (`vacancy_close`, called by `notice_place`), and the
  placed person enters the register (`staff_member_place`).

A person entered as already gone (an old register read in by the import) changes no vacancy. The seed
commands write demo and benchmark rows directly in bulk; they are not a user's write path.
"""
from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from . import access, grades, selectors
from .models import (
    LEAVE_REASONS_TO_CHOOSE,
    OPEN_STATES,
    CareerTrack,
    District,
    Employment,
    Function,
    GradeCareerTrack,
    GradeCareerTrackChange,
    Induction,
    LeaveReason,
    Office,
    PlacementNotice,
    Position,
    PositionChange,
    PositionProposal,
    StaffMember,
    User,
    Vacancy,
)
from .qualification import forget_career_tables

POSITION_FIELDS = ("number", "title", "function", "grade", "fte", "is_active")
STAFF_FIELDS = ("position", "function", "first_name", "last_name", "employment", "grade", "fte",
                "area_of_deployment", "qualification", "qualification_detail", "career_track", "months_experience",
                "induction", "training_notes", "joined_on", "left_on", "function_since", "leave_reason")
VACANCY_FIELDS = ("position", "vacated_on", "refilled_on", "reason")


# --- the checks every write shares ---------------------------------------------------------------

def _own_office(by: User) -> Office:
    """The office whose records the user keeps (PS-3.1, PS-6.1), else PermissionDenied."""
    office = access.own_office_of(by) if access.can(by, "office_data.keep") else None
    if office is None:
        raise PermissionDenied(_("Nur die Personalsachbearbeitung der Stadt pflegt diese Daten."))
    return office


def _require_keeps(by: User, office: Office) -> None:
    if not access.can(by, "office_records.keep", office):
        raise PermissionDenied(_("Nur die Personalsachbearbeitung der Stadt pflegt diese Daten."))


def _assign(instance, data: dict, fields) -> None:
    unknown = set(data) - set(fields)
    if unknown:
        raise TypeError(f"not a field of {type(instance).__name__} kept here: {sorted(unknown)}")
    for name, value in data.items():
        setattr(instance, name, value)


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- positions (PS-4.2): the district's staff plan (issue 13) ---------------------------------------

def _snapshot(position: Position) -> dict:
    """The audited values of a position (JSON: the function by its code, the FTE as text)."""
    if position is None or position.pk is None:
        return {}
    function = Function.objects.filter(pk=position.function_id).values_list("code", flat=True).first()
    return {"number": position.number, "title": position.title, "function": function or "",
            "grade": position.grade, "fte": _fte_text(position.fte), "is_active": position.is_active}


def _fte_text(value) -> str:
    from decimal import Decimal

    return "" if value is None else str(Decimal(value).quantize(Decimal("0.001")))


def _require_keeps_plan(by: User, office: Office) -> None:
    if not access.can(by, "staff_plan.keep", office):
        raise PermissionDenied(_("Den Stellenplan pflegen die Koordinierungsstelle und die Kreisverwaltung. "
                                 "Die Stadt kann eine Änderung vorschlagen."))


def _check_position(position: Position) -> None:
    """The rules of a position with German messages: a unique number in the office, the model's own rules."""
    if position.number and Position.objects.filter(office_id=position.office_id, number=position.number).exclude(
            pk=position.pk).exists():
        _raise({"number": _("Die Stellennummer „%(number)s“ ist in dieser Dienststelle bereits vergeben.")
                % {"number": position.number}})
    position.full_clean()


def _deactivation_errors(position: Position, was_active: bool) -> dict:
    """A position leaves the plan only while no open placement notice is about it."""
    if not (was_active and not position.is_active):
        return {}
    notice = PlacementNotice.objects.filter(position_id=position.pk, state__in=OPEN_STATES).first()
    if notice is None:
        return {}
    return {"is_active": _("Für diese Stelle ist die Mitteilung Nr. %(number)s offen; sie kann erst danach aus "
                           "dem Stellenplan genommen werden.") % {"number": notice.pk}}


def _write_position(position: Position, *, by: User, reason: str, source: str,
                    proposal: PositionProposal | None = None) -> PositionChange | None:
    """Save a checked position and write its audit row (who, when, before, after, why); nothing changed:
    nothing saved, no row."""
    before = _snapshot(Position.objects.filter(pk=position.pk).first()) if position.pk else {}
    was_active = before.get("is_active", True)
    _raise(_deactivation_errors(position, was_active))
    position.save()
    after = _snapshot(position)
    if before == after:
        return None
    if not before:
        action = PositionChange.Action.CREATED
    elif was_active and not position.is_active:
        action = PositionChange.Action.DEACTIVATED
    elif not was_active and position.is_active:
        action = PositionChange.Action.REACTIVATED
    else:
        action = PositionChange.Action.CHANGED
    return PositionChange.objects.create(office_id=position.office_id, position=position, proposal=proposal,
                                         action=action, actor=by, before=before, after=after, reason=reason,
                                         source=source)


def _require_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        _raise({field: _("Bitte begründen Sie die Änderung des Stellenplans.")})
    return reason


@transaction.atomic
def position_save(*, by: User, position_id: int | None = None, office_id: int | None = None, reason: str = "",
                  source: str = "form", **data) -> Position:
    """PS-4.2: the district (coordination office or district administration) keeps the staff plan of an office
    of its district: a new position (`office_id`, no `position_id`), a change, or its deactivation
    (`is_active=False`); audited with the reason (`PositionChange`)."""
    if position_id is None:
        office = selectors.get_or_404(selectors.offices_visible_to(by), office_id)
        _require_keeps_plan(by, office)
        position = Position(office=office)
    else:
        position = selectors.get_or_404(selectors.positions_visible_to(by), position_id, for_update=True)
        _require_keeps_plan(by, position.office)
    reason = _require_reason(reason)
    _assign(position, data, POSITION_FIELDS)
    _check_position(position)
    _write_position(position, by=by, reason=reason, source=source)
    return position


@transaction.atomic
def staff_plan_import(*, by: User, office_id: int, rows: list[dict], reason: str) -> dict:
    """PS-4.2: the district reads an office's staff plan from a file: each row (`line` and the position's
    fields) creates the position of its number or changes it. Every row is checked first; one bad row and
    nothing is saved (ValidationError with a German message per row: "Zeile n: …"). Audited per position."""
    office = selectors.get_or_404(selectors.offices_visible_to(by), office_id)
    _require_keeps_plan(by, office)
    reason = _require_reason(reason)
    Office.objects.select_for_update().filter(pk=office.pk).first()  # one import per office at a time
    existing = {p.number: p for p in Position.objects.select_for_update().filter(office=office)}
    errors, checked, seen = [], [], {}
    for row in rows:
        line, data = row["line"], {k: v for k, v in row.items() if k != "line"}
        number = data.get("number", "")
        if number in seen:
            errors.append(_("Zeile %(line)s: Die Stellennummer „%(number)s“ kommt bereits in Zeile %(first)s vor.")
                          % {"line": line, "number": number, "first": seen[number]})
            continue
        seen[number] = line
        position = existing.get(number) or Position(office=office)
        was_active = position.is_active if position.pk else True
        _assign(position, data, POSITION_FIELDS)
        try:
            position.full_clean(validate_unique=False)
            _raise(_deactivation_errors(position, was_active) if position.pk else {})
        except ValidationError as error:
            errors.extend(_("Zeile %(line)s: %(message)s") % {"line": line, "message": message}
                          for message in _messages_with_labels(error))
            continue
        checked.append(position)
    if not rows:
        errors.append(_("Die Datei enthält keine Stellen."))
    if errors:
        raise ValidationError(errors)
    counts = {"created": 0, "changed": 0, "unchanged": 0}
    for position in checked:
        is_new = position.pk is None
        change = _write_position(position, by=by, reason=reason, source="import")
        counts["created" if is_new else ("changed" if change else "unchanged")] += 1
    return counts


def _messages_with_labels(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return [str(m) for m in error.messages]
    result = []
    for name, messages in error.message_dict.items():
        label = Position._meta.get_field(name).verbose_name if name != "__all__" else ""
        result.extend(f"{label}: {m}" if label else str(m) for m in messages)
    return result


# --- proposals of a city (PS-4.2, issue 13) ---------------------------------------------------------

PROPOSAL_FIELDS = ("number", "title", "function", "grade", "fte")


@transaction.atomic
def position_proposal_create(*, by: User, kind: str, reason: str, office_id: int | None = None,
                             position_id: int | None = None, **data) -> PositionProposal:
    """PS-4.2: a city clerk proposes a change of the staff plan of their regional office: a new position
    (number, title, function, grade, FTE), a change of a position (title, function, grade, FTE) or its
    deactivation; with a reason. Audited; the district decides (`position_proposal_accept` / `_reject`)."""
    unknown = set(data) - set(PROPOSAL_FIELDS)
    if unknown:
        raise TypeError(f"not a field of a proposal: {sorted(unknown)}")
    Kind = PositionProposal.Kind
    if kind not in Kind.values:
        _raise({"kind": _("Bitte wählen Sie die Art des Vorschlags.")})
    position = None
    if kind == Kind.NEW:
        office = selectors.get_or_404(selectors.offices_visible_to(by), office_id)
    else:
        if position_id is None:
            _raise({"position": _("Bitte wählen Sie die Stelle.")})
        position = selectors.get_or_404(selectors.positions_visible_to(by), position_id, for_update=True)
        office = position.office
    if not access.can(by, "staff_plan.propose", office):
        raise PermissionDenied(_("Änderungen des Stellenplans schlägt die Personalsachbearbeitung der Stadt vor."))
    proposal = PositionProposal(office=office, position=position, kind=kind, proposed_by=by,
                                reason=(reason or "").strip(), before=_snapshot(position))
    errors = {}
    if not proposal.reason:
        errors["reason"] = _("Bitte begründen Sie Ihren Vorschlag.")
    if kind == Kind.NEW:
        _assign(proposal, data, PROPOSAL_FIELDS)
        labels = {"number": _("Stellennummer"), "title": _("Stellenbezeichnung"), "function": _("Funktion"),
                  "grade": _("Besoldungs-/Entgeltgruppe"), "fte": _("Stellenanteil (VZÄ)")}
        for name, label in labels.items():
            if getattr(proposal, name) in (None, ""):
                errors[name] = _("Bitte geben Sie „%(label)s“ an.") % {"label": label}
        if proposal.number and Position.objects.filter(office=office, number=proposal.number).exists():
            errors["number"] = (_("Die Stellennummer „%(number)s“ ist in dieser Dienststelle bereits vergeben.")
                                % {"number": proposal.number})
    elif kind == Kind.CHANGE:
        _assign(proposal, {k: v for k, v in data.items() if k != "number"}, PROPOSAL_FIELDS)
        labels = {"title": _("Stellenbezeichnung"), "function": _("Funktion"),
                  "grade": _("Besoldungs-/Entgeltgruppe"), "fte": _("Stellenanteil (VZÄ)")}
        for name, label in labels.items():
            if getattr(proposal, name) in (None, ""):
                errors[name] = _("Bitte geben Sie „%(label)s“ an.") % {"label": label}
        proposed = (proposal.title, proposal.function_id, proposal.grade, proposal.fte)
        if not any(name in errors for name in labels) and proposed == (
                position.title, position.function_id, position.grade, position.fte):
            errors["__all__"] = _("Der Vorschlag ändert nichts an der Stelle.")
    if position is not None and not position.is_active:
        errors["position"] = _("Die Stelle ist nicht mehr im Stellenplan.")
    if position is not None and PositionProposal.objects.filter(
            position=position, state=PositionProposal.State.WAITING).exists():
        errors["position"] = _("Zu dieser Stelle wartet bereits ein Vorschlag auf die Entscheidung des Kreises.")
    _raise(errors)
    if position is not None:
        proposal.number = position.number
    proposal.full_clean()
    proposal.save()
    PositionChange.objects.create(office=office, position=position, proposal=proposal,
                                  action=PositionChange.Action.PROPOSED, actor=by, before=proposal.before,
                                  after=proposal_values(proposal), reason=proposal.reason, source="proposal")
    return proposal


def proposal_values(proposal: PositionProposal) -> dict:
    """What the proposal would make of the position (the audit's "after" of a proposal)."""
    if proposal.kind == PositionProposal.Kind.DEACTIVATE:
        return {**proposal.before, "is_active": False}
    function = Function.objects.filter(pk=proposal.function_id).values_list("code", flat=True).first()
    return {**proposal.before, "number": proposal.number, "title": proposal.title, "function": function or "",
            "grade": proposal.grade, "fte": _fte_text(proposal.fte), "is_active": True}


def _decided_proposal(by: User, proposal_id: int) -> PositionProposal:
    proposal = selectors.position_proposal_for_user(by, proposal_id, for_update=True)
    if not access.can(by, "staff_plan.decide", proposal.office):
        raise PermissionDenied(_("Über Vorschläge zum Stellenplan entscheiden die Koordinierungsstelle und die "
                                 "Kreisverwaltung."))
    if not proposal.is_waiting:
        _raise({"__all__": _("Über diesen Vorschlag wurde bereits entschieden (%(state)s am %(day)s).")
                % {"state": proposal.get_state_display(),
                   "day": timezone.localtime(proposal.decided_at).strftime("%d.%m.%Y")}})
    return proposal


@transaction.atomic
def position_proposal_accept(*, by: User, proposal_id: int, note: str = "") -> PositionProposal:
    """PS-4.2: the district accepts a city's proposal: exactly the proposed values are applied to the staff
    plan (a new position, the change, or the deactivation), audited with the city's reason; once only."""
    proposal = _decided_proposal(by, proposal_id)
    Kind = PositionProposal.Kind
    if proposal.kind == Kind.NEW:
        position = Position(office_id=proposal.office_id, number=proposal.number, is_active=True)
    else:
        position = Position.objects.select_for_update().get(pk=proposal.position_id)
    if proposal.kind == Kind.DEACTIVATE:
        position.is_active = False
    else:
        position.title, position.function_id = proposal.title, proposal.function_id
        position.grade, position.fte = proposal.grade, proposal.fte
    _check_position(position)
    note = (note or "").strip()
    reason = _("Vorschlag der Stadt angenommen: %(reason)s") % {"reason": proposal.reason}
    if note:
        reason += " – " + _("Vermerk des Kreises: %(note)s") % {"note": note}
    _write_position(position, by=by, reason=reason, source="proposal", proposal=proposal)
    proposal.position = position
    proposal.state = PositionProposal.State.ACCEPTED
    proposal.decided_by, proposal.decided_at, proposal.decision_note = by, timezone.now(), note
    proposal.save()
    return proposal


@transaction.atomic
def position_proposal_reject(*, by: User, proposal_id: int, note: str) -> PositionProposal:
    """PS-4.2: the district rejects a city's proposal with a note; the staff plan stays as it is; audited."""
    proposal = _decided_proposal(by, proposal_id)
    note = (note or "").strip()
    if not note:
        _raise({"note": _("Bitte begründen Sie die Ablehnung.")})
    proposal.state = PositionProposal.State.REJECTED
    proposal.decided_by, proposal.decided_at, proposal.decision_note = by, timezone.now(), note
    proposal.save()
    PositionChange.objects.create(office_id=proposal.office_id, position_id=proposal.position_id,
                                  proposal=proposal, action=PositionChange.Action.REJECTED, actor=by,
                                  before=proposal.before, after=proposal.before, reason=note, source="proposal")
    return proposal


# --- staff register (PS-6.1) ---------------------------------------------------------------------

def _check_member(member: StaffMember) -> None:
    """The rules the database also holds, with the messages a user understands."""
    errors = {}
    if member.position_id and member.position.office_id != member.office_id:
        errors["position"] = _("Die Stelle gehört nicht zu Ihrer Dienststelle.")
    if member.left_on and member.joined_on and member.left_on < member.joined_on:
        errors["left_on"] = _("Der Austritt kann nicht vor dem Eintritt liegen.")
    if member.function_since and member.joined_on and member.function_since < member.joined_on:
        errors["function_since"] = _("„In der Funktion seit“ kann nicht vor dem Eintritt liegen.")
    _raise(errors)
    member.full_clean()


@transaction.atomic
def staff_member_create(*, by: User, **data) -> StaffMember:
    """PS-6.1, PS-4.3: a person joins the register of the user's office; a position they take closes its
    open vacancy (refilled on their entry, not before the vacancy began)."""
    member = StaffMember(office=_own_office(by))
    _assign(member, data, STAFF_FIELDS)
    if member.function_since is None:
        member.function_since = member.joined_on  # PS-4.1: in the function since joining
    if member.left_on is not None and not member.leave_reason:
        member.leave_reason = LeaveReason.UNKNOWN  # an old register read in without the reason
    _check_member(member)
    member.save()
    if member.position_id and member.left_on is None:
        _close_open_vacancy(member.position_id, member.joined_on)
    return member


@transaction.atomic
def staff_member_update(*, by: User, member_id: int, **data) -> StaffMember:
    """PS-6.1, PS-4.3: the office keeps its register current. A new position closes that position's open
    vacancy (as of today); a leaving date entered for the first time is a leaving (`staff_member_leave`).
    PS-4.1: a new function starts `function_since` today unless the change gives that date itself; a leaving
    entered here without its reason counts as "nicht erfasst"."""
    member = selectors.get_or_404(selectors.staff_visible_to(by), member_id, for_update=True)
    _require_keeps(by, member.office)
    was_position, was_left, was_function = member.position_id, member.left_on, member.function_id
    was_function_since = member.function_since
    _assign(member, data, STAFF_FIELDS)
    if member.function_id != was_function and member.function_since == was_function_since:
        member.function_since = max(timezone.localdate(), member.joined_on)
    elif member.function_since is None:
        member.function_since = member.joined_on
    if member.left_on is not None and not member.leave_reason:
        member.leave_reason = LeaveReason.UNKNOWN
    _check_member(member)
    member.save()
    if was_left is None and member.left_on is not None:
        _open_vacancy_after_leaving(member, reason="")
    elif member.left_on is None and member.position_id and member.position_id != was_position:
        _close_open_vacancy(member.position_id, timezone.localdate())
    return member


@transaction.atomic
def staff_member_induction_completed(*, by: User, member_id: int) -> StaffMember:
    """PS-1.3, PS-1.4: the person attended an offer of practical induction (the planning side marks the
    attendance), so their induction is recorded as completed. Whoever may mark attendance for a person of
    their scope records it (`training.record_induction`: the city's clerks, the coordination office)."""
    if not access.can(by, "training.record_induction"):
        raise PermissionDenied(_("Nur wer die Teilnahme einträgt, hält die Praxiseinweisung fest."))
    member = selectors.get_or_404(selectors.staff_visible_to(by), member_id, for_update=True)
    if member.induction != Induction.COMPLETED:
        member.induction = Induction.COMPLETED
        member.save(update_fields=["induction"])
    return member


@transaction.atomic
def staff_member_leave(*, by: User, member_id: int, left_on: datetime.date, leave_reason: str = "",
                       reason: str = "") -> Vacancy | None:
    """PS-4.3, PS-4.1: a person leaves for a stated reason (`LeaveReason`, required); their position is vacant
    from the next day (the open vacancy is returned). `reason` is the vacancy's free-text occasion."""
    member = selectors.get_or_404(selectors.staff_visible_to(by), member_id, for_update=True)
    _require_keeps(by, member.office)
    if left_on is None:
        _raise({"left_on": _("Bitte geben Sie das Austrittsdatum an.")})
    if member.left_on is not None:
        _raise({"left_on": _("Der Austritt ist bereits erfasst.")})
    if left_on < member.joined_on:
        _raise({"left_on": _("Der Austritt kann nicht vor dem Eintritt liegen.")})
    if leave_reason not in dict(LEAVE_REASONS_TO_CHOOSE):
        _raise({"leave_reason": _("Bitte wählen Sie den Grund des Austritts.")})
    member.left_on = left_on
    member.leave_reason = leave_reason
    member.save(update_fields=["left_on", "leave_reason"])
    return _open_vacancy_after_leaving(member, reason=reason)


def _open_vacancy_after_leaving(member: StaffMember, *, reason: str) -> Vacancy | None:
    if not member.position_id:
        return None
    return _open_vacancy(member.position, member.left_on + datetime.timedelta(days=1),
                         reason or _("Austritt von %(name)s") % {"name": str(member)})


@transaction.atomic
def staff_member_place(*, by: User, position_id: int, placed_on: datetime.date, full_name: str, employment: str,
                       grade: str = "", qualification: str = "", qualification_detail: str = "",
                       months_experience: int | None = None, induction_planned: bool = False,
                       career_track: str = "") -> StaffMember:
    """PS-6.1, PS-4.3: the person a placement notice placed takes the position (`services.notice_place`).

    Their record in the register of the position's office is updated when there is exactly one person of
    that name still employed there (a move inside the office: position, function, grade and qualification
    follow the notice; the entry date stays); else a new record is created, joined on the placement day.
    The position's open vacancy closes."""
    position = selectors.get_or_404(selectors.positions_visible_to(by), position_id, for_update=True)
    _require_keeps(by, position.office)
    first_name, _sep, last_name = " ".join((full_name or "").split()).rpartition(" ")
    if not first_name or not last_name:
        _raise({"person": _("Für den Eintrag ins Personalverzeichnis werden Vor- und Nachname der Person "
                            "benötigt.")})
    if not employment:
        _raise({"employment": _("Bitte geben Sie das Beschäftigungsverhältnis der Person an.")})
    if not qualification:
        _raise({"qualification": _("Bitte geben Sie die Qualifikation der Person an.")})
    same = list(StaffMember.objects.select_for_update().filter(
        office_id=position.office_id, first_name__iexact=first_name, last_name__iexact=last_name,
        left_on__isnull=True)[:2])
    if len(same) == 1:
        member = same[0]
    else:
        member = StaffMember(office_id=position.office_id, first_name=first_name, last_name=last_name,
                             fte=position.fte, joined_on=placed_on,
                             induction=Induction.PLANNED if induction_planned else Induction.NOT_NEEDED)
    if member.pk is None or member.function_id != position.function_id:
        member.function_since = max(placed_on, member.joined_on)  # PS-4.1: tenure in the new function
    member.position = position
    member.function_id = position.function_id
    member.grade = grade or position.grade
    member.employment = employment
    member.qualification = qualification
    member.qualification_detail = qualification_detail or member.qualification_detail
    member.career_track = career_track or member.career_track
    if months_experience is not None:
        member.months_experience = months_experience
    _check_member(member)
    member.save()
    _close_open_vacancy(position.pk, placed_on)
    return member


# --- vacancies (PS-4.3) ------------------------------------------------------------------------------

def _open_vacancy(position: Position, vacated_on: datetime.date, reason: str) -> Vacancy:
    """The position's open vacancy: the one already open, else a new one from `vacated_on`."""
    Position.objects.select_for_update().filter(pk=position.pk).first()  # one opening per position at a time
    vacancy = Vacancy.objects.filter(position=position, refilled_on__isnull=True).first()
    if vacancy is not None:
        return vacancy
    vacancy = Vacancy(position=position, vacated_on=vacated_on, reason=reason)
    vacancy.full_clean()
    vacancy.save()
    return vacancy


def _close_open_vacancy(position_id: int, refilled_on: datetime.date, vacancy_id: int | None = None
                        ) -> Vacancy | None:
    """Close the given vacancy, or the position's open one, if it is open; a refill before the vacancy began
    counts from the day it began."""
    open_vacancies = Vacancy.objects.select_for_update().filter(refilled_on__isnull=True)
    vacancy = (open_vacancies.filter(pk=vacancy_id).first() if vacancy_id is not None
               else open_vacancies.filter(position_id=position_id).first())
    if vacancy is None:
        return None
    vacancy.refilled_on = max(refilled_on, vacancy.vacated_on)
    vacancy.save(update_fields=["refilled_on"])
    return vacancy


@transaction.atomic
def vacancy_open(*, by: User, position_id: int, vacated_on: datetime.date, reason: str = "") -> Vacancy:
    """PS-4.3: a position of the user's office falls vacant; it keeps the vacancy already open, if any."""
    position = selectors.get_or_404(selectors.positions_visible_to(by), position_id, for_update=True)
    _require_keeps(by, position.office)
    if vacated_on is None:
        _raise({"vacated_on": _("Bitte geben Sie an, seit wann die Stelle frei ist.")})
    return _open_vacancy(position, vacated_on, reason)


@transaction.atomic
def vacancy_close(*, by: User, refilled_on: datetime.date, vacancy_id: int | None = None,
                  position_id: int | None = None) -> Vacancy | None:
    """PS-4.3: the position is refilled: the vacancy (by id, else the position's open one) closes, not before
    it began. Returns the closed vacancy, or None if there was no open one."""
    if vacancy_id is not None:
        vacancy = selectors.vacancies_visible_to(by).filter(pk=vacancy_id).first()
        if vacancy is None:
            raise Http404
        office = vacancy.position.office
    elif position_id is not None:
        office = selectors.position_for_user(by, position_id).office
    else:
        return None
    _require_keeps(by, office)
    if refilled_on is None:
        _raise({"refilled_on": _("Bitte geben Sie das Datum der Wiederbesetzung an.")})
    return _close_open_vacancy(position_id, refilled_on, vacancy_id)


@transaction.atomic
def vacancy_save(*, by: User, vacancy_id: int | None = None, **data) -> Vacancy:
    """PS-4.3: the office records a vacancy as its files have it (the spreadsheet import): a new one (no
    `vacancy_id`) or a change; at most one open vacancy per position."""
    if vacancy_id is None:
        vacancy = Vacancy()
    else:
        vacancy = selectors.get_or_404(selectors.vacancies_visible_to(by), vacancy_id, for_update=True)
        _require_keeps(by, vacancy.position.office)
    _assign(vacancy, data, VACANCY_FIELDS)
    if vacancy.position_id is None:
        _raise({"position": _("Bitte wählen Sie die Stelle.")})
    position = selectors.get_or_404(selectors.positions_visible_to(by), vacancy.position_id,
                                    for_update=True)  # one writer per position
    _require_keeps(by, position.office)
    errors = {}
    if vacancy.refilled_on and vacancy.vacated_on and vacancy.refilled_on < vacancy.vacated_on:
        errors["refilled_on"] = _("Die Wiederbesetzung kann nicht vor „frei seit“ liegen.")
    other = (Vacancy.objects.filter(position=position, refilled_on__isnull=True).exclude(pk=vacancy.pk).first()
             if vacancy.refilled_on is None else None)
    if other is not None:
        errors["vacated_on"] = (_("Für die Stelle „%(number)s“ ist bereits eine offene Vakanz erfasst (frei seit "
                                  "%(day)s).") % {"number": position.number,
                                                   "day": other.vacated_on.strftime("%d.%m.%Y")})
    _raise(errors)
    vacancy.full_clean()
    vacancy.save()
    return vacancy


# --- PS-1.1: the district's career-track table ---------------------------------------------------------

def career_tracks_seed_defaults(*, district: District) -> int:
    """PS-1.1: a district starts with the default table (`grades.DEFAULT_CAREER_TRACKS`); rows it has are
    kept. Idempotent; called for a new district, by the data migration's twin and by seed_demo."""
    existing = set(GradeCareerTrack.objects.filter(district=district).values_list("grade", flat=True))
    rows = [GradeCareerTrack(district=district, grade=grade, employment=employment, track=track)
            for grade, employment, track in grades.DEFAULT_CAREER_TRACKS if grade not in existing]
    GradeCareerTrack.objects.bulk_create(rows)
    return len(rows)


def _require_keeps_career_tracks(by: User) -> int:
    if not access.can(by, "career_tracks.keep"):
        raise PermissionDenied(_("Nur die Koordinierungsstelle oder die Kreisverwaltung pflegt die "
                                 "Laufbahntabelle."))
    return access.scope_of(by).district_id


def _check_career_track(district_id: int, grade: str, employment: str, track: str, row_id: int | None) -> str:
    errors = {}
    grade = grades.normalise_grade(grade)
    if not grade:
        errors["grade"] = _("Bitte geben Sie die Besoldungs- oder Entgeltgruppe an.")
    elif not grades.is_grade(grade):
        errors["grade"] = _("„%(grade)s“ ist keine Besoldungsgruppe (z. B. A 10) und keine Entgeltgruppe "
                            "(z. B. EG 9a).") % {"grade": grade}
    if employment not in Employment.values:
        errors["employment"] = _("Bitte wählen Sie das Beschäftigungsverhältnis.")
    if track not in CareerTrack.values:
        errors["track"] = _("Bitte wählen Sie die vorgesehene Laufbahn bzw. Qualifikation.")
    if not errors:
        if grades.is_civil_servant_grade(grade):
            if employment != Employment.CIVIL_SERVANT:
                errors["employment"] = _("Eine Besoldungsgruppe (A …) gilt für Beamtinnen und Beamte.")
            elif track not in grades.CIVIL_SERVANT_TRACKS:
                errors["track"] = _("Für Beamtinnen und Beamte wählen Sie bitte Laufbahngruppe und Einstiegsamt.")
        elif employment != Employment.EMPLOYEE:
            errors["employment"] = _("Eine Entgeltgruppe (EG …) gilt für Tarifbeschäftigte.")
        elif track not in grades.EMPLOYEE_TRACKS:
            errors["track"] = _("Für Tarifbeschäftigte wählen Sie bitte die Qualifikation nach TVöD, keine "
                                "Laufbahngruppe.")
    if not errors:
        same = GradeCareerTrack.objects.filter(district_id=district_id, grade=grade).exclude(pk=row_id)
        if same.exists():
            errors["grade"] = _("Für %(grade)s gibt es bereits eine Zeile; bitte ändern Sie diese.") % {"grade": grade}
    _raise(errors)
    return grade


@transaction.atomic
def career_track_save(*, by: User, row_id: int | None = None, grade: str, employment: str,
                      track: str) -> GradeCareerTrack:
    """PS-1.1: the district adds a grade to its career-track table or changes a row (audited)."""
    district_id = _require_keeps_career_tracks(by)
    if row_id is None:
        row = GradeCareerTrack(district_id=district_id)
        before = ""
    else:
        row = selectors.get_or_404(selectors.career_tracks_visible_to(by).filter(district_id=district_id),
                                   row_id, for_update=True)
        before = row.track
    grade = _check_career_track(district_id, grade, employment, track, row.pk)
    row.grade, row.employment, row.track = grade, employment, track
    row.changed_by, row.changed_at = by, timezone.now()
    row.save()
    GradeCareerTrackChange.objects.create(
        district_id=district_id, grade=grade, by=by, at=row.changed_at, from_track=before, to_track=track,
        action=GradeCareerTrackChange.Action.CREATED if row_id is None else GradeCareerTrackChange.Action.CHANGED)
    forget_career_tables()
    return row


@transaction.atomic
def career_track_delete(*, by: User, row_id: int) -> None:
    """PS-1.1: the district removes a grade from its table (audited); the check then names the gap."""
    district_id = _require_keeps_career_tracks(by)
    row = selectors.get_or_404(selectors.career_tracks_visible_to(by).filter(district_id=district_id),
                               row_id, for_update=True)
    GradeCareerTrackChange.objects.create(district_id=district_id, grade=row.grade, by=by,
                                          action=GradeCareerTrackChange.Action.DELETED, from_track=row.track)
    row.delete()
    forget_career_tables()

