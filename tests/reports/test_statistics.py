"""Issue 17, point 2: the procedure statistics: exact figures on the crafted dataset (conftest.py), the scope
(another district's data never counted, a city's clerk and the head refused), the operator per district, the
pinned query count, the period's hostile values, and the CSV/XLSX exports with their record."""
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import ExportLog
from reports.selectors import Period, median, percentile, procedure_statistics
from staffing.states import NoticeState
from tests.factories import UserFactory

PERIOD = Period(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
QUERY = {"von": "01.01.2026", "bis": "30.06.2026"}


def by_label(stats):
    return {row.label: row for row in stats.rows}


@pytest.mark.django_db
def test_the_district_figures_are_exact_on_the_crafted_dataset(dataset, coordinator):
    stats = procedure_statistics(coordinator, PERIOD)
    total = stats.total
    assert stats.per == "city"
    assert total.received == 7  # the draft, the notice of December 2025 and the other district's are not counted
    assert {state: n for state, n in total.by_state.items() if n} == {
        NoticeState.PLACED: 3, NoticeState.APPROVED_BY_SILENCE: 1, NoticeState.DECIDED: 1,
        NoticeState.INFORMED: 1, NoticeState.WITHDRAWN: 1}
    assert (total.cleared, total.silence, total.concerns, total.clarification) == (2, 2, 1, 1)
    assert total.week_ended == 6
    assert total.silence_share == Decimal("33.3")
    # reaction hours 2, 5, 20, 30: median 12.5, 90th percentile (nearest rank 4 of 4) 30
    assert sorted(total.reaction_hours) == [2, 5, 20, 30]
    assert (total.reaction_median, total.reaction_p90) == (Decimal("12.5"), Decimal("30.0"))
    assert (total.consultations, total.escalations) == (2, 1)
    assert sorted(total.placement_days) == [10, 20, 30]
    assert (total.placement_median, total.placement_p90) == (Decimal("20.0"), 30)
    assert (total.cuts, total.cuts_amount, total.cuts_percent, total.cuts_revoked) == (2, Decimal("1000.00"), 1, 1)


@pytest.mark.django_db
def test_the_figures_per_city(dataset, district_admin):
    rows = by_label(procedure_statistics(district_admin, PERIOD))
    assert set(rows) == {"Witten", "Hattingen"}
    witten, hattingen = rows["Witten"], rows["Hattingen"]
    assert (witten.received, witten.cleared, witten.silence, witten.concerns) == (4, 1, 2, 1)
    assert witten.silence_share == Decimal("50.0")
    assert (witten.reaction_median, witten.reaction_p90) == (Decimal("12.5"), Decimal("20.0"))
    assert (witten.placement_median, witten.placement_p90) == (Decimal("15.0"), 20)
    assert (witten.cuts, witten.cuts_amount) == (2, Decimal("1000.00"))
    assert (hattingen.received, hattingen.cleared, hattingen.clarification) == (3, 1, 1)
    assert hattingen.silence_share == Decimal("0.0")
    assert (hattingen.reaction_median, hattingen.reaction_p90) == (Decimal("16.0"), Decimal("30.0"))
    assert (hattingen.placement_days, hattingen.cuts) == ([30], 0)


@pytest.mark.django_db
def test_another_districts_coordination_office_sees_only_its_own(dataset):
    stats = procedure_statistics(dataset["other_coord"], PERIOD)
    assert [row.label for row in stats.rows] == ["Ratingen"]
    assert (stats.total.received, stats.total.cleared, stats.total.cuts_amount) == (1, 1, Decimal("9999.00"))
    assert stats.total.reaction_hours == [1]


@pytest.mark.django_db
def test_the_operator_sees_the_same_figures_per_district(dataset):
    operator = UserFactory(is_superuser=True, is_staff=True)
    stats = procedure_statistics(operator, PERIOD)
    assert stats.per == "district"
    rows = by_label(stats)
    assert rows["Ennepe-Ruhr-Kreis"].received == 7
    assert rows["Ennepe-Ruhr-Kreis"].silence_share == Decimal("33.3")
    assert rows["Ennepe-Ruhr-Kreis"].cuts_amount == Decimal("1000.00")
    assert rows["Kreis Mettmann"].received == 1
    assert stats.total.received == 8
    response = _client(operator).get(reverse("reports:statistics"), QUERY)
    assert response.status_code == 200
    assert "Je Kreis" in response.content.decode()


@pytest.mark.parametrize(("values", "expected_median", "expected_p90"), [
    ([], None, None), ([7], 7, 7), ([1, 2, 3, 4], 2.5, 4), (list(range(1, 11)), 5.5, 9), (list(range(1, 12)), 6, 10)])
def test_median_and_nearest_rank_percentile(values, expected_median, expected_p90):
    assert median(values) == expected_median
    assert percentile(values) == expected_p90


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_page_shows_the_figures_charts_and_their_tables(dataset, coordinator):
    response = _client(coordinator).get(reverse("reports:statistics"), QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('role="img"') == 3 and html.count("<desc") == 3
    assert html.count("(Textfassung des Diagramms)") == 3
    assert "33,3 %" in html and "12,5 / 30,0" in html and "1.000,00 €" in html
    assert reverse("reports:audit_period_pdf") in html and reverse("reports:statistics_xlsx") in html
    assert "Widerspruch" not in html and "gilt als erteilt" not in html


@pytest.mark.django_db
def test_the_statistics_are_in_the_navigation_of_the_district_roles_only(dataset, coordinator, district_admin,
                                                                         clerk_witten, head):
    url = reverse("reports:statistics")
    for user in (coordinator, district_admin):
        assert f'href="{url}"' in _client(user).get(reverse("staffing:home")).content.decode()
    for user in (clerk_witten, head):
        assert f'href="{url}"' not in _client(user).get(reverse("staffing:home")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["reports:statistics", "reports:statistics_csv", "reports:statistics_xlsx"])
def test_a_city_clerk_and_the_head_are_refused(dataset, clerk_witten, head, name):
    for user in (clerk_witten, head):
        response = _client(user).get(reverse(name))
        assert response.status_code == 403
    assert not ExportLog.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("query", [
    {"von": "abc"}, {"bis": "31.02.2026"}, {"von": "0001-01-01"}, {"bis": "9999-12-31"}, {"von": "a\x00b"},
    {"von": "x" * 10_000}, {"von": "30.06.2026", "bis": "01.01.2026"}, {"von": "<script>alert(1)</script>"},
    {"von": "\u202eabc"}, {"von": ["01.01.2026", "02.01.2026"]}])
def test_hostile_periods_get_a_german_message_never_a_500(dataset, coordinator, query):
    client = _client(coordinator)
    page = client.get(reverse("reports:statistics"), query)
    assert page.status_code in (200, 400)  # 400: the NUL byte, refused before the view (issue 15)
    if page.status_code == 200 and query.get("von") != ["01.01.2026", "02.01.2026"]:
        assert 'role="alert"' in page.content.decode()
    for name in ("reports:statistics_csv", "reports:statistics_xlsx", "reports:audit_period_csv",
                 "reports:audit_period_pdf"):
        response = client.get(reverse(name), query)
        assert response.status_code in (200, 400), name
        if response.status_code == 400 and not any("\x00" in str(v) for v in query.values()):
            assert "Bitte" in response.content.decode() or "Ende des Zeitraums" in response.content.decode()


@pytest.mark.django_db
def test_an_empty_period_uses_this_year(coordinator):
    response = _client(coordinator).get(reverse("reports:statistics"), {"von": "", "bis": ""})
    assert response.status_code == 200
    assert response.context["period"] == Period.this_year()


@pytest.mark.django_db
def test_the_csv_export_has_the_figures_and_is_logged(dataset, coordinator):
    response = _client(coordinator).get(reverse("reports:statistics_csv"), QUERY)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    assert header[:2] == ["Stadt", "Eingegangene Mitteilungen"]
    rows = {line.split(";")[0]: dict(zip(header, line.split(";"), strict=True)) for line in lines[1:]}
    assert set(rows) == {"Hattingen", "Witten", "Gesamt"}
    total = rows["Gesamt"]
    assert total["Eingegangene Mitteilungen"] == "7"
    assert total["Anteil ohne Reaktion (%)"] == "33,3"
    assert total["Reaktionszeit Median (Stunden)"] == "12,5"
    assert total["Reaktionszeit 90. Perzentil (Stunden)"] == "30,0"
    assert total["Eingang bis Besetzung Median (Tage)"] == "20,0"
    assert total["Kürzungen in Euro (Summe)"] == "1.000,00"
    log = ExportLog.objects.get()
    assert (log.user, log.kind, log.file_format, log.district_id, log.rows) == (
        coordinator, ExportLog.Kind.STATISTICS, "csv", coordinator.organisation.district_id, 3)
    assert (log.date_from, log.date_to) == (PERIOD.start, PERIOD.end)


@pytest.mark.django_db
def test_the_xlsx_export_opens_with_the_same_figures(dataset, district_admin):
    response = _client(district_admin).get(reverse("reports:statistics_xlsx"), QUERY)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert "01.01.2026" in values[0][0]
    header = values[1]
    total = dict(zip(header, values[-1], strict=True))
    assert total["Stadt"] == "Gesamt"
    assert total["Eingegangene Mitteilungen"] == 7
    assert total["Anteil ohne Reaktion (%)"] == pytest.approx(33.3)
    assert total["Reaktionszeit Median (Stunden)"] == pytest.approx(12.5)
    assert total["Kürzungen in Euro (Summe)"] == pytest.approx(1000.0)
    assert ExportLog.objects.get().file_format == "xlsx"


@pytest.mark.django_db
def test_the_page_speaks_english_when_asked(dataset, coordinator):
    client = _client(coordinator)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("reports:statistics"), QUERY).content.decode()
    assert "Procedure statistics" in html and "Share without reaction" in html
    assert "at least 90 % of the values" in html
    german = _client(coordinator).get(reverse("reports:statistics"), QUERY).content.decode()
    assert "mindestens 90 % der Werte" in german
