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
queries), whatever the number of offices, people and vacancies; everything else is arithmetic here. The
start panel shows one year's table only and reads it from SQL aggregates (`panel_report`, issue 16, point 1:
three statements returning a few rows per office); both paths share the arithmetic (`figures_from_counts`).
"""
from __future__ import annotations

import calendar
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
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


def tenure_days(people: list[_Person], day: datetime.date) -> list[int]:
    """PS-4.1: the tenure in the function, in days, of everybody in the headcount on `day`: from
    `function_since`, where that is empty or later than `day` (the function then held is not recorded)
    from the entry."""
    days = []
    for p in people:
        if not p.present_on(day):
            continue
        since = p.function_since if p.function_since and p.function_since <= day else p.joined_on
        days.append((day - since).days)
    return days


def tenure_average(total_days: int, people: int) -> Decimal | None:
    """PS-4.1: the average tenure in the function (years of 365.25 days, one place) from the sum of the
    people's days; none without people. One division, so the SQL sum (the start panel) gives the same figure."""
    return _round(Decimal(total_days) / (DAYS_PER_YEAR * people)) if people else None


def tenure_median(low_days: int | None, high_days: int | None) -> Decimal | None:
    """PS-4.1: the median tenure in the function (years, one place) from the two middle values in days (with
    an odd count both are the middle one; with an even count the mean of the two middle values); none
    without people."""
    if low_days is None:
        return None
    return _round(Decimal(low_days + high_days) / (2 * DAYS_PER_YEAR))


