"""Issue 13, PS-6.2: the city's claim (the quarter's actual personnel costs stated with its quarterly
report) is checked against an estimate priced from the confirmed snapshot, never the live register,
and against a quarter of the cap; deviations beyond the tolerance and claims above the cap are flagged."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from planning import services
from planning.costs import cap_quarter, cost_comparison, snapshot_estimate
from planning.forms import parse_euro
from planning.models import CostRate, QuarterlyReport
from planning.quarters import Quarter
from staffing.models import StaffMember

from ..factories import PositionFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db
Q3 = Quarter(2026, 3)
ESTIMATE = Decimal("61500.00")  # EG 9c: 80000/4 × 1.5 = 30000; A 9: 72000/4 × 1.75 = 31500


@pytest.fixture
def rates(db):
    CostRate.objects.update_or_create(grade="EG 9c", defaults={"annual_cost": Decimal("80000")})
    CostRate.objects.update_or_create(grade="A 9", defaults={"annual_cost": Decimal("72000")})


def confirm(clerk, quarter=Q3, costs=None):
    return services.report_confirm(by=clerk, quarter=quarter, personnel_costs=costs,
                                   today=quarter.end + datetime.timedelta(days=1))


def comparison(city, quarter=Q3):
    [row] = cost_comparison([city], quarter)
    return row


def test_estimate_comes_from_the_confirmed_snapshot_not_the_live_register(witten, witten_plan, rates, clerk_witten):
    confirm(clerk_witten, costs=Decimal("62000"))
    assert comparison(witten).estimate.amount == ESTIMATE
    # the register changes after the confirmation: a raise, more hours, a new person, a leaver
    adler, berg, conrad, _dietz = witten_plan["staff"]
    StaffMember.objects.filter(pk=adler.pk).update(grade="EG 12", fte=Decimal("1"))
    StaffMember.objects.filter(pk=berg.pk).update(fte=Decimal("1"))
    StaffMember.objects.filter(pk=conrad.pk).update(left_on=Q3.start)
    StaffMemberFactory(position=witten_plan["positions"][1], grade="EG 9c", fte=Decimal("1"),
                       joined_on=datetime.date(2020, 1, 1))
    row = comparison(witten)
    assert row.estimate.amount == ESTIMATE
    assert row.estimate.headcount == 4 and row.estimate.fte == Decimal("3.25")
    assert row.claim == Decimal("62000.00")


def test_a_person_who_joined_during_the_quarter_is_priced_for_the_days_employed(
        witten, witten_plan, rates, clerk_witten):
    StaffMemberFactory(position=witten_plan["positions"][1], grade="EG 9c", fte=Decimal("1"),
                       joined_on=Q3.end - datetime.timedelta(days=45))  # 46 of 92 days
    report = confirm(clerk_witten)
    assert sorted(r["days_in_quarter"] for r in report.rows) == [46, 92, 92, 92, 92]
    assert comparison(witten).estimate.amount == ESTIMATE + Decimal("10000.00")  # 20000 × 46/92


def test_an_older_report_without_days_or_costs_still_works(witten, witten_office, rates, clerk_witten):
    QuarterlyReport.objects.create(office=witten_office, year=2026, quarter=3, as_of=Q3.end,
                                   confirmed_by=clerk_witten,
                                   rows=[{"staff_id": 1, "grade": "EG 9c", "fte": "1.000"}])
    row = comparison(witten)
    assert row.estimate.amount == Decimal("20000.00")  # no days: the whole quarter
    assert row.claim is None and row.deviation is None and row.reimbursable is None
    assert not row.beyond_tolerance and not row.above_cap


@pytest.mark.parametrize(("claim", "flagged"), [
    ("64575.00", False),  # exactly +5 %: not flagged
    ("64575.01", True),   # just above
    ("58425.00", False),  # exactly −5 %
    ("58424.99", True),   # just below
    ("61500.00", False),
])
def test_tolerance_edges(witten, witten_plan, rates, clerk_witten, settings, claim, flagged):
    settings.COST_DEVIATION_TOLERANCE = Decimal("5")
    confirm(clerk_witten, costs=Decimal(claim))
    row = comparison(witten)
    assert row.beyond_tolerance is flagged
    assert row.deviation == Decimal(claim) - ESTIMATE


def test_the_tolerance_is_a_setting(witten, witten_plan, rates, clerk_witten, settings):
    confirm(clerk_witten, costs=Decimal("64575.01"))
    settings.COST_DEVIATION_TOLERANCE = Decimal("10")
    assert not comparison(witten).beyond_tolerance
    settings.COST_DEVIATION_TOLERANCE = Decimal("0")
    assert comparison(witten).beyond_tolerance


def test_a_claim_against_an_estimate_of_zero_is_flagged(witten, witten_office, rates, clerk_witten):
    confirm(clerk_witten, costs=Decimal("1.00"))  # nobody in the office at the quarter's end
    row = comparison(witten)
    assert row.estimate.amount == 0 and row.beyond_tolerance and row.deviation_percent is None


@pytest.mark.parametrize(("claim", "above", "reimbursable"), [
    ("60000.00", False, "60000.00"),
    ("60000.01", True, "60000.00"),
    ("45000.00", False, "45000.00"),
])
def test_a_claim_above_the_caps_quarter_is_flagged_and_reimbursed_up_to_it(
        witten, witten_plan, rates, clerk_witten, district_admin, claim, above, reimbursable):
    services.cap_set(city_id=witten.pk, by=district_admin, year=2026, amount=Decimal("240000"), reason="Festsetzung")
    confirm(clerk_witten, costs=Decimal(claim))
    row = comparison(witten)
    assert row.cap_quarter == Decimal("60000.00")
    assert row.above_cap is above
    assert row.reimbursable == Decimal(reimbursable)


def test_without_a_cap_nothing_is_reimbursable_and_nothing_is_above_it(witten, witten_plan, rates, clerk_witten):
    confirm(clerk_witten, costs=Decimal("99999"))
    row = comparison(witten)
    assert row.cap is None and row.reimbursable is None and not row.above_cap


def test_the_four_cap_quarters_add_up_to_the_annual_cap():
    annual = Decimal("100000.01")
    quarters = [cap_quarter(annual, Quarter(2026, q)) for q in (1, 2, 3, 4)]
    assert quarters[:3] == [Decimal("25000.00")] * 3 and sum(quarters) == annual


def test_a_quarter_without_a_confirmed_report_shows_no_figures(
        client, witten, witten_plan, rates, coordinator, district_admin):
    services.cap_set(city_id=witten.pk, by=district_admin, year=2026, amount=Decimal("240000"), reason="Festsetzung")
    row = comparison(witten)
    assert row.report is None and row.estimate is None and row.claim is None and row.reimbursable is None
    client.force_login(coordinator)
    html = client.get(reverse("planning:costs"), {"jahr": 2026, "quartal": 3}).content.decode()
    assert "keine bestätigte Quartalsmeldung" in html
    assert "61.500,00" not in html  # the live register is not priced
    assert "60.000,00 €" in html  # the cap's quarter is still shown


def test_a_grade_without_a_cost_rate_is_listed(client, witten, witten_plan, rates, clerk_witten):
    CostRate.objects.filter(grade="A 9").delete()
    confirm(clerk_witten, costs=Decimal("30000"))
    row = comparison(witten)
    assert row.estimate.missing_rates == ["A 9"] and row.estimate.amount == Decimal("30000.00")
    client.force_login(clerk_witten)
    html = client.get(reverse("planning:costs"), {"jahr": 2026, "quartal": 3}).content.decode()
    assert "ohne Kostensatz:" in html and "A 9" in html


def test_the_page_shows_claim_estimate_cap_and_flags(client, witten, witten_plan, rates, clerk_witten,
                                                      district_admin, coordinator):
    services.cap_set(city_id=witten.pk, by=district_admin, year=2026, amount=Decimal("240000"), reason="Festsetzung")
    confirm(clerk_witten, costs=Decimal("70000"))
    client.force_login(district_admin)
    html = client.get(reverse("planning:costs"), {"jahr": 2026, "quartal": 3}).content.decode()
    assert "70.000,00 €" in html and "61.500,00 €" in html and "60.000,00 €" in html
    assert "8.500,00 €" in html and "(13,8 %)" in html
    assert "über der Toleranz" in html and "über dem Höchstrahmen" in html


@pytest.mark.parametrize(("typed", "amount"), [
    ("1.250,50", "1250.50"), ("1250,50", "1250.50"), ("1.250", "1250"), ("1.250.000,00", "1250000.00"),
    ("1250.50", "1250.50"), ("1 250,50 €", "1250.50"), ("0", "0"), ("12,5", "12.5"),
])
def test_german_amounts_are_read(typed, amount):
    assert parse_euro(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["abc", "1,2,3", "1.25.0", "", "1e5", "--5"])
def test_other_text_is_no_amount(typed):
    with pytest.raises(ValueError):
        parse_euro(typed)


def _post_confirm(client, clerk, costs):
    from django.utils import timezone
    quarter = Quarter.last_ended_before(timezone.localdate())
    client.force_login(clerk)
    return client.post(reverse("planning:report_confirm"), {"year": quarter.year, "quarter": quarter.quarter,
                                                            "personnel_costs": costs, "remark": "mit Kosten"})


def test_the_city_confirms_with_costs_typed_the_german_way(client, witten, witten_plan, clerk_witten):
    response = _post_confirm(client, clerk_witten, "61.234,56")
    assert response.status_code == 302
    report = QuarterlyReport.objects.get()
    assert report.personnel_costs == Decimal("61234.56") and report.remark == "mit Kosten"
    html = client.get(response["Location"]).content.decode()
    assert "61.234,56 €" in html


def test_the_costs_may_be_left_empty(client, witten, witten_plan, clerk_witten):
    assert _post_confirm(client, clerk_witten, "").status_code == 302
    assert QuarterlyReport.objects.get().personnel_costs is None


@pytest.mark.parametrize(("typed", "message"), [
    ("zwölftausend", "Bitte geben Sie einen Betrag in Euro ein"),
    ("-100,00", "nicht negativ"),
    ("100,555", "höchstens zwei Nachkommastellen"),
    ("99999999999,00", "zu groß"),
])
def test_a_bad_amount_is_refused_in_german_and_kept(client, witten, witten_plan, clerk_witten, typed, message):
    response = _post_confirm(client, clerk_witten, typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and f'value="{typed}"' in html and "mit Kosten" in html
    assert not QuarterlyReport.objects.exists()


def test_the_report_stays_append_only_with_its_costs(witten, witten_plan, clerk_witten):
    from django.core.exceptions import ValidationError
    report = confirm(clerk_witten, costs=Decimal("1000"))
    report.personnel_costs = Decimal("2000")
    with pytest.raises(ValidationError):
        report.save()
    with pytest.raises(ValidationError):
        confirm(clerk_witten, costs=Decimal("2000"))  # one confirmation per quarter: no second one
    assert QuarterlyReport.objects.get().personnel_costs == Decimal("1000.00")


def test_a_clerk_sees_only_the_own_city(client, witten, witten_plan, hattingen, hattingen_office, rates,
                                        clerk_witten, clerk_hattingen):
    PositionFactory(office=hattingen_office, grade="EG 9c", number="HAT-1")
    confirm(clerk_witten, costs=Decimal("61500"))
    confirm(clerk_hattingen, costs=Decimal("77777"))
    client.force_login(clerk_witten)
    html = client.get(reverse("planning:costs"), {"jahr": 2026, "quartal": 3}).content.decode()
    assert "Witten" in html and "Hattingen" not in html and "77.777" not in html
    csv = client.get(reverse("planning:costs_csv"), {"jahr": 2026, "quartal": 3}).content.decode("utf-8-sig")
    assert "Witten" in csv and "Hattingen" not in csv and "77777" not in csv


def test_the_comparison_is_exported_as_csv(client, witten, witten_plan, hattingen, rates, clerk_witten,
                                           coordinator, district_admin):
    services.cap_set(city_id=witten.pk, by=district_admin, year=2026, amount=Decimal("240000"), reason="Festsetzung")
    confirm(clerk_witten, costs=Decimal("70000"))
    client.force_login(coordinator)
    response = client.get(reverse("planning:costs_csv"), {"jahr": 2026, "quartal": 3})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Stadt;Quartal;")
    witten_line = next(line for line in lines if line.startswith("Witten"))
    assert "70000,00;61500,00;8500,00;13,8;60000,00;60000,00;ja;ja" in witten_line
    hattingen_line = next(line for line in lines if line.startswith("Hattingen"))
    assert "keine bestätigte Quartalsmeldung" in hattingen_line


def test_snapshot_estimate_tolerates_odd_rows():
    rows = [{"grade": "EG 9c", "fte": "x"}, {"grade": "EG 9c", "fte": "1", "days_in_quarter": 500}, {}]
    estimate = snapshot_estimate(rows, Q3, {"EG 9c": Decimal("80000")})
    assert estimate.amount == Decimal("20000.00") and estimate.headcount == 3 and estimate.missing_rates == [""]


def test_a_bad_amount_after_the_quarter_is_confirmed_goes_back_to_the_list_with_a_message(
        client, witten, witten_plan, clerk_witten):
    assert _post_confirm(client, clerk_witten, "1.000,00").status_code == 302
    response = _post_confirm(client, clerk_witten, "zwölf")
    assert response.status_code == 302 and response["Location"] == reverse("planning:report_list")
    assert QuarterlyReport.objects.get().personnel_costs == Decimal("1000.00")


def test_the_page_prices_odd_snapshot_rows_as_the_estimate_does(witten, witten_office, rates, clerk_witten):
    """issue 16, point 4: on PostgreSQL the comparison reads only the priced keys of each row (`PricedRows`);
    missing keys, a null grade, numbers and extra keys give the estimate of the whole rows, in their order."""
    report_rows = [{"grade": "EG 9c", "fte": "x"}, {"grade": "EG 9c", "fte": "1", "days_in_quarter": 500},
                   {}, {"grade": "Z 1", "fte": 0.5}, {"grade": None, "fte": None, "days_in_quarter": None},
                   {"grade": "A 9", "fte": 1, "days_in_quarter": 46, "name": "Adler, Anna"}, {"grade": "Y 2"}]
    QuarterlyReport.objects.create(office=witten_office, year=Q3.year, quarter=Q3.quarter, as_of=Q3.end,
                                   confirmed_by=clerk_witten, rows=report_rows, personnel_costs=Decimal("62000"))
    expected = snapshot_estimate(report_rows, Q3, {"EG 9c": Decimal("80000"), "A 9": Decimal("72000")})
    estimate = comparison(witten).estimate
    assert estimate == expected
    assert estimate.missing_rates == ["", "Z 1", None, "Y 2"] and estimate.headcount == 7
