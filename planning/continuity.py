"""PS-4.1 continuity of staff in the regional office ("Die Stadt fördert die Kontinuität des Personals in der
Regionalstelle"): per regional office and year the turnover rate, the average and median tenure in the
function, the vacancies refilled within 30 and 90 days, and the leavers by reason.

Definitions (each figure's function says it again):

- a person belongs to an office's headcount on a day when `joined_on <= day` and they have not left before it
  (`left_on` is the last working day, so a leaver on 31.12. still counts on 31.12.);
- leavers of a year: `left_on` between 1.1. and 31.12. of that year;
- average headcount: the mean of the headcounts on the last day of each month of the year (for the current
  year: of the months ended so far and today);
- turnover rate: leavers / average headcount, in percent; none (shown "–") without headcount;
- tenure in the function: from `function_since` (the entry date where it is empty) to the reference day
  (31.12., today in the current year), for the people in the headcount on that day;
- refilled within N days: vacancies of the year's (`vacated_on` in the year) with
  `refilled_on - vacated_on <= N` days; a still open vacancy counts as opened, not as refilled.

The figures are read with a fixed number of queries (staff rows and vacancy rows of the offices, two
queries), whatever the number of offices, people and vacancies; everything else is arithmetic here.
"""
from __future__ import annotations

import calendar
import datetime
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from staffing.access import can
from staffing.models import LeaveReason, Office, StaffMember, Vacancy

from .selectors import regional_offices_visible_to

#: SGB II (and with it the JobAgentur EN) began on 1.1.2005: no continuity figures before that year
FIRST_YEAR = 2005
REFILL_DAYS = (30, 90)
DAYS_PER_YEAR = Decimal("365.25")
ONE_PLACE = Decimal("0.1")


def de_number(value: Decimal | None, *, places: int = 1) -> str:
    """PS-4.1: a figure in German notation (decimal comma, one place), "–" for none."""
    if value is None:
        return "–"
    quantum = Decimal(1).scaleb(-places)
    return format(Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP), "f").replace(".", ",")


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


@dataclass
class _Person:
    office_id: int
    joined_on: datetime.date
    left_on: datetime.date | None
    function_since: datetime.date | None
    leave_reason: str

    def present_on(self, day: datetime.date) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on >= day)


@dataclass
class ContinuityFigures:
    """PS-4.1: the continuity figures of one office (or the district total) in one year."""

    year: int
    office: Office | None  # None: all offices shown together
    leavers: int = 0
    average_headcount: Decimal = Decimal("0")
    turnover_rate: Decimal | None = None  # percent, one place
    tenure_average: Decimal | None = None  # years, one place
    tenure_median: Decimal | None = None  # years, one place
    tenure_people: int = 0
    vacancies_opened: int = 0
    refilled_30: int = 0
    refilled_90: int = 0
    still_open: int = 0
    leavers_by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.office.name if self.office is not None else _("Kreis gesamt")

    @property
    def share_30(self) -> Decimal | None:
        return share(self.refilled_30, self.vacancies_opened)

    @property
    def share_90(self) -> Decimal | None:
        return share(self.refilled_90, self.vacancies_opened)

    # German notation for pages (the exports carry the Decimals, written with a comma by csv_cell)
    @property
    def turnover_text(self) -> str:
        return "–" if self.turnover_rate is None else f"{de_number(self.turnover_rate)} %"

    @property
    def average_headcount_text(self) -> str:
        return de_number(self.average_headcount)

    @property
    def tenure_average_text(self) -> str:
        return de_number(self.tenure_average)

    @property
    def tenure_median_text(self) -> str:
        return de_number(self.tenure_median)

    @property
    def share_30_text(self) -> str:
        return "–" if self.share_30 is None else f"{de_number(self.share_30)} %"

    @property
    def share_90_text(self) -> str:
        return "–" if self.share_90 is None else f"{de_number(self.share_90)} %"

    @property
    def reasons(self) -> list[tuple[str, str, int]]:
        """(value, label, count) for every reason, in the order of `LeaveReason`."""
        return [(value, str(label), self.leavers_by_reason.get(value, 0)) for value, label in LeaveReason.choices]


def share(part: int, whole: int) -> Decimal | None:
    """PS-4.1: `part` of `whole` in percent, one place; none for an empty whole (no division by zero)."""
    if not whole:
        return None
    return _round(Decimal(part) * 100 / Decimal(whole))


def reference_day(year: int, today: datetime.date | None = None) -> datetime.date:
    """PS-4.1: the day a year's figures are taken on: 31.12., or today in the current year."""
    today = today or timezone.localdate()
    return min(datetime.date(year, 12, 31), today)


