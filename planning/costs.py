"""Reimbursement of personnel costs (PS-5.1, PS-6.2): per city and quarter, the city's claim compared with
an estimate priced from the confirmed quarterly snapshot (planning.models.QuarterlyReport.rows: grade,
FTE, pay group, days in the quarter) and with a quarter of the annual cap.

Sources, deliberately:
- Estimate: only the snapshot the city confirmed (PS-6.1), never the live staff register: the register
  changes every day, the confirmed snapshot is what the city declared for the quarter, so it is the one
  thing a claim can be checked against ("Plausibilisierung der Personalkostenerstattung", PS-6.2).
  A quarter without a confirmed report has no figures ("keine bestätigte Quartalsmeldung").
- Claim (Erstattungsforderung): the actual personnel costs of the quarter the city states when it
  confirms the report (QuarterlyReport.personnel_costs). The agreement reimburses "Personalkosten bis zu
  einem Höchstrahmen" (PS-5.1), nothing else, so what the city may ask for is exactly its actual personnel
  costs; a second, separate "claim" figure would only invite a third number to reconcile. Older reports
  without the figure have no claim ("keine Personalkosten gemeldet") and nothing reimbursable here.
- Cap quarter: the annual cap / 4. The agreement fixes a yearly cap and says nothing about quarters;
  equal quarters keep the four quarterly checks adding up to the annual cap exactly (the last quarter
  takes the rounding remainder).
Limits, on purpose: the snapshot holds the staff at the quarter's end (PS-6.1's Stichtag), so people who
left during the quarter are not in the estimate (those who joined are priced by their days). A report is
append-only and there is one per office and quarter (QuarterlyReport), so a stated amount cannot be
corrected in the application: a correction would be a new confirmation, which the model does not allow;
the city states it to the coordination office (remark of the next report).
The cuts of the administrative-cost reimbursement decided in escalations (PS-2.5) are another payment:
their own ledger (staffing.models.AdministrativeCostCut, page staffing:cost_cut_ledger), not deducted here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db import connection
from django.db.models import F, Func, JSONField

from staffing.models import City, Office

from .models import CostRate, QuarterlyReport, ReimbursementCap
from .quarters import Quarter

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def tolerance() -> Decimal:
    """PS-6.2: the deviation (in percent of the estimate) a claim may have before it is flagged."""
    return Decimal(str(settings.COST_DEVIATION_TOLERANCE))


def cap_quarter(annual: Decimal, quarter: Quarter) -> Decimal:
    """PS-5.1: a quarter of the annual cap; Q4 takes the cent remainder so the four add up to the cap."""
    share = cents(annual / 4)
    return annual - 3 * share if quarter.quarter == 4 else share


@dataclass
class Estimate:
    amount: Decimal
    headcount: int
    fte: Decimal
    missing_rates: list[str] = field(default_factory=list)


def snapshot_estimate(rows: list[dict], quarter: Quarter, rates: dict[str, Decimal]) -> Estimate:
    """PS-6.2: the quarter's personnel costs priced from the confirmed snapshot: per row the cost rate of
    its grade / 4 × FTE × days in the quarter / days of the quarter (rows of older reports carry no days:
    the whole quarter). A grade without a cost rate is listed and left out of the amount."""
    raw, fte_total, headcount, missing = Decimal("0"), Decimal("0"), 0, []
    quarter_days = quarter.days  # a property computing two dates: once, not per row (issue 16, point 4)
    for row in rows:
        try:
            fte = Decimal(str(row.get("fte", "0")))
        except InvalidOperation:
            fte = Decimal("0")
        headcount += 1
        fte_total += fte
        grade = row.get("grade", "")
        rate = rates.get(grade)
        if rate is None:
            if grade not in missing:
                missing.append(grade)
            continue
        days = row.get("days_in_quarter")
        share = Decimal(min(int(days), quarter_days)) / Decimal(quarter_days) if days else Decimal("1")
        raw += rate / 4 * fte * share
    return Estimate(cents(raw), headcount, fte_total, missing)


@dataclass
class CityComparison:
    city: City
    quarter: Quarter
    report: QuarterlyReport | None
    estimate: Estimate | None
    cap: ReimbursementCap | None
    tolerance: Decimal

    @property
    def has_report(self) -> bool:
        return self.report is not None

    @property
    def claim(self) -> Decimal | None:
        """The city's claim: the actual personnel costs stated with the report (see the module docstring)."""
        return self.report.personnel_costs if self.report else None

    @property
    def cap_quarter(self) -> Decimal | None:
        return cap_quarter(self.cap.amount, self.quarter) if self.cap else None

    @property
    def deviation(self) -> Decimal | None:
        """Claim minus estimate in € (positive: the city claims more than the snapshot explains)."""
        if self.claim is None or self.estimate is None:
            return None
        return self.claim - self.estimate.amount

    @property
    def deviation_percent(self) -> Decimal | None:
        if self.deviation is None or not self.estimate.amount:
            return None
        return (self.deviation * HUNDRED / self.estimate.amount).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def beyond_tolerance(self) -> bool:
        """PS-6.2: |claim − estimate| > tolerance % of the estimate (exactly at the tolerance is not
        flagged); with an estimate of 0 any claim above 0 is flagged. Compared exactly, not rounded."""
        if self.deviation is None:
            return False
        return abs(self.deviation) * HUNDRED > self.tolerance * self.estimate.amount

    @property
    def above_cap(self) -> bool:
        """PS-5.1: the claim exceeds the cap's quarter."""
        return self.claim is not None and self.cap is not None and self.claim > self.cap_quarter

    @property
    def reimbursable(self) -> Decimal | None:
        """PS-5.1: the claim up to the cap's quarter; none without a claim or without a cap."""
        if self.claim is None or self.cap is None:
            return None
        return min(self.claim, self.cap_quarter)


