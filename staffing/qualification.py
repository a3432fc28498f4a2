"""The qualification standards of the agreement (PS-1.1 to PS-1.3), as advice.

The agreement says "in der Regel": a deviation is shown to the coordination office before it decides
on a placement notice, it never blocks a notice or a staff record. The same rules check a candidate of
a notice (`staffing.models.Candidate`) and a member of the staff register (`StaffMember`).

Rules per function (`Function.Code`):

- benefits casework (``benefits``), PS-1.1: the career training (laufbahnrechtliche Ausbildung) that
  matches the grade of the position, or for employees its collective-agreement equivalent: the person's
  completed track (``career_track``: Laufbahngruppe 1/2 with erstes/zweites Einstiegsamt, or
  Verwaltungsfachangestellte/r / Angestelltenlehrgang I, Angestelltenlehrgang II, Hochschulabschluss) is
  compared with the track the district's table (``GradeCareerTrack``) presumes for the position's grade
  (a candidate: the notice's position; a staff member: their position, else their own grade).
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

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import grades
from .models import AgreementRuleSet, Candidate, CareerTrack, Function, GradeCareerTrack, Induction, Qualification

ACTIVE_FUNCTIONS = (Function.Code.PLACEMENT, Function.Code.COUNSELLING)


@dataclass(frozen=True)
class RuleResult:
    """The outcome of one rule for one person: `met` False means a deviation described in `text`."""

    rule: str
    met: bool
    text: str

    @property
    def label(self) -> str:
        return _("erfüllt") if self.met else _("Abweichung: %(text)s") % {"text": self.text}


def min_months(person=None) -> int:
    """PS-1.2: "several months" of relevant experience: issue 17, the district's rule set (a candidate of a
    received notice: the rule set of its receipt; otherwise the one in force now), else the setting
    QUALIFICATION_MIN_MONTHS (default 6). Read once per request and rule set / district."""
    default = int(getattr(settings, "QUALIFICATION_MIN_MONTHS", 6))
    if person is None:
        return default
    notice = _cached(person, "notice") if isinstance(person, Candidate) else None
    rule_set_id = getattr(notice, "rule_set_id", None)
    # issue 16, point 4: the notice page reads both with the notice (`selectors.notice_detail_for_user`)
    if rule_set_id and notice._meta.get_field("rule_set").is_cached(notice):
        return int(notice.rule_set.qualification_min_months)
    if not rule_set_id and hasattr(notice, "district_min_months_now"):
        months = notice.district_min_months_now
        return default if months is None else int(months)
    if rule_set_id:
        key, qs = ("rule_set", rule_set_id), AgreementRuleSet.objects.filter(pk=rule_set_id)
    else:
        district_id = _district_id_of(person)
        if not district_id:
            return default
        key = ("district", district_id)
        qs = (AgreementRuleSet.objects.filter(district_id=district_id, valid_from__lte=timezone.now())
              .order_by("-valid_from", "-version")[:1])
    memo = _tables.get()
    if memo is not None and key in memo:
        return memo[key]
    found = list(qs.values_list("qualification_min_months", flat=True)[:1])
    months = int(found[0]) if found else default
    if memo is not None:
        memo[key] = months
    return months


def _function_code(function) -> str | None:
    if function is None or function == "":
        return None
    return getattr(function, "code", function)


def _induction_planned(person) -> bool:
    # Candidate has a flag; StaffMember a choice field (planned or completed both count).
    if hasattr(person, "induction"):
        return person.induction in (Induction.PLANNED, Induction.COMPLETED)
    return bool(getattr(person, "induction_planned", False))


# --- PS-1.1: the district's career-track table, read once per request and district ------------------

_tables: ContextVar[dict | None] = ContextVar("career_track_tables", default=None)


def start_request_memo(**kwargs) -> None:
    """Connected to `request_started`: within one request each district's table is read once."""
    _tables.set({})


def end_request_memo(**kwargs) -> None:
    """Connected to `request_finished`; outside a request every check reads the table afresh."""
    _tables.set(None)


