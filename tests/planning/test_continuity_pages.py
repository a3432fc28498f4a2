"""PS-4.1 on the pages: the capacity plan and the district's start page show the continuity figures of the
offices in the user's scope; CSV and XLSX exports; the year is checked (German message or 400, never 500);
the leave form and the records write path require the reason; a change of function restarts the tenure."""
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from planning import continuity
from staffing import hooks, records
from staffing.models import Function, LeaveReason, Organisation, StaffMember
from tests.factories import (
    CityFactory,
    FunctionFactory,
    PositionFactory,
    RegionalOfficeFactory,
    StaffMemberFactory,
    VacancyFactory,
    district_user,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year - 1


@pytest.fixture
def figures(witten_office, hattingen_office, other_district):
    """Witten: 4 people, one left last year (retirement), a vacancy refilled after 20 days. Hattingen: 2 people.
    Ratingen (another district): a leaver that must not show up anywhere."""
    for _ in range(3):
        StaffMemberFactory(position=PositionFactory(office=witten_office), joined_on=datetime.date(YEAR - 3, 1, 1))
    StaffMemberFactory(position=PositionFactory(office=witten_office), joined_on=datetime.date(YEAR - 3, 1, 1),
                       left_on=datetime.date(YEAR, 6, 30), leave_reason=LeaveReason.RETIREMENT)
    VacancyFactory(position=PositionFactory(office=witten_office), vacated_on=datetime.date(YEAR, 7, 1),
                   refilled_on=datetime.date(YEAR, 7, 21))
    for _ in range(2):
        StaffMemberFactory(position=PositionFactory(office=hattingen_office), joined_on=datetime.date(YEAR - 2, 5, 1))
    ratingen = RegionalOfficeFactory(city=CityFactory(district=other_district, name="Ratingen", slug="ratingen"))
    StaffMemberFactory(position=PositionFactory(office=ratingen), joined_on=datetime.date(YEAR - 3, 1, 1),
                       left_on=datetime.date(YEAR, 3, 1), leave_reason=LeaveReason.OTHER)
    return {"ratingen": ratingen}


def test_the_start_page_hook_is_registered_by_planning():
    assert continuity.start_panel in hooks._start_panels


@pytest.mark.parametrize("who", ["coordinator", "district_admin"])
def test_the_district_sees_its_offices_figures_on_the_start_page(client, request, figures, who):
    client.force_login(request.getfixturevalue(who))
    html = client.get(reverse("staffing:home")).content.decode()
    assert f"Kontinuität des Personals in den Regionalstellen {TODAY.year}" in html
    assert "Regionalstelle Witten" in html and "Regionalstelle Hattingen" in html
    assert "Ratingen" not in html
    assert reverse("planning:continuity_csv") in html


@pytest.mark.parametrize("who", ["clerk_witten", "head"])
def test_the_start_page_of_a_city_and_of_the_head_has_no_continuity_panel(client, request, figures, who):
    client.force_login(request.getfixturevalue(who))
    assert "Kontinuität des Personals" not in client.get(reverse("staffing:home")).content.decode()


def test_the_capacity_plan_shows_chart_table_and_reasons_for_the_chosen_year(client, coordinator, figures):
    client.force_login(coordinator)
    html = client.get(reverse("planning:capacity"), {"jahr": YEAR}).content.decode()
    assert f"Kontinuität des Personals {YEAR} (PS-4.1)" in html
    assert 'role="img" aria-labelledby="kont-title kont-desc"' in html
    assert "Fluktuationsquote je Regionalstelle und Jahr (Textfassung des Diagramms)" in html
    assert "28,6 %" in html and "3,5" in html  # Witten: 1 leaver / 3.5 (4 on the month ends to 30.6., then 3)
    assert f"Austritte {YEAR} nach Grund" in html and "Ruhestand" in html
    assert "Ratingen" not in html


def test_a_city_clerk_sees_the_figures_of_its_own_office_only(client, clerk_hattingen, figures):
    client.force_login(clerk_hattingen)
    html = client.get(reverse("planning:capacity"), {"jahr": YEAR}).content.decode()
    assert "Regionalstelle Hattingen" in html and "Regionalstelle Witten" not in html
    csv = client.get(reverse("planning:continuity_csv"), {"jahr": YEAR}).content.decode("utf-8-sig")
    assert "Hattingen" in csv and "Witten" not in csv


@pytest.mark.parametrize("bad", ["abc", "1999", "2004", str(TODAY.year + 1), "99999999999999999999", "-1", "20.5"])
def test_a_bad_year_shows_a_german_message_and_the_current_year(client, coordinator, figures, bad):
    client.force_login(coordinator)
    response = client.get(reverse("planning:capacity"), {"jahr": bad})
    html = response.content.decode()
    assert response.status_code == 200
    assert ("Kennzahlen zur Kontinuität gibt es für die Jahre 2005 bis" in html
            or "Bitte geben Sie das Jahr als Zahl an" in html)
    assert f"Kontinuität des Personals {TODAY.year} (PS-4.1)" in html
    assert 'aria-invalid="true"' in html


@pytest.mark.parametrize("name", ["planning:continuity_csv", "planning:continuity_xlsx"])
@pytest.mark.parametrize("bad", ["abc", str(TODAY.year + 1), "2004"])
def test_a_bad_year_in_an_export_is_a_400_with_a_german_message(client, coordinator, name, bad):
    client.force_login(coordinator)
    response = client.get(reverse(name), {"jahr": bad})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Kennzahlen zur Kontinuität" in text or "Bitte geben Sie das Jahr als Zahl an" in text


def test_the_csv_export_has_the_figures_in_german_notation(client, coordinator, figures):
    client.force_login(coordinator)
    response = client.get(reverse("planning:continuity_csv"), {"jahr": YEAR})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="kontinuitaet-{YEAR}.csv"' in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    assert header[:5] == ["Jahr", "Regionalstelle", "Austritte", "durchschnittlicher Personalbestand",
                          "Fluktuationsquote (%)"]
    assert "Austritte: Ruhestand" in header and "Anteil in 30 Tagen (%)" in header
    rows = {line.split(";")[1]: dict(zip(header, line.split(";"), strict=True)) for line in lines[1:]}
    assert set(rows) == {"Regionalstelle Hattingen", "Regionalstelle Witten", "Kreis gesamt"}
    witten = rows["Regionalstelle Witten"]
    assert (witten["Jahr"], witten["Austritte"], witten["Fluktuationsquote (%)"]) == (str(YEAR), "1", "28,6")
    assert (witten["Vakanzen eröffnet"], witten["wiederbesetzt in 30 Tagen"], witten["Anteil in 30 Tagen (%)"]) == (
        "1", "1", "100,0")
    assert witten["Austritte: Ruhestand"] == "1"
    assert rows["Regionalstelle Hattingen"]["Anteil in 30 Tagen (%)"] == ""  # no vacancy: no share