def current_caps(cities, year: int) -> dict[int, ReimbursementCap]:
    """PS-5.1: the latest cap per city for the year (earlier rows are the history)."""
    caps: dict[int, ReimbursementCap] = {}
    for cap in ReimbursementCap.objects.filter(city__in=cities, year=year).order_by("city_id", "-set_at", "-pk"):
        caps.setdefault(cap.city_id, cap)
    return caps


PRICED_KEYS = ("grade", "fte", "days_in_quarter")  # what `snapshot_estimate` reads of a snapshot row


class PricedRows(Func):
    """issue 16, point 4: of each snapshot row only what `snapshot_estimate` reads, as [grade, fte, days] in
    the rows' order (PostgreSQL): a report's rows carry some 15 keys per person (~43 kB for 100 people), the
    estimate needs three. A missing grade or FTE becomes the default `row.get` gives ("" and "0"), a missing
    day count null (= absent); present values, null included, come as they are stored."""

    template = ("(SELECT jsonb_agg(y.v ORDER BY y.i) FROM (SELECT x.i, jsonb_build_array("  # sorts the 3 keys only
                "coalesce(x.e->'grade', '\"\"'::jsonb), coalesce(x.e->'fte', '\"0\"'::jsonb), "
                "x.e->'days_in_quarter') AS v "
                "FROM jsonb_array_elements(%(expressions)s) WITH ORDINALITY AS x(e, i)) y)")
    output_field = JSONField()


def _reports(cities, quarter: Quarter) -> dict[int, QuarterlyReport]:
    """The confirmed report of each city's regional office for the quarter, with the rows `snapshot_estimate`
    prices as `priced_rows`: on PostgreSQL only their three priced keys (`PricedRows`), elsewhere the whole rows."""
    reports = QuarterlyReport.objects.filter(
        office__kind=Office.Kind.REGIONAL, office__city__in=cities, year=quarter.year, quarter=quarter.quarter,
    ).annotate(city_of_office=F("office__city_id"))
    slim = connection.vendor == "postgresql"
    if slim:
        reports = reports.defer("rows").annotate(priced=PricedRows("rows"))
    result = {}
    for report in reports:
        report.priced_rows = ([dict(zip(PRICED_KEYS, row, strict=True)) for row in report.priced or []] if slim
                              else report.rows)
        result[report.city_of_office] = report
    return result


def cost_comparison(cities, quarter: Quarter) -> list[CityComparison]:
    """PS-6.2, PS-5.1: per city, its claim for the quarter, the estimate from its confirmed quarterly
    snapshot and the cap's quarter; no report, no figures. Four queries however many cities and rows."""
    cities = list(cities)
    rates = dict(CostRate.objects.values_list("grade", "annual_cost"))
    caps = current_caps(cities, quarter.year)
    reports = _reports(cities, quarter)
    limit = tolerance()
    result = []
    for city in cities:
        report = reports.get(city.pk)
        estimate = snapshot_estimate(report.priced_rows, quarter, rates) if report else None
        result.append(CityComparison(city, quarter, report, estimate, caps.get(city.pk), limit))
    return result


def export_rows(rows: list[CityComparison]) -> tuple[list[str], list[list]]:
    """PS-6.2: the comparison as a table (CSV), German headers; empty cells where there is no figure."""
    header = ["Stadt", "Quartal", "Quartalsmeldung bestätigt am", "Erstattungsforderung (tatsächliche "
              "Personalkosten) €", "Schätzung aus der Quartalsmeldung €", "Abweichung €", "Abweichung %",
              "Höchstrahmen (Quartal) €", "erstattungsfähig €", "Abweichung über Toleranz",
              "über dem Höchstrahmen", "ohne Kostensatz"]
    body = []
    for r in rows:
        if not r.has_report:
            body.append([r.city.name, r.quarter.short, "keine bestätigte Quartalsmeldung", "", "", "", "",
                         r.cap_quarter if r.cap else "", "", "", "", ""])
            continue
        body.append([
            r.city.name, r.quarter.short, r.report.confirmed_at.date().isoformat(),
            "" if r.claim is None else r.claim, r.estimate.amount,
            "" if r.deviation is None else r.deviation,
            "" if r.deviation_percent is None else r.deviation_percent,
            "" if r.cap is None else r.cap_quarter, "" if r.reimbursable is None else r.reimbursable,
            "ja" if r.beyond_tolerance else "nein", "ja" if r.above_cap else "nein",
            ", ".join(r.estimate.missing_rates)])
    return header, body