def forget_career_tables() -> None:
    """After a change of a table (records.career_track_*), the rest of the request reads it afresh."""
    memo = _tables.get()
    if memo is not None:
        memo.clear()


def career_table(district_id: int | None) -> dict[str, tuple[str, str]]:
    """PS-1.1: grade -> (employment, track) of the district; the defaults where no district is known."""
    if not district_id:
        return grades.DEFAULT_TABLE
    memo = _tables.get()
    if memo is not None and district_id in memo:
        return memo[district_id]
    table = {grades.normalise_grade(grade): (employment, track) for grade, employment, track in
             GradeCareerTrack.objects.filter(district_id=district_id).values_list("grade", "employment", "track")}
    if memo is not None:
        memo[district_id] = table
    return table


def _cached(obj, name):
    """The related object (read if not loaded yet; pages select it with the person), None where unset."""
    if obj is None:
        return None
    field = obj._meta.get_field(name)
    if field.is_cached(obj):
        return field.get_cached_value(obj)
    if getattr(obj, field.attname, None) is None:
        return None
    return getattr(obj, name)


def _position_grade_of(person) -> str:
    """PS-1.1: a candidate is measured against the notice's position, a staff member against their position;
    without a position, the person's own grade."""
    if isinstance(person, Candidate):
        notice = _cached(person, "notice")
        position = _cached(notice, "position") if notice is not None else None
    else:
        position = _cached(person, "position")
    return (position.grade if position is not None else "") or person.grade or ""


def _district_id_of(person) -> int | None:
    if isinstance(person, Candidate):
        notice = _cached(person, "notice")
        office = _cached(notice, "office") if notice is not None else None
    else:
        office = _cached(person, "office")
    return office.district_id if office is not None else None


def _track_label(track: str) -> str:
    return str(CareerTrack(track).label) if track in CareerTrack.values else track


def check_benefits(person, position_grade: str | None = None, *, district_id: int | None = None
                   ) -> list[RuleResult]:
    """PS-1.1: the person's completed career track against the track the district's table presumes for the
    position's grade; a higher track satisfies a lower one. Advice ("in der Regel"), never a block."""
    grade = grades.normalise_grade(_position_grade_of(person) if position_grade is None else position_grade)
    if not grade:
        return [RuleResult("PS-1.1", False, _("Die Besoldungs- oder Entgeltgruppe der Stelle fehlt; die "
                                              "vorgesehene Laufbahn kann nicht bestimmt werden."))]
    row = career_table(district_id or _district_id_of(person)).get(grade)
    if row is None:
        if grades.is_civil_servant_grade(grade):
            text = _("Für die Besoldungsgruppe %(grade)s ist keine Laufbahn hinterlegt; die Koordinierungsstelle "
                     "oder die Kreisverwaltung ergänzt die Laufbahntabelle.")
        else:
            text = _("Für die Entgeltgruppe %(grade)s ist keine Laufbahn hinterlegt; die Koordinierungsstelle "
                     "oder die Kreisverwaltung ergänzt die Laufbahntabelle.")
        return [RuleResult("PS-1.1", False, text % {"grade": grade})]
    required = row[1]
    track = getattr(person, "career_track", "") or ""
    values = {"grade": grade, "required": _track_label(required), "track": _track_label(track)}
    if not track:
        return [RuleResult("PS-1.1", False, _("Die abgeschlossene Laufbahnausbildung bzw. Qualifikation ist nicht "
                                              "angegeben; für die Stelle %(grade)s ist in der Regel %(required)s "
                                              "vorgesehen.") % values)]
    if grades.level(track) < grades.level(required):
        return [RuleResult("PS-1.1", False, _("%(track)s reicht für die Stelle %(grade)s nicht: vorgesehen ist "
                                              "%(required)s.") % values)]
    if track == required:
        return [RuleResult("PS-1.1", True, _("%(track)s entspricht der Stelle %(grade)s.") % values)]
    return [RuleResult("PS-1.1", True, _("%(track)s genügt für die Stelle %(grade)s (vorgesehen: %(required)s).")
                       % values)]


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
    months, needed = person.months_experience, min_months(person)
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