def test_the_xlsx_export_has_one_sheet_with_the_same_rows(client, district_admin, figures):
    client.force_login(district_admin)
    response = client.get(reverse("planning:continuity_xlsx"), {"jahr": YEAR})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == f'attachment; filename="kontinuitaet-{YEAR}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == f"Kontinuität {YEAR}"
    values = list(sheet.values)
    assert values[0][:3] == ("Jahr", "Regionalstelle", "Austritte") and sheet["A1"].font.bold
    witten = next(row for row in values if row[1] == "Regionalstelle Witten")
    assert witten[2] == 1 and witten[3] == 3.5 and witten[4] == 28.6
    assert [row[1] for row in values[1:]] == ["Regionalstelle Hattingen", "Regionalstelle Witten", "Kreis gesamt"]


def test_the_export_defaults_to_the_current_year(client, coordinator, figures):
    client.force_login(coordinator)
    response = client.get(reverse("planning:continuity_csv"))
    assert f"kontinuitaet-{TODAY.year}.csv" in response["Content-Disposition"]


def test_another_districts_people_see_none_of_these_offices(client, figures, other_district):
    user = district_user(other_district, Organisation.Kind.COORDINATION)
    client.force_login(user)
    csv = client.get(reverse("planning:continuity_csv"), {"jahr": YEAR}).content.decode("utf-8-sig")
    assert "Witten" not in csv and "Hattingen" not in csv and "Ratingen" in csv
    assert "Witten" not in client.get(reverse("staffing:home")).content.decode()


