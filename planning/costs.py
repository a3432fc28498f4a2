"""Reimbursement of personnel costs (PS-5.1, PS-6.2): quarterly personnel costs from the staff register
(grade and FTE, priced by the cost table), compared with a quarter of the annual cap; reimbursement cuts
decided in escalations (PS-2.5) are deducted."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone

from staffing.models import City, NoticeEvent, NoticeState, Office, StaffMember

from .models import CostRate, ReimbursementCap
from .quarters import Quarter

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Cut:
    notice_id: int
    decided_on: datetime.date
    position: str
    amount: Decimal | None
    percent: Decimal | None
    deducted: Decimal = Decimal("0.00")


@dataclass
class CityCosts:
    city: City
    quarter: Quarter
    personnel_costs: Decimal
    headcount: int
    fte: Decimal
    cap: ReimbursementCap | None
    cuts: list[Cut] = field(default_factory=list)
    missing_rates: list[str] = field(default_factory=list)

    @property
    def cap_quarter(self) -> Decimal | None:
        return cents(self.cap.amount / 4) if self.cap else None

    @property
    def difference(self) -> Decimal | None:
        """Cap quarter minus costs: negative means the costs exceed the cap."""
        return None if self.cap is None else self.cap_quarter - self.personnel_costs

    @property
    def cut_total(self) -> Decimal:
        return sum((c.deducted for c in self.cuts), Decimal("0.00"))

    @property
    def reimbursable(self) -> Decimal | None:
        """Costs up to the cap, less the cuts of the quarter (never below zero)."""
        if self.cap is None:
            return None
        return max(min(self.personnel_costs, self.cap_quarter) - self.cut_total, Decimal("0.00"))


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
    _attach_cuts(by_city, quarter)
    return list(by_city.values())


def _attach_cuts(by_city: dict[int, CityCosts], quarter: Quarter) -> None:
    """PS-2.5: cuts decided by the district in the quarter (by the date of the decision)."""
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.datetime.combine(quarter.start, datetime.time.min), tz)
    end = timezone.make_aware(datetime.datetime.combine(quarter.next.start, datetime.time.min), tz)
    events = (NoticeEvent.objects.filter(to_state=NoticeState.DECIDED, at__gte=start, at__lt=end,
                                         notice__office__city_id__in=list(by_city))
              .filter(Q(notice__reimbursement_cut_amount__isnull=False)
                      | Q(notice__reimbursement_cut_percent__isnull=False))
              .select_related("notice", "notice__office", "notice__position").order_by("at"))
    for event in events:
        notice = event.notice
        entry = by_city[notice.office.city_id]
        cut = Cut(notice.pk, timezone.localtime(event.at, tz).date(),
                  str(notice.position) if notice.position_id else "", notice.reimbursement_cut_amount,
                  notice.reimbursement_cut_percent)
        base = min(entry.personnel_costs, entry.cap_quarter) if entry.cap else entry.personnel_costs
        deducted = Decimal("0")
        if cut.amount:
            deducted += cut.amount
        if cut.percent:
            deducted += base * cut.percent / 100
        cut.deducted = cents(deducted)
        entry.cuts.append(cut)
