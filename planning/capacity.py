"""The capacity and qualification plan (PS-3.1, PS-4.2): budgeted FTE (the district's staff plan)
against FTE filled by active staff, per office, function and grade; qualification mix; open vacancies;
district totals. A fixed number of queries, whatever the number of offices."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from staffing.models import Function, Office, Position, Qualification, StaffMember, Vacancy

ZERO = Decimal("0.000")


@dataclass
class CapacityRow:
    function: Function | None
    grade: str
    budgeted_fte: Decimal = ZERO
    filled_fte: Decimal = ZERO
    headcount: int = 0
    positions: int = 0
    open_vacancies: int = 0

    @property
    def difference(self) -> Decimal:
        return self.filled_fte - self.budgeted_fte

    @property
    def fill_rate(self) -> int | None:
        """Filled FTE as a whole percentage of the budget."""
        if not self.budgeted_fte:
            return None
        return round(self.filled_fte * 100 / self.budgeted_fte)

    def add(self, other: CapacityRow) -> None:
        self.budgeted_fte += other.budgeted_fte
        self.filled_fte += other.filled_fte
        self.headcount += other.headcount
        self.positions += other.positions
        self.open_vacancies += other.open_vacancies


@dataclass
class MixRow:
    qualification: str
    label: str
    headcount: int = 0
    fte: Decimal = ZERO


@dataclass
class OfficePlan:
    office: Office
    rows: list[CapacityRow]
    total: CapacityRow
    mix: list[MixRow]


@dataclass
class CapacityPlan:
    offices: list[OfficePlan]
    district_rows: list[CapacityRow]  # per function and grade, all offices
    district_by_function: list[CapacityRow]
    total: CapacityRow
    mix: list[MixRow]
    functions: dict = field(default_factory=dict)

    @property
    def chart_max(self) -> Decimal:
        values = [p.total.budgeted_fte for p in self.offices] + [p.total.filled_fte for p in self.offices]
        return max(values, default=ZERO) or Decimal("1")


def _mix_template() -> dict[str, MixRow]:
    return {q: MixRow(q, str(label)) for q, label in Qualification.choices}


def capacity_plan(offices) -> CapacityPlan:
    """PS-3.1, PS-4.2: the plan for these offices (already filtered by the visibility rule)."""
    offices = sorted(offices, key=lambda o: (o.kind != Office.Kind.REGIONAL, o.name))
    ids = [o.pk for o in offices]
    functions = {f.pk: f for f in Function.objects.all()}
    order = {f.pk: (f.sort_order, f.name) for f in functions.values()}
    cells: dict[int, dict[tuple[int, str], CapacityRow]] = {pk: {} for pk in ids}

    def cell(office_id, function_id, grade):
        key = (function_id, grade)
        if key not in cells[office_id]:
            cells[office_id][key] = CapacityRow(functions.get(function_id), grade)
        return cells[office_id][key]

    for r in (Position.objects.filter(office_id__in=ids, is_active=True).order_by()
              .values("office_id", "function_id", "grade").annotate(fte=Sum("fte"), n=Count("pk"))):
        c = cell(r["office_id"], r["function_id"], r["grade"])
        c.budgeted_fte, c.positions = r["fte"] or ZERO, r["n"]
    active_staff = StaffMember.objects.filter(office_id__in=ids, left_on__isnull=True).order_by()
    for r in active_staff.values("office_id", "function_id", "grade").annotate(fte=Sum("fte"), n=Count("pk")):
        c = cell(r["office_id"], r["function_id"], r["grade"])
        c.filled_fte, c.headcount = r["fte"] or ZERO, r["n"]
    for r in (Vacancy.objects.filter(position__office_id__in=ids, refilled_on__isnull=True).order_by()
              .values("position__office_id", "position__function_id", "position__grade").annotate(n=Count("pk"))):
        cell(r["position__office_id"], r["position__function_id"], r["position__grade"]).open_vacancies = r["n"]
    mixes = {pk: _mix_template() for pk in ids}
    for r in active_staff.values("office_id", "qualification").annotate(fte=Sum("fte"), n=Count("pk")):
        row = mixes[r["office_id"]].get(r["qualification"])
        if row is not None:
            row.headcount, row.fte = r["n"], r["fte"] or ZERO

    def sort_key(row: CapacityRow):
        return (order.get(row.function.pk if row.function else None, (999, "")), row.grade)

    district: dict[tuple[int, str], CapacityRow] = {}
    by_function: dict[int, CapacityRow] = {}
    total = CapacityRow(None, "")
    mix_total = _mix_template()
    plans = []
    for office in offices:
        rows = sorted(cells[office.pk].values(), key=sort_key)
        office_total = CapacityRow(None, "")
        for row in rows:
            office_total.add(row)
            key = (row.function.pk, row.grade)
            district.setdefault(key, CapacityRow(row.function, row.grade)).add(row)
            by_function.setdefault(row.function.pk, CapacityRow(row.function, "")).add(row)
        total.add(office_total)
        for q, m in mixes[office.pk].items():
            mix_total[q].headcount += m.headcount
            mix_total[q].fte += m.fte
        plans.append(OfficePlan(office, rows, office_total, list(mixes[office.pk].values())))
    return CapacityPlan(
        offices=plans,
        district_rows=sorted(district.values(), key=sort_key),
        district_by_function=sorted(by_function.values(), key=sort_key),
        total=total,
        mix=list(mix_total.values()),
        functions=functions,
    )


def export_rows(plan: CapacityPlan) -> tuple[list[str], list[list]]:
    """The same figures as the page, as flat rows for CSV and XLSX."""
    header = ["Dienststelle", "Funktion", "Besoldungs-/Entgeltgruppe", "Stellen", "Soll-VZÄ", "Ist-VZÄ",
              "Differenz VZÄ", "Köpfe", "offene Vakanzen"]

    def line(office, row: CapacityRow, function_label=None, grade=None):
        return [office, function_label if function_label is not None else (row.function.name if row.function else ""),
                grade if grade is not None else row.grade, row.positions, row.budgeted_fte, row.filled_fte,
                row.difference, row.headcount, row.open_vacancies]

    rows = []
    for p in plan.offices:
        rows.extend(line(p.office.name, r) for r in p.rows)
        rows.append(line(p.office.name, p.total, "Summe", ""))
    rows.extend(line("Kreis gesamt", r, grade="") for r in plan.district_by_function)
    rows.append(line("Kreis gesamt", plan.total, "Summe", ""))
    return header, rows


def export_mix_rows(plan: CapacityPlan) -> tuple[list[str], list[list]]:
    header = ["Dienststelle", "Qualifikation", "Köpfe", "VZÄ"]
    rows = []
    for p in plan.offices:
        rows.extend([p.office.name, m.label, m.headcount, m.fte] for m in p.mix)
    rows.extend(["Kreis gesamt", m.label, m.headcount, m.fte] for m in plan.mix)
    return header, rows
