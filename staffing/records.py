"""Writes of positions, staff and vacancies (PS-4.2, PS-4.3, PS-6.1): the one write path for these records.

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
    CareerTrack,
    District,
    Employment,
    GradeCareerTrack,
    GradeCareerTrackChange,
    Induction,
    LeaveReason,
    Office,
    Position,
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


# --- positions (PS-4.2) -----------------------------------------------------------------------------

@transaction.atomic
def position_save(*, by: User, position_id: int | None = None, **data) -> Position:
    """PS-4.2: the office keeps its budgeted positions: a new one (no `position_id`) or a change."""
    if position_id is None:
        position = Position(office=_own_office(by))
    else:
        position = selectors.get_or_404(selectors.positions_visible_to(by), position_id, for_update=True)
        _require_keeps(by, position.office)
    _assign(position, data, POSITION_FIELDS)
    if position.number and Position.objects.filter(office_id=position.office_id, number=position.number).exclude(
            pk=position.pk).exists():
        _raise({"number": _("Die Stellennummer „%(number)s“ ist in dieser Dienststelle bereits vergeben.")
                % {"number": position.number}})
    position.full_clean()
    position.save()
    return position


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

