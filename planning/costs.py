"""Reimbursement of personnel costs (PS-5.1, PS-6.2): quarterly personnel costs from the staff register
(grade and FTE, priced by the cost table), compared with a quarter of the annual cap. The cuts of the
administrative-cost reimbursement decided in escalations (PS-2.5) are another payment: their own ledger
(staffing.models.AdministrativeCostCut, page staffing:cost_cut_ledger), not deducted here."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from staffing.models import City, Office, StaffMember

from .models import CostRate, ReimbursementCap
from .quarters import Quarter

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class CityCosts:
    city: City
    quarter: Quarter
    personnel_costs: Decimal
    headcount: int
    fte: Decimal
    cap: ReimbursementCap | None
    missing_rates: list[str] = field(default_factory=list)

    @property
    def cap_quarter(self) -> Decimal | None:
        return cents(self.cap.amount / 4) if self.cap else None

    @property
    def difference(self) -> Decimal | None:
        """Cap quarter minus costs: negative means the costs exceed the cap."""
        return None if self.cap is None else self.cap_quarter - self.personnel_costs

    @property
    def reimbursable(self) -> Decimal | None:
        """Costs up to the cap (PS-5.1)."""
        if self.cap is None:
            return None
        return min(self.personnel_costs, self.cap_quarter)


def current_caps(cities, year: int) -> dict[int, ReimbursementCap]:
    """PS-5.1: the latest cap per city for the year (earlier rows are the history)."""
    caps: dict[int, ReimbursementCap] = {}
    for cap in ReimbursementCap.objects.filter(city__in=cities, year=year).order_by("city_id", "-set_at", "-pk"):
        caps.setdefault(cap.city_id, cap)
    return caps


def quarterly_costs(cities, quarter: Quarter) -> list[CityCosts]:
    """PS-5.1: per city, personnel costs of its regional office in the quarter, pro rata by days employed."""
    cities = list(cities)
    rates = dict(CostRate.objects.values_list("grade", "annual_cost"))
    caps = current_caps(cities, quarter.year)
    by_city = {c.pk: CityCosts(c, quarter, Decimal("0.00"), 0, Decimal("0"), caps.get(c.pk)) for c in cities}
    staff = (StaffMember.objects.filter(office__kind=Office.Kind.REGIONAL, office__city__in=cities,
                                        joined_on__lte=quarter.end)
             .filter(Q(left_on__isnull=True) | Q(left_on__gte=quarter.start))
             .values_list("office__city_id", "grade", "fte", "joined_on", "left_on"))
    raw: dict[int, Decimal] = {pk: Decimal("0") for pk in by_city}
    for city_id, grade, fte, joined, left in staff:
        entry = by_city[city_id]
        first, last = max(joined, quarter.start), min(left or quarter.end, quarter.end)
        share = Decimal((last - first).days + 1) / Decimal(quarter.days)
        rate = rates.get(grade)
        if rate is None:
            if grade not in entry.missing_rates:
                entry.missing_rates.append(grade)
            continue
        raw[city_id] += rate / 4 * fte * share
        entry.headcount += 1
        entry.fte += fte
    for pk, value in raw.items():
        by_city[pk].personnel_costs = cents(value)
    return list(by_city.values())

