"""PS-3.1, PS-4.2: the capacity and qualification plan: figures, page, and CSV/XLSX exports that hold
the same figures as the page."""
import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from planning.capacity import capacity_plan
from staffing.models import Function

pytestmark = pytest.mark.django_db


def test_capacity_totals_for_a_seeded_office(witten_plan):
    plan = capacity_plan([witten_plan["office"]])
    [office] = plan.offices
    assert office.total.budgeted_fte == Decimal("4.5")
    assert office.total.filled_fte == Decimal("3.25")
    assert office.total.difference == Decimal("-1.25")
    assert office.total.headcount == 4
    assert office.total.positions == 5
    assert office.total.open_vacancies == 1
    rows = {(r.function.code, r.grade): r for r in office.rows}
    assert rows[(Function.Code.PLACEMENT, "EG 9c")].budgeted_fte == Decimal("2.5")
    assert rows[(Function.Code.PLACEMENT, "EG 9c")].filled_fte == Decimal("1.5")
    assert rows[(Function.Code.BENEFITS, "A 9")].filled_fte == Decimal("1.75")
    mix = {m.qualification: m.headcount for m in office.mix}
    assert mix == {"degree": 1, "career_training": 2, "equivalent": 1, "none": 0}


def test_district_totals_add_up_the_offices(witten_plan, hattingen_office, functions):
    from ..factories import PositionFactory

    PositionFactory(office=hattingen_office, function=functions[Function.Code.PLACEMENT], fte=Decimal("1"))
    plan = capacity_plan([witten_plan["office"], hattingen_office])
    assert plan.total.budgeted_fte == Decimal("5.5")
    assert plan.total.filled_fte == Decimal("3.25")
    by_function = {r.function.code: r for r in plan.district_by_function}
    assert by_function[Function.Code.PLACEMENT].budgeted_fte == Decimal("3.5")


def test_staff_who_left_do_not_count_as_filled(witten_plan):
    from datetime import date

    member = witten_plan["staff"][0]
    member.left_on = date(2026, 1, 31)
    member.save()
    assert capacity_plan([witten_plan["office"]]).total.filled_fte == Decimal("2.25")


def test_capacity_page_shows_the_totals_and_a_chart_with_text(client, coordinator, witten_plan):
    client.force_login(coordinator)
    html = client.get(reverse("planning:capacity")).content.decode()
    # one FTE format on the page (issue 14: the |fte filter): no trailing zeros, German comma
    assert ">4,5<" in html and ">3,25<" in html and ">-1,25<" in html
    assert "<svg" in html and 'role="img"' in html
    assert "Soll 4,5 VZÄ, Ist 3,25 VZÄ" in html


def _csv_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_csv_export_reads_back_with_the_page_figures(client, coordinator, witten_plan):
    client.force_login(coordinator)
    response = client.get(reverse("planning:capacity_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    assert rows[0][:6] == ["Dienststelle", "Funktion", "Besoldungs-/Entgeltgruppe", "Stellen", "Soll-VZÄ", "Ist-VZÄ"]
    office_sum = next(r for r in rows if r[0] == "Regionalstelle Witten" and r[1] == "Summe")
    assert office_sum[3:] == ["5", "4,500", "3,250", "-1,250", "4", "1"]
    district_sum = next(r for r in rows if r[0] == "Kreis gesamt" and r[1] == "Summe")
    assert district_sum[4:6] == ["4,500", "3,250"]
    html = client.get(reverse("planning:capacity")).content.decode()
    from staffing.ui import format_fte
    for value in office_sum[4:7]:  # the same figures, the page showing them as the |fte filter does
        assert f">{format_fte(Decimal(value.replace(',', '.')))}<" in html


def test_xlsx_export_reads_back_with_the_same_figures_as_the_csv(client, coordinator, witten_plan):
    client.force_login(coordinator)
    csv_rows = _csv_rows(client.get(reverse("planning:capacity_csv")))
    response = client.get(reverse("planning:capacity_xlsx"))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Kapazitätsplan"]
    xlsx_rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(xlsx_rows) == len(csv_rows)
    for x_row, c_row in zip(xlsx_rows[1:], csv_rows[1:], strict=True):
        assert [v or "" for v in x_row[:3]] == c_row[:3]
        assert [Decimal(str(v)) for v in x_row[3:]] == [Decimal(v.replace(",", ".")) for v in c_row[3:]]
    office_sum = next(r for r in xlsx_rows if r[0] == "Regionalstelle Witten" and r[1] == "Summe")
    assert office_sum[4:6] == [4.5, 3.25]
    mix = workbook["Qualifikationsmix"]
    assert ["Regionalstelle Witten", "Laufbahnrechtliche Ausbildung", 2, 1.75] in [
        list(r) for r in mix.iter_rows(values_only=True)]


def test_city_sees_only_its_own_office_in_plan_and_exports(client, clerk_hattingen, witten_plan, hattingen_office):
    client.force_login(clerk_hattingen)
    assert "Regionalstelle Witten" not in client.get(reverse("planning:capacity")).content.decode()
    assert "Regionalstelle Witten" not in client.get(reverse("planning:capacity_csv")).content.decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(client.get(reverse("planning:capacity_xlsx")).content))
    assert all(r[0] != "Regionalstelle Witten" for r in workbook["Kapazitätsplan"].iter_rows(values_only=True))