def test_signed_out_visitors_are_sent_to_the_login(client):
    response = client.get(reverse("planning:continuity_csv"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- the reason of a leaving (PS-4.1) through the leave form and the records write path -------------------------

def test_the_leave_form_requires_the_reason_and_keeps_the_input(client, clerk_witten, witten_office):
    member = StaffMemberFactory(position=PositionFactory(office=witten_office), joined_on=datetime.date(2020, 1, 1))
    client.force_login(clerk_witten)
    url = reverse("planning:staff_leave", args=[member.pk])
    left = (TODAY - datetime.timedelta(days=3)).isoformat()
    response = client.post(url, {"left_on": left, "reason": "Wechsel nach Dortmund"})
    html = response.content.decode()
    assert response.status_code == 200 and "Bitte wählen Sie den Grund des Austritts." in html
    assert "Wechsel nach Dortmund" in html  # nothing typed is lost
    member.refresh_from_db()
    assert member.left_on is None
    assert "Sonstiges" in html and "nicht erfasst" not in html  # "unknown" is no choice
    response = client.post(url, {"left_on": left, "leave_reason": "other_employer", "reason": "Wechsel"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.left_on.isoformat(), member.leave_reason) == (left, LeaveReason.OTHER_EMPLOYER)


@pytest.mark.parametrize("reason", ["", "unknown", "quatsch"])
def test_the_records_service_refuses_a_leaving_without_a_chosen_reason(clerk_witten, witten_office, reason):
    member = StaffMemberFactory(position=PositionFactory(office=witten_office), joined_on=datetime.date(2020, 1, 1))
    with pytest.raises(ValidationError) as refused:
        records.staff_member_leave(by=clerk_witten, member_id=member.pk, left_on=TODAY, leave_reason=reason)
    assert refused.value.message_dict["leave_reason"] == ["Bitte wählen Sie den Grund des Austritts."]
    member.refresh_from_db()
    assert member.left_on is None and member.leave_reason == ""


def test_a_new_person_is_in_the_function_since_joining(clerk_witten, witten_office):
    position = PositionFactory(office=witten_office)
    member = records.staff_member_create(
        by=clerk_witten, position=position, function=position.function, first_name="Ada", last_name="Lovelace",
        employment="employee", grade="EG 9c", fte="1.000", qualification="degree", joined_on=datetime.date(2021, 4, 1))
    assert member.function_since == datetime.date(2021, 4, 1)


def test_a_change_of_function_restarts_the_tenure_in_the_function(clerk_witten, witten_office):
    member = StaffMemberFactory(position=PositionFactory(office=witten_office), joined_on=datetime.date(2020, 1, 1),
                                function_since=datetime.date(2020, 1, 1))
    counselling = FunctionFactory(code=Function.Code.COUNSELLING)
    records.staff_member_update(by=clerk_witten, member_id=member.pk, grade="EG 10")
    member.refresh_from_db()
    assert member.function_since == datetime.date(2020, 1, 1)  # no new function: unchanged
    records.staff_member_update(by=clerk_witten, member_id=member.pk, function=counselling)
    member.refresh_from_db()
    assert member.function_since == TODAY
    with pytest.raises(ValidationError) as refused:
        records.staff_member_update(by=clerk_witten, member_id=member.pk, function_since=datetime.date(2019, 1, 1))
    assert "function_since" in refused.value.message_dict


def test_an_imported_leaver_without_a_reason_counts_as_not_recorded(clerk_witten, witten_office):
    member = StaffMemberFactory(position=PositionFactory(office=witten_office), joined_on=datetime.date(2020, 1, 1))
    records.staff_member_update(by=clerk_witten, member_id=member.pk, left_on=TODAY)
    assert StaffMember.objects.get(pk=member.pk).leave_reason == LeaveReason.UNKNOWN


def test_the_register_shows_the_reason_and_the_start_of_the_function(client, coordinator, witten_office):
    member = StaffMemberFactory(position=PositionFactory(office=witten_office), joined_on=datetime.date(2015, 1, 1),
                                function_since=datetime.date(2019, 4, 1), left_on=datetime.date(2024, 3, 31),
                                leave_reason=LeaveReason.INTERNAL)
    client.force_login(coordinator)
    html = client.get(reverse("planning:staff_detail", args=[member.pk])).content.decode()
    assert "01.04.2019" in html and "Wechsel innerhalb der Stadtverwaltung" in html
