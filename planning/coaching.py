"""Coaching reports (PS-3.3): aggregates only. Any figure based on fewer than `MIN_GROUP` people is
suppressed; where a breakdown would let a suppressed cell be worked out from the total, the next
smallest cell is suppressed too. No names, no performance data."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from staffing.models import Function, Office

from .models import CoachingOffer, CoachingSignup

MIN_GROUP = 5


@dataclass
class Cell:
    label: str
    count: int
    suppressed: bool = False

    @property
    def shown(self) -> int | None:
        return None if self.suppressed else self.count


@dataclass
class OfferReport:
    offer: CoachingOffer
    total: Cell
    by_area: list[Cell] = field(default_factory=list)
    by_office: list[Cell] = field(default_factory=list)


def suppress(cells: list[Cell], total_shown: bool) -> list[Cell]:
    """Primary suppression below MIN_GROUP; secondary so no single cell follows from the total."""
    for c in cells:
        c.suppressed = c.count < MIN_GROUP
    hidden = [c for c in cells if c.suppressed]
    # a hidden zero may follow from the total: it identifies nobody
    if total_shown and len(hidden) == 1 and hidden[0].count > 0:
        candidates = sorted((c for c in cells if not c.suppressed), key=lambda c: c.count)
        if candidates:
            candidates[0].suppressed = True
    return cells


def _area(code: str) -> str:
    return "Leistungssachbearbeitung" if code == Function.Code.BENEFITS else "Arbeitsvermittlung / Fachberatung"


AREAS = ["Arbeitsvermittlung / Fachberatung", "Leistungssachbearbeitung"]


def coaching_report(offers) -> list[OfferReport]:
    """PS-3.3: per offer, participants in total, by area and by office, small groups suppressed.
    Every office of the district is listed (also with none), so a listed name reveals nothing."""
    offers = list(offers)
    office_names: dict[int, list[str]] = {}
    for district_id, name in Office.objects.filter(
            district_id__in={o.district_id for o in offers}).values_list("district_id", "name"):
        office_names.setdefault(district_id, []).append(name)
    counts: dict[int, dict] = {o.pk: {"total": 0, "area": {}, "office": {}} for o in offers}
    rows = (CoachingSignup.objects.filter(offer__in=offers).order_by()
            .values("offer_id", "staff_member__function__code", "staff_member__office__name")
            .annotate(n=Count("pk")))
    for r in rows:
        c = counts[r["offer_id"]]
        c["total"] += r["n"]
        area = _area(r["staff_member__function__code"])
        c["area"][area] = c["area"].get(area, 0) + r["n"]
        office = r["staff_member__office__name"]
        c["office"][office] = c["office"].get(office, 0) + r["n"]
    reports = []
    for offer in offers:
        c = counts[offer.pk]
        total = Cell("Gesamt", c["total"], suppressed=c["total"] < MIN_GROUP)
        by_area = suppress([Cell(k, c["area"].get(k, 0)) for k in AREAS], not total.suppressed)
        names = sorted(office_names.get(offer.district_id, []))
        by_office = suppress([Cell(k, c["office"].get(k, 0)) for k in names], not total.suppressed)
        reports.append(OfferReport(offer, total, by_area, by_office))
    return reports