def month_ends(year: int, today: datetime.date | None = None) -> list[datetime.date]:
    """PS-4.1: the days whose headcounts make the average headcount of the year: the last day of each month,
    in the current year only the months ended so far and today."""
    last = reference_day(year, today)
    days = [datetime.date(year, m, calendar.monthrange(year, m)[1]) for m in range(1, 13)]
    days = [d for d in days if d < last]
    return [*days, last]


def average_headcount(people: list[_Person], year: int, today: datetime.date | None = None) -> Decimal:
    """PS-4.1: the mean of the headcounts on the month ends of the year (`month_ends`), one place."""
    days = month_ends(year, today)
    total = sum(sum(1 for p in people if p.present_on(day)) for day in days)
    return _round(Decimal(total) / len(days))


def turnover_rate(leavers: int, headcount: Decimal) -> Decimal | None:
    """PS-4.1: leavers of the year per average headcount, in percent (one place); none without headcount."""
    if not headcount:
        return None
    return _round(Decimal(leavers) * 100 / headcount)


def tenure_years(people: list[_Person], day: datetime.date) -> list[Decimal]:
    """PS-4.1: the tenure in the function, in years, of everybody in the headcount on `day`: from
    `function_since`, where that is empty or later than `day` (the function then held is not recorded)
    from the entry."""
    years = []
    for p in people:
        if not p.present_on(day):
            continue
        since = p.function_since if p.function_since and p.function_since <= day else p.joined_on
        years.append(Decimal((day - since).days) / DAYS_PER_YEAR)
    return years


def tenure_average(years: list[Decimal]) -> Decimal | None:
    """PS-4.1: the average tenure in the function (years, one place); none without people."""
    return _round(sum(years) / len(years)) if years else None


def tenure_median(years: list[Decimal]) -> Decimal | None:
    """PS-4.1: the median tenure in the function (years, one place; with an even count the mean of the two
    middle values); none without people."""
    return _round(statistics.median(years)) if years else None


def refilled_within(vacancies: list[tuple[datetime.date, datetime.date | None]], days: int) -> int:
    """PS-4.1 (with PS-4.3): how many of these vacancies were refilled at most `days` days after they began
    (`refilled_on - vacated_on <= days`); open ones are not."""
    return sum(1 for vacated, refilled in vacancies if refilled is not None and (refilled - vacated).days <= days)


def _figures(year: int, office: Office | None, people: list[_Person],
             vacancies: list[tuple[datetime.date, datetime.date | None]], today: datetime.date) -> ContinuityFigures:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    leavers = [p for p in people if p.left_on is not None and start <= p.left_on <= end]
    headcount = average_headcount(people, year, today)
    years = tenure_years(people, reference_day(year, today))
    opened = [(v, r) for v, r in vacancies if start <= v <= end]
    return ContinuityFigures(
        year=year, office=office, leavers=len(leavers), average_headcount=headcount,
        turnover_rate=turnover_rate(len(leavers), headcount),
        tenure_average=tenure_average(years), tenure_median=tenure_median(years), tenure_people=len(years),
        vacancies_opened=len(opened), refilled_30=refilled_within(opened, 30), refilled_90=refilled_within(opened, 90),
        still_open=sum(1 for _v, r in opened if r is None),
        leavers_by_reason=dict(Counter(p.leave_reason or LeaveReason.UNKNOWN for p in leavers)),
    )


@dataclass
class ContinuityReport:
    """PS-4.1: the figures of the given offices for the chosen year and the years before it (the chart)."""

    year: int
    years: list[int]
    offices: list[Office]
    rows: list[ContinuityFigures]  # the chosen year, one per office
    total: ContinuityFigures  # the chosen year, all offices together
    by_year: dict[int, list[ContinuityFigures]]  # year -> one per office (the chart and its table)

    @property
    def chart(self) -> dict:
        """Geometry of the server-rendered SVG: turnover per office, one bar per year (percent)."""
        values = [f.turnover_rate or Decimal(0) for figures in self.by_year.values() for f in figures]
        top = max(values, default=Decimal(0))
        top = max(Decimal(10), (top / 10).to_integral_value(rounding="ROUND_CEILING") * 10)
        bar_h, gap, width, label_width = 14, 12, 360, 240
        groups, y = [], 10
        for i, office in enumerate(self.offices):
            bars = []
            for j, year in enumerate(self.years):
                f = self.by_year[year][i]
                rate = f.turnover_rate or Decimal(0)
                bars.append({"year": year, "y": y + j * (bar_h + 2), "w": int(rate / top * width),
                             "text": f.turnover_text, "shade": ("#c7d0e0", "#7f93b8", "#1f4e8c")[
                                 j - len(self.years) + 3] if len(self.years) <= 3 else "#1f4e8c"})
            groups.append({"label": office.name, "y": y, "bars": bars})
            y += len(self.years) * (bar_h + 2) + gap
        return {"groups": groups, "height": y + 4, "width": width, "label_width": label_width, "top": top,
                "bar_h": bar_h, "total_width": label_width + width + 70}