def middle_values(values: list[int]) -> tuple[int | None, int | None]:
    """The two middle values of `values` (the same one twice for an odd count), (None, None) for none."""
    if not values:
        return None, None
    ordered = sorted(values)
    n = len(ordered)
    return ordered[(n - 1) // 2], ordered[n // 2]


def refilled_within(vacancies: list[tuple[datetime.date, datetime.date | None]], days: int) -> int:
    """PS-4.1 (with PS-4.3): how many of these vacancies were refilled at most `days` days after they began
    (`refilled_on - vacated_on <= days`); open ones are not."""
    return sum(1 for vacated, refilled in vacancies if refilled is not None and (refilled - vacated).days <= days)


def _figures(year: int, office: Office | None, people: list[_Person],
             vacancies: list[tuple[datetime.date, datetime.date | None]], today: datetime.date) -> ContinuityFigures:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    leavers = [p for p in people if p.left_on is not None and start <= p.left_on <= end]
    days = tenure_days(people, reference_day(year, today))
    opened = [(v, r) for v, r in vacancies if start <= v <= end]
    return figures_from_counts(
        year, office, leavers=len(leavers),
        headcounts=sum(sum(1 for p in people if p.present_on(day)) for day in month_ends(year, today)),
        month_end_count=len(month_ends(year, today)), tenure_people=len(days), tenure_total_days=sum(days),
        tenure_middle=middle_values(days), vacancies_opened=len(opened),
        refilled_30=refilled_within(opened, 30), refilled_90=refilled_within(opened, 90),
        still_open=sum(1 for _v, r in opened if r is None),
        leavers_by_reason=dict(Counter(p.leave_reason or LeaveReason.UNKNOWN for p in leavers)))


def figures_from_counts(year: int, office: Office | None, *, leavers: int, headcounts: int, month_end_count: int,
                        tenure_people: int, tenure_total_days: int, tenure_middle: tuple[int | None, int | None],
                        vacancies_opened: int, refilled_30: int, refilled_90: int, still_open: int,
                        leavers_by_reason: dict[str, int]) -> ContinuityFigures:
    """PS-4.1: the figures of one office (or the total) from its counts, the same arithmetic for the rows read
    into Python (`continuity_report`) and the SQL aggregates of the start panel (`panel_report`).
    `headcounts` is the sum of the headcounts on the `month_end_count` month ends (`average_headcount`)."""
    headcount = _round(Decimal(headcounts) / month_end_count)
    return ContinuityFigures(
        year=year, office=office, leavers=leavers, average_headcount=headcount,
        turnover_rate=turnover_rate(leavers, headcount),
        tenure_average=tenure_average(tenure_total_days, tenure_people), tenure_median=tenure_median(*tenure_middle),
        tenure_people=tenure_people, vacancies_opened=vacancies_opened, refilled_30=refilled_30,
        refilled_90=refilled_90, still_open=still_open,
        leavers_by_reason={k: v for k, v in leavers_by_reason.items() if v})


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


def _days_between(later: str, earlier: str) -> str:
    """SQL for the whole days from `earlier` to `later` (two date expressions): PostgreSQL subtracts dates,
    SQLite has julianday(); the rest of the panel's SQL is the same on both."""
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(ROUND(julianday({later}) - julianday({earlier})) AS INTEGER)"


def panel_report(offices, year: int, *, today: datetime.date | None = None) -> ContinuityReport:
    """Issue 16, point 1: the figures of `year` only (what the start panel shows: the table, no chart) from SQL
    aggregates instead of every staff row, three aggregates returning a few rows per office, sent as one
    statement (issue 16, point 3: UNION ALL, one round trip): GROUP BY office for the leavers (also by reason),
    the headcount on each month end and the tenure count and sum; the middle one or two tenures per office and
    of all offices (window functions: SQLite has no percentile_cont); GROUP BY office for the vacancies. The
    same definitions and arithmetic as `continuity_report` (`figures_from_counts`) and the same figures on
    SQLite and PostgreSQL (tests/planning/test_continuity_figures.py compares both paths). Hand-written SQL:
    the ORM built the ~25 conditional aggregates slower (~15 ms per request, pyinstrument) than
    `continuity_report` read and counted the rows. Other databases: `continuity_report`."""
    today = today or timezone.localdate()
    if connection.vendor not in ("postgresql", "sqlite"):
        return continuity_report(offices, year, years_back=0, today=today)
    offices = sorted((o for o in offices if o.kind == Office.Kind.REGIONAL), key=lambda o: o.name)
    ids = [o.pk for o in offices]
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    ends, ref = month_ends(year, today), reference_day(year, today)
    reasons = [value for value, _label in LeaveReason.choices]
    staff: dict[int, tuple] = {}
    middles: dict[int | None, list[tuple[int, int]]] = defaultdict(list)
    vacancies: dict[int, tuple] = {}
    if ids:
        people, vacancy, position = (StaffMember._meta.db_table, Vacancy._meta.db_table,
                                     Vacancy._meta.get_field("position").related_model._meta.db_table)
        in_offices = ", ".join(["%s"] * len(ids))
        present = "(s.joined_on <= %s AND (s.left_on IS NULL OR s.left_on >= %s))"
        left = "s.left_on >= %s AND s.left_on <= %s"
        tenure = _days_between("%s", "CASE WHEN s.function_since IS NOT NULL AND s.function_since <= %s "
                                     "THEN s.function_since ELSE s.joined_on END")
        columns = [f"SUM(CASE WHEN {left} THEN 1 ELSE 0 END)", f"SUM(CASE WHEN {present} THEN 1 ELSE 0 END)",
                   f"SUM(CASE WHEN {present} THEN {tenure} ELSE 0 END)"]
        params = [start, end, ref, ref, ref, ref, ref, ref]
        for day in ends:
            columns.append(f"SUM(CASE WHEN {present} THEN 1 ELSE 0 END)")
            params += [day, day]
        for value in reasons:
            unknown = " OR s.leave_reason = ''" if value == LeaveReason.UNKNOWN else ""
            columns.append(f"SUM(CASE WHEN {left} AND (s.leave_reason = %s{unknown}) THEN 1 ELSE 0 END)")
            params += [start, end, value]
        gap = _days_between("v.refilled_on", "v.vacated_on")
        # issue 16, point 3 (a cheap request): the three aggregates in one statement (UNION ALL, one round trip
        # and one plan instead of three), each arm marked by its first column and padded to the widest with NULL
        arms = [
            ("staff", ["s.office_id", *columns],
             f"FROM {people} s WHERE s.office_id IN ({in_offices}) AND s.joined_on <= %s "
             "AND (s.left_on IS NULL OR s.left_on >= %s) GROUP BY s.office_id", [*params, *ids, end, start]),
            # the middle one or two tenures of each office and of all offices together (the medians)
            ("middle", ["office_id", "days", "rank_office", "size_office", "rank_all", "size_all"],
             f"FROM (SELECT s.office_id, {tenure} AS days, ROW_NUMBER() OVER (PARTITION BY s.office_id ORDER BY "
             f"{tenure}) AS rank_office, COUNT(*) OVER (PARTITION BY s.office_id) AS size_office, ROW_NUMBER() OVER "
             f"(ORDER BY {tenure}) AS rank_all, COUNT(*) OVER () AS size_all FROM {people} s WHERE s.office_id IN "
             f"({in_offices}) AND {present}) ranked WHERE rank_office IN ((size_office + 1) / 2, (size_office + 2) "
             "/ 2) OR rank_all IN ((size_all + 1) / 2, (size_all + 2) / 2)",
             [ref, ref, ref, ref, ref, ref, *ids, ref, ref]),
            ("vacancy", ["p.office_id", "COUNT(*)",
                         f"SUM(CASE WHEN v.refilled_on IS NOT NULL AND {gap} <= 30 THEN 1 ELSE 0 END)",
                         f"SUM(CASE WHEN v.refilled_on IS NOT NULL AND {gap} <= 90 THEN 1 ELSE 0 END)",
                         "SUM(CASE WHEN v.refilled_on IS NULL THEN 1 ELSE 0 END)"],
             f"FROM {vacancy} v JOIN {position} p ON p.id = v.position_id WHERE p.office_id IN ({in_offices}) "
             "AND v.vacated_on >= %s AND v.vacated_on <= %s GROUP BY p.office_id", [*ids, start, end]),
        ]
        width = max(len(select) for _kind, select, _rest, _params in arms)
        sql = " UNION ALL ".join(
            f"SELECT '{kind}' AS arm, {', '.join([*select, *['NULL'] * (width - len(select))])} {rest}"
            for kind, select, rest, _params in arms)
        with connection.cursor() as cursor:
            cursor.execute(sql, [p for _kind, _select, _rest, arm_params in arms for p in arm_params])
            result = cursor.fetchall()
        for arm, *row in result:
            if arm == "staff":
                staff[row[0]] = tuple(row[1:1 + len(columns)])
            elif arm == "middle":
                office_id, days, rank, size, rank_all, size_all = row[:6]
                if rank in ((size + 1) // 2, (size + 2) // 2):
                    middles[office_id].append((rank, days))
                if rank_all in ((size_all + 1) // 2, (size_all + 2) // 2):
                    middles[None].append((rank_all, days))
            else:
                vacancies[row[0]] = tuple(row[1:5])

    def figures(office: Office | None, keys: list[int]) -> ContinuityFigures:
        rows = [staff[k] for k in keys if k in staff]
        vac = [vacancies[k] for k in keys if k in vacancies]
        middle = [days for _rank, days in sorted(middles[office.pk if office else None])]

        def total(i: int, of=rows) -> int:
            return sum(int(r[i] or 0) for r in of)

        return figures_from_counts(
            year, office, leavers=total(0), headcounts=sum(total(3 + i) for i in range(len(ends))),
            month_end_count=len(ends), tenure_people=total(1), tenure_total_days=total(2),
            tenure_middle=(middle[0], middle[-1]) if middle else (None, None),
            vacancies_opened=total(0, vac), refilled_30=total(1, vac), refilled_90=total(2, vac),
            still_open=total(3, vac),
            leavers_by_reason={value: total(3 + len(ends) + i) for i, value in enumerate(reasons)})

    rows = [figures(o, [o.pk]) for o in offices]
    return ContinuityReport(year=year, years=[year], offices=offices, rows=rows, total=figures(None, ids),
                            by_year={year: rows})


def start_panel(request):
    """PS-4.1: the district's start page (coordination office, district administration) shows the current
    year's continuity figures of its regional offices; registered in `PlanningConfig.ready()`. Issue 16,
    point 1: from SQL aggregates (`panel_report`), not from every staff row."""
    if not can(request.user, "continuity.start_panel"):
        return ""
    report = panel_report(regional_offices_visible_to(request.user), timezone.localdate().year)
    # without the request: the panel needs no context processor (each would run its queries again)
    return render_to_string("planning/includes/continuity_panel.html", {"continuity": report})
