"""The qualification standards of the agreement (PS-1.1 to PS-1.3), as advice.

The agreement says "in der Regel": a deviation is shown to the coordination office before it decides
on a placement notice, it never blocks a notice or a staff record. The same rules check a candidate of
a notice (`staffing.models.Candidate`) and a member of the staff register (`StaffMember`).

Rules per function (`Function.Code`):

- benefits casework (``benefits``), PS-1.1: civil servants need the career training
  (laufbahnrechtliche Ausbildung) that matches the grade of the position, i.e. a Besoldungsgruppe
  ("A ..."); employees need the career training or its collective-agreement equivalent
  (qualification ``career_training`` or ``equivalent``, e.g. Verwaltungsfachangestellte/r,
  Angestelltenlehrgang I/II) with an Entgeltgruppe ("EG ...").
- job placement and specialist counselling (``placement``, ``counselling``), PS-1.2: a university or
  university-of-applied-sciences degree or an equivalent qualification (``degree`` or ``equivalent``),
  and several months of relevant experience: at least ``settings.QUALIFICATION_MIN_MONTHS``
  (default 6).
- PS-1.3, for the same functions: where the experience is missing, a practical induction
  (Praxiseinweisung) must be planned (or completed) instead. The result appears only when the
  experience falls short.
- leadership functions (``office_head``, ``team_lead``): section 1 sets no standard; the list is empty.

`check_qualification(person, function)` returns a list of `RuleResult` (rule id, met, German text).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Employment, Function, Induction, Qualification

ACTIVE_FUNCTIONS = (Function.Code.PLACEMENT, Function.Code.COUNSELLING)
_CIVIL_SERVANT_GRADE = re.compile(r"^\s*A\s*\d+", re.IGNORECASE)
_EMPLOYEE_GRADE = re.compile(r"^\s*(EG|E|S|TVöD|TV-L)\s*\d+", re.IGNORECASE)


@dataclass(frozen=True)
class RuleResult:
    """The outcome of one rule for one person: `met` False means a deviation described in `text`."""

    rule: str
    met: bool
    text: str

    @property
    def label(self) -> str:
        return _("erfüllt") if self.met else _("Abweichung: %(text)s") % {"text": self.text}


def min_months() -> int:
    """PS-1.2: "several months" of relevant experience, as configured (default 6)."""
    return int(getattr(settings, "QUALIFICATION_MIN_MONTHS", 6))


def _function_code(function) -> str | None:
    if function is None or function == "":
        return None
    return getattr(function, "code", function)


def _induction_planned(person) -> bool:
    # Candidate has a flag; StaffMember a choice field (planned or completed both count).
    if hasattr(person, "induction"):
        return person.induction in (Induction.PLANNED, Induction.COMPLETED)
    return bool(getattr(person, "induction_planned", False))


def check_benefits(person) -> list[RuleResult]:
    """PS-1.1: career training matching the grade; for employees the collective-agreement equivalent."""
    grade = (person.grade or "").strip()
    qualification = person.qualification
    if person.employment == Employment.CIVIL_SERVANT:
        if qualification != Qualification.CAREER_TRAINING:
            return [RuleResult("PS-1.1", False, _("Für Beamtinnen und Beamte in der Leistungssachbearbeitung "
                                                  "ist die laufbahnrechtliche Ausbildung vorgesehen."))]
        if not grade:
            return [RuleResult("PS-1.1", False, _("Besoldungsgruppe fehlt; die Ausbildung kann nicht der "
                                                  "Besoldungsgruppe zugeordnet werden."))]
        if not _CIVIL_SERVANT_GRADE.match(grade):
            return [RuleResult("PS-1.1", False, _("„%(grade)s“ ist keine Besoldungsgruppe (A …); die "
                                                  "laufbahnrechtliche Ausbildung passt nicht zur Einstufung.")
                               % {"grade": grade})]
        return [RuleResult("PS-1.1", True, _("Laufbahnrechtliche Ausbildung passend zur Besoldungsgruppe "
                                             "%(grade)s.") % {"grade": grade})]
    if person.employment == Employment.EMPLOYEE:
        if qualification not in (Qualification.CAREER_TRAINING, Qualification.EQUIVALENT):
            return [RuleResult("PS-1.1", False, _("Für Tarifbeschäftigte ist eine der laufbahnrechtlichen "
                                                  "Ausbildung tariflich gleichwertige Qualifikation vorgesehen."))]
        if not grade:
            return [RuleResult("PS-1.1", False, _("Entgeltgruppe fehlt; die Qualifikation kann nicht der "
                                                  "Entgeltgruppe zugeordnet werden."))]
        if not _EMPLOYEE_GRADE.match(grade):
            return [RuleResult("PS-1.1", False, _("„%(grade)s“ ist keine Entgeltgruppe (EG …).")
                               % {"grade": grade})]
        return [RuleResult("PS-1.1", True, _("Tariflich gleichwertige Qualifikation passend zur Entgeltgruppe "
                                             "%(grade)s.") % {"grade": grade})]
    return [RuleResult("PS-1.1", False, _("Beschäftigungsverhältnis fehlt; die passende Ausbildung kann nicht "
                                          "geprüft werden."))]


def check_active_area(person) -> list[RuleResult]:
    """PS-1.2 and PS-1.3: degree or equivalent, several months of experience, else a practical induction."""
    results = []
    if person.qualification in (Qualification.DEGREE, Qualification.EQUIVALENT):
        results.append(RuleResult("PS-1.2", True, _("Hochschulabschluss oder gleichwertige Qualifikation.")))
    elif not person.qualification:
        results.append(RuleResult("PS-1.2", False, _("Qualifikation nicht angegeben.")))
    else:
        results.append(RuleResult("PS-1.2", False, _("In der Regel ist ein (Fach-)Hochschulabschluss oder eine "
                                                     "gleichwertige Qualifikation vorgesehen.")))
    months, needed = person.months_experience, min_months()
    if months is None:
        results.append(RuleResult("PS-1.2", False, _("Berufserfahrung nicht angegeben.")))
        experience_missing = True
    elif months >= needed:
        results.append(RuleResult("PS-1.2", True, ngettext(
            "%(months)d Monat einschlägige Berufserfahrung.",
            "%(months)d Monate einschlägige Berufserfahrung.", months) % {"months": months}))
        experience_missing = False
    else:
        results.append(RuleResult("PS-1.2", False, ngettext(
            "%(months)d Monat einschlägige Berufserfahrung, in der Regel mindestens %(needed)d Monate.",
            "%(months)d Monate einschlägige Berufserfahrung, in der Regel mindestens %(needed)d Monate.",
            months) % {"months": months, "needed": needed}))
        experience_missing = True
    if experience_missing:
        if _induction_planned(person):
            results.append(RuleResult("PS-1.3", True, _("Praxiseinweisung ist vorgesehen.")))
        else:
            results.append(RuleResult("PS-1.3", False, _("Ohne ausreichende Berufserfahrung ist eine "
                                                         "Praxiseinweisung vorzusehen; sie ist nicht geplant.")))
    return results


def check_qualification(person, function) -> list[RuleResult]:
    """PS-1.1 to PS-1.3: the results for a candidate or staff member in `function` (object or code)."""
    code = _function_code(function)
    if code == Function.Code.BENEFITS:
        return check_benefits(person)
    if code in ACTIVE_FUNCTIONS:
        return check_active_area(person)
    return []


def deviations(person, function) -> list[RuleResult]:
    """Only the rules not met (for lists and counts)."""
    return [r for r in check_qualification(person, function) if not r.met]