def valid_years(today: datetime.date | None = None) -> range:
    """PS-4.1: the years the figures can be asked for: from 2005 (SGB II) to the current year; no future."""
    today = today or timezone.localdate()
    return range(FIRST_YEAR, today.year + 1)


def continuity_report(offices, year: int, *, years_back: int = 2,
                      today: datetime.date | None = None) -> ContinuityReport:
    """PS-4.1: the continuity figures of these regional offices (already cut to the user's scope) for `year`
    and, for the chart, up to `years_back` years before it. Two queries (staff, vacancies), whatever the rows."""
    today = today or timezone.localdate()
    offices = sorted((o for o in offices if o.kind == Office.Kind.REGIONAL), key=lambda o: o.name)
    ids = [o.pk for o in offices]
    years = [y for y in range(year - years_back, year + 1) if y >= FIRST_YEAR]
    first_day, last_day = datetime.date(years[0], 1, 1), datetime.date(year, 12, 31)
    people: dict[int, list[_Person]] = defaultdict(list)
    if ids:
        for row in (StaffMember.objects.filter(office_id__in=ids, joined_on__lte=last_day).exclude(
                left_on__lt=first_day).order_by().values_list(
                "office_id", "joined_on", "left_on", "function_since", "leave_reason")):
            people[row[0]].append(_Person(*row))
    vacancies: dict[int, list] = defaultdict(list)
    if ids:
        for office_id, vacated, refilled in (Vacancy.objects.filter(
                position__office_id__in=ids, vacated_on__gte=first_day, vacated_on__lte=last_day).order_by()
                .values_list("position__office_id", "vacated_on", "refilled_on")):
            vacancies[office_id].append((vacated, refilled))
    by_year = {y: [_figures(y, o, people[o.pk], vacancies[o.pk], today) for o in offices] for y in years}
    everybody = [p for o in offices for p in people[o.pk]]
    all_vacancies = [v for o in offices for v in vacancies[o.pk]]
    return ContinuityReport(year=year, years=years, offices=offices, rows=by_year[year],
                            total=_figures(year, None, everybody, all_vacancies, today), by_year=by_year)


def export_rows(report: ContinuityReport) -> tuple[list[str], list[list]]:
    """PS-4.1: the figures of the chosen year as flat rows for CSV and XLSX (one per office, then the total)."""
    reasons = [(value, str(label)) for value, label in LeaveReason.choices]
    header = [_("Jahr"), _("Regionalstelle"), _("Austritte"), _("durchschnittlicher Personalbestand"),
              _("Fluktuationsquote (%)"), _("Verweildauer in der Funktion, Durchschnitt (Jahre)"),
              _("Verweildauer in der Funktion, Median (Jahre)"), _("Vakanzen eröffnet"),
              _("wiederbesetzt in 30 Tagen"), _("Anteil in 30 Tagen (%)"), _("wiederbesetzt in 90 Tagen"),
              _("Anteil in 90 Tagen (%)"), _("noch offen"),
              *[_("Austritte: %(reason)s") % {"reason": label} for _value, label in reasons]]
    rows = []
    for f in [*report.rows, report.total]:
        rows.append([f.year, f.label, f.leavers, f.average_headcount,
                     "" if f.turnover_rate is None else f.turnover_rate,
                     "" if f.tenure_average is None else f.tenure_average,
                     "" if f.tenure_median is None else f.tenure_median, f.vacancies_opened,
                     f.refilled_30, "" if f.share_30 is None else f.share_30, f.refilled_90,
                     "" if f.share_90 is None else f.share_90, f.still_open,
                     *[f.leavers_by_reason.get(value, 0) for value, _label in reasons]])
    return header, rows


def start_panel(request):
    """PS-4.1: the district's start page (coordination office, district administration) shows the current
    year's continuity figures of its regional offices; registered in `PlanningConfig.ready()`."""
    if not can(request.user, "continuity.start_panel"):
        return ""
    report = continuity_report(regional_offices_visible_to(request.user), timezone.localdate().year, years_back=0)
    # without the request: the panel needs no context processor (each would run its queries again)
    return render_to_string("planning/includes/continuity_panel.html", {"continuity": report})
