"""PS-4.1: the continuity figures (planning/continuity.py) at their edges: leavers on 31.12. and 1.1., a person
who joined and left in the same year, an empty office, the median of an even count, vacancies refilled on
day 30/31 and 90/91, a vacancy still open. The year is last year, so every date lies in the past."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from planning import continuity
from staffing.models import LeaveReason
from tests.factories import PositionFactory, StaffMemberFactory, VacancyFactory

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1
D = datetime.date
LONG_AGO = D(YEAR - 5, 1, 1)


def report(*offices, year=YEAR):
    """The figures read into Python, checked against the SQL aggregates of the start panel (issue 16, point 1):
    every figure of every row and of the total the same, on SQLite and PostgreSQL."""
    full = continuity.continuity_report(list(offices), year, years_back=0)
    panel = continuity.panel_report(list(offices), year)
    assert panel.rows == full.rows and panel.total == full.total and panel.years == full.years
    return full


def staff(office, n, *, joined=LONG_AGO, **fields):
    return [StaffMemberFactory(position=PositionFactory(office=office), joined_on=joined, **fields) for _ in range(n)]


def test_a_leaver_on_31_december_counts_in_that_year_and_not_in_the_next(witten_office):
    staff(witten_office, 9)
    staff(witten_office, 1, left_on=D(YEAR, 12, 31), leave_reason=LeaveReason.RETIREMENT)
    figures = report(witten_office).rows[0]
    # still in the headcount on 31.12. (the last working day): 10 on every month end
    assert (figures.leavers, figures.average_headcount, figures.turnover_rate) == (1, Decimal("10.0"),
                                                                                    Decimal("10.0"))
    assert figures.turnover_text == "10,0 %"
    assert figures.leavers_by_reason == {LeaveReason.RETIREMENT: 1}
    assert report(witten_office, year=YEAR + 1).rows[0].leavers == 0


def test_a_leaver_on_1_january_counts_in_that_year_and_not_in_the_year_before(witten_office):
    staff(witten_office, 10)
    staff(witten_office, 1, left_on=D(YEAR, 1, 1), leave_reason=LeaveReason.OTHER_EMPLOYER)
    figures = report(witten_office).rows[0]
    assert figures.leavers == 1 and figures.average_headcount == Decimal("10.0")  # gone before 31.1.
    assert figures.leavers_by_reason == {LeaveReason.OTHER_EMPLOYER: 1}
    assert report(witten_office, year=YEAR - 1).rows[0].leavers == 0


def test_a_person_who_joined_and_left_in_the_same_year_is_a_leaver_and_counts_for_the_months_present(
        witten_office):
    staff(witten_office, 4)
    # present on the month ends of March, April, May (3 of 12)
    staff(witten_office, 1, joined=D(YEAR, 3, 1), left_on=D(YEAR, 6, 15), leave_reason=LeaveReason.FIXED_TERM_END)
    figures = report(witten_office).rows[0]
    assert figures.leavers == 1
    assert figures.average_headcount == Decimal("4.3")  # (4 * 12 + 3) / 12 = 4.25
    assert figures.turnover_rate == Decimal("23.3")  # 1 / 4.3 (the rounded headcount shown)
    assert figures.tenure_people == 4  # not in the headcount on 31.12.


def test_an_empty_office_has_no_rates_and_no_division_by_zero(witten_office):
    figures = report(witten_office).rows[0]
    assert (figures.leavers, figures.average_headcount, figures.turnover_rate, figures.tenure_average,
            figures.tenure_median, figures.share_30, figures.share_90) == (0, Decimal("0.0"), None, None, None,
                                                                         None, None)
    assert (figures.turnover_text, figures.tenure_median_text, figures.share_30_text) == ("–", "–", "–")


def test_no_offices_give_an_empty_report_with_a_total():
    result = report()
    assert result.rows == [] and result.total.turnover_rate is None


def test_median_of_an_even_count_is_the_mean_of_the_two_middle_values(witten_office):
    ref = D(YEAR, 12, 31)
    for years in (1, 2, 4, 9):  # in the function since `years` * 365.25 days before 31.12.
        staff(witten_office, 1, joined=D(YEAR - 20, 1, 1),
              function_since=ref - datetime.timedelta(days=round(years * 365.25)))
    figures = report(witten_office).rows[0]
    assert figures.tenure_median == Decimal("3.0") and figures.tenure_median_text == "3,0"
    assert figures.tenure_average == Decimal("4.0") and figures.tenure_average_text == "4,0"


def test_tenure_counts_from_the_start_of_the_function_else_from_the_entry(witten_office):
    ref = D(YEAR, 12, 31)
    staff(witten_office, 1, joined=ref - datetime.timedelta(days=3653), function_since=None)  # 10 years
    staff(witten_office, 1, joined=ref - datetime.timedelta(days=3653),
          function_since=ref - datetime.timedelta(days=730))  # 2 years in the new function
    # a change of function after the reference day: the function then held is not recorded -> from entry
    staff(witten_office, 1, joined=ref - datetime.timedelta(days=1461), function_since=ref + datetime.timedelta(days=5))
    figures = report(witten_office).rows[0]
    assert figures.tenure_median == Decimal("4.0") and figures.tenure_average == Decimal("5.3")


@pytest.mark.parametrize(("days", "within_30", "within_90"), [(0, 1, 1), (30, 1, 1), (31, 0, 1), (90, 0, 1),
                                                                (91, 0, 0)])
def test_a_vacancy_refilled_on_day_30_or_90_counts_and_on_day_31_or_91_does_not(witten_office, days, within_30,
                                                                                  within_90):
    vacated = D(YEAR, 3, 1)
    VacancyFactory(position=PositionFactory(office=witten_office), vacated_on=vacated,
                   refilled_on=vacated + datetime.timedelta(days=days))
    figures = report(witten_office).rows[0]
    assert (figures.vacancies_opened, figures.refilled_30, figures.refilled_90) == (1, within_30, within_90)
    assert figures.share_30 == Decimal(within_30 * 100).quantize(Decimal("0.1"))


def test_a_vacancy_still_open_counts_as_opened_not_as_refilled(witten_office):
    VacancyFactory(position=PositionFactory(office=witten_office), vacated_on=D(YEAR, 11, 20), refilled_on=None)
    VacancyFactory(position=PositionFactory(office=witten_office), vacated_on=D(YEAR, 2, 1),
                   refilled_on=D(YEAR, 2, 20))
    VacancyFactory(position=PositionFactory(office=witten_office), vacated_on=D(YEAR - 1, 12, 31),
                   refilled_on=D(YEAR, 1, 5))  # opened the year before: not this year's
    figures = report(witten_office).rows[0]
    assert (figures.vacancies_opened, figures.refilled_30, figures.refilled_90, figures.still_open) == (2, 1, 1, 1)
    assert (figures.share_30_text, figures.share_90_text) == ("50,0 %", "50,0 %")


def test_the_total_adds_the_offices_and_the_chart_covers_three_years(witten_office, hattingen_office):
    staff(witten_office, 4)
    staff(hattingen_office, 4)
    staff(hattingen_office, 1, left_on=D(YEAR, 6, 30), leave_reason=LeaveReason.INTERNAL)
    result = continuity.continuity_report([witten_office, hattingen_office], YEAR)
    assert result.years == [YEAR - 2, YEAR - 1, YEAR]
    assert result.total.leavers == 1 and result.total.leavers_by_reason == {LeaveReason.INTERNAL: 1}
    chart = result.chart
    assert [g["label"] for g in chart["groups"]] == ["Regionalstelle Hattingen", "Regionalstelle Witten"]
    assert [b["year"] for b in chart["groups"][0]["bars"]] == result.years
    assert chart["groups"][1]["bars"][-1]["text"] == "0,0 %"


def test_the_coordination_office_is_not_a_regional_office_and_is_left_out(witten_office, district):
    from staffing.models import Office

    coordination = Office.objects.create(kind=Office.Kind.COORDINATION, district=district, name="KoSt")
    assert [f.office for f in report(witten_office, coordination).rows] == [witten_office]


def test_the_current_year_counts_up_to_today():
    today = timezone.localdate()
    ends = continuity.month_ends(today.year, today)
    assert ends[-1] == today and all(d < today for d in ends[:-1])
    assert continuity.valid_years(today)[-1] == today.year and continuity.valid_years(today)[0] == 2005


def test_the_start_panel_aggregates_give_the_same_figures_in_every_year_and_today(witten_office, hattingen_office):
    """Issue 16, point 1: the SQL path of the start panel against the rows read into Python, with odd and even
    counts, changes of function, leavers without a reason and vacancies over the turn of the year."""
    today = timezone.localdate()
    for i in range(7):
        staff(witten_office, 1, joined=D(YEAR - 3 + i % 4, 1 + i, 3), function_since=D(YEAR - 1, 2 + i, 1) if i % 2
              else None)
    staff(witten_office, 1, joined=D(YEAR - 1, 5, 5), left_on=D(YEAR, 8, 31), leave_reason="")
    staff(hattingen_office, 2, joined=D(YEAR - 2, 4, 1), left_on=today - datetime.timedelta(days=3),
          leave_reason=LeaveReason.INTERNAL)
    staff(hattingen_office, 4, joined=D(YEAR, 2, 1), function_since=today + datetime.timedelta(days=2))
    for k, days in enumerate((None, 12, 45, 200)):
        vacated = D(YEAR, 12 - k * 3, 20)
        VacancyFactory(position=PositionFactory(office=hattingen_office if k % 2 else witten_office),
                       vacated_on=vacated, refilled_on=vacated + datetime.timedelta(days=days) if days else None)
    for year in (YEAR - 1, YEAR, today.year):
        for day in (today, today - datetime.timedelta(days=40)):
            full = continuity.continuity_report([witten_office, hattingen_office], year, years_back=0, today=day)
            panel = continuity.panel_report([witten_office, hattingen_office], year, today=day)
            assert panel.rows == full.rows and panel.total == full.total, (year, day)
    assert full.total.tenure_people == 13 and full.total.tenure_median is not None
