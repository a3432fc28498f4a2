"""The quarterly report (PS-6.1, PS-6.2): snapshot of a regional office at a quarter's end,
differences to the previous quarter, and which cities are overdue."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from staffing.models import Office, StaffMember

from .models import QuarterlyReport
from .quarters import Quarter

# the fields compared between two quarters, with their German labels
COMPARED = {
    "function": "Funktion",
    "grade": "Besoldungs-/Entgeltgruppe",
    "fte": "VZÄ",
    "employment": "Beschäftigungsverhältnis",
    "qualification": "Qualifikation",
    "area_of_deployment": "Einsatzbereich",
    "induction": "Praxiseinweisung",
    "training_notes": "Fortbildungen",
}


def staff_at(office: Office, day: datetime.date) -> QuerySet[StaffMember]:
    """The office's staff on `day`: joined on or before it and not yet left."""
    return (StaffMember.objects.filter(office=office, joined_on__lte=day)
            .filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
            .select_related("function").order_by("last_name", "first_name", "pk"))


def snapshot_rows(office: Office, quarter: Quarter) -> list[dict]:
    """PS-6.1: headcount, qualification, training, function, area of deployment and grade at the quarter's end."""
    return [{
        "staff_id": m.pk,
        "name": f"{m.last_name}, {m.first_name}",
        "function": m.function.name,
        "function_code": m.function.code,
        "grade": m.grade,
        "fte": str(m.fte),
        "employment": m.get_employment_display(),
        "qualification": m.get_qualification_display(),
        "qualification_detail": m.qualification_detail,
        "months_experience": m.months_experience,
        "area_of_deployment": m.area_of_deployment,
        "induction": m.get_induction_display(),
        "training_notes": m.training_notes,
        # issue 13 (PS-6.2): days employed in the quarter, to price people who joined during it pro rata
        "days_in_quarter": (quarter.end - max(m.joined_on, quarter.start)).days + 1,
    } for m in staff_at(office, quarter.end)]


@dataclass
class Summary:
    headcount: int = 0
    fte: Decimal = Decimal("0")
    by_function: dict = field(default_factory=dict)  # function name -> [headcount, fte]


def summarise(rows: list[dict]) -> Summary:
    summary = Summary()
    for row in rows:
        fte = Decimal(row["fte"])
        summary.headcount += 1
        summary.fte += fte
        entry = summary.by_function.setdefault(row["function"], [0, Decimal("0")])
        entry[0] += 1
        entry[1] += fte
    return summary


@dataclass
class Difference:
    joined: list[dict]
    left: list[dict]
    changed: list[tuple[dict, list[tuple[str, str, str]]]]  # row, [(label, before, after)]
    totals: list[tuple[str, int, int, Decimal, Decimal]]  # label, heads before/after, fte before/after

    @property
    def empty(self) -> bool:
        return not (self.joined or self.left or self.changed)


def difference(previous: list[dict] | None, current: list[dict]) -> Difference | None:
    """PS-6.1: what changed since the previous quarter (by person and in totals); None without one."""
    if previous is None:
        return None
    before = {r["staff_id"]: r for r in previous}
    after = {r["staff_id"]: r for r in current}
    joined = [after[k] for k in after if k not in before]
    left = [before[k] for k in before if k not in after]
    changed = []
    for key, row in after.items():
        if key in before:
            diffs = [(label, str(before[key].get(name, "")), str(row.get(name, "")))
                     for name, label in COMPARED.items() if before[key].get(name) != row.get(name)]
            if diffs:
                changed.append((row, diffs))
    s_before, s_after = summarise(previous), summarise(current)
    totals = [("Gesamt", s_before.headcount, s_after.headcount, s_before.fte, s_after.fte)]
    for name in sorted(set(s_before.by_function) | set(s_after.by_function)):
        b = s_before.by_function.get(name, [0, Decimal("0")])
        a = s_after.by_function.get(name, [0, Decimal("0")])
        totals.append((name, b[0], a[0], b[1], a[1]))
    return Difference(joined, left, changed, totals)


def previous_rows(office: Office, quarter: Quarter) -> list[dict] | None:
    prev = quarter.previous
    report = QuarterlyReport.objects.filter(office=office, year=prev.year, quarter=prev.quarter).first()
    return report.rows if report else None


@dataclass
class ReportStatus:
    office: Office
    quarter: Quarter
    report: QuarterlyReport | None
    overdue_days: int  # 0 when confirmed or not yet due

    @property
    def overdue(self) -> bool:
        return self.report is None and self.overdue_days > 0


def report_status(offices, day: datetime.date, quarter: Quarter | None = None) -> list[ReportStatus]:
    """PS-6.1: per office, the report of the last quarter ended before `day`; overdue from the day
    after the quarter's end until it is confirmed."""
    quarter = quarter or Quarter.last_ended_before(day)
    offices = list(offices)
    reports = {r.office_id: r for r in QuarterlyReport.objects.filter(
        office__in=offices, year=quarter.year, quarter=quarter.quarter).select_related("confirmed_by")}
    result = []
    for office in offices:
        report = reports.get(office.pk)
        overdue_days = 0 if report or day <= quarter.end else (day - quarter.end).days
        result.append(ReportStatus(office, quarter, report, overdue_days))
    return result


def overdue_offices(offices, day: datetime.date) -> list[Office]:
    """PS-6.1: the regional offices whose report for the last ended quarter is missing on `day`."""
    return [s.office for s in report_status(offices, day) if s.overdue]
