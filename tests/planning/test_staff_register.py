"""PS-6.1, PS-4.3: the city keeps its regional office's staff register; the district reads it; a leaving
person opens a vacancy for the position, a new person on the position closes it."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from staffing.models import Function, Induction, StaffMember, Vacancy

pytestmark = pytest.mark.django_db


def _data(position, **extra):
    data = {"position": position.pk, "function": position.function_id, "first_name": "Jana", "last_name": "Neu",
            "employment": "employee", "grade": "EG 9c", "fte": "1.000", "area_of_deployment": "U25",
            "qualification": "degree", "qualification_detail": "B.A. Soziale Arbeit", "months_experience": "2",
            "induction": Induction.PLANNED, "training_notes": "", "joined_on": "2026-11-02"}
    data.update(extra)
    return data


def test_city_adds_a_person_and_the_open_vacancy_of_the_position_closes(client, clerk_witten, witten_plan):
    vacancy = witten_plan["vacancy"]
    client.force_login(clerk_witten)
    response = client.post(reverse("planning:staff_create"), _data(vacancy.position))
    assert response.status_code == 302
    member = StaffMember.objects.get(last_name="Neu")
    assert member.office == witten_plan["office"]
    vacancy.refresh_from_db()
    assert vacancy.refilled_on == datetime.date(2026, 11, 2)


def test_errors_are_shown_next_to_the_field_and_input_is_kept(client, clerk_witten, witten_plan):
    client.force_login(clerk_witten)
    response = client.post(reverse("planning:staff_create"), _data(witten_plan["vacancy"].position, fte="1,5",
                                                                   last_name="Behalten"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "kern-form-input--error" in html and 'value="Behalten"' in html
    assert not StaffMember.objects.filter(last_name="Behalten").exists()


def test_city_cannot_choose_a_position_of_another_office(client, clerk_witten, witten_plan, hattingen_office):
    from ..factories import PositionFactory

    foreign = PositionFactory(office=hattingen_office)
    client.force_login(clerk_witten)
    response = client.post(reverse("planning:staff_create"), _data(foreign))
    assert response.status_code == 200
    assert not StaffMember.objects.filter(last_name="Neu").exists()


def test_city_edits_its_staff(client, clerk_witten, witten_plan):
    member = witten_plan["staff"][0]
    client.force_login(clerk_witten)
    data = _data(member.position, first_name=member.first_name, last_name=member.last_name, fte="0.800",
                 joined_on="2020-01-01", induction=Induction.NOT_NEEDED, months_experience="24")
    assert client.post(reverse("planning:staff_edit", args=[member.pk]), data).status_code == 302
    member.refresh_from_db()
    assert member.fte == Decimal("0.800") and member.area_of_deployment == "U25"


def test_leaving_opens_a_vacancy_for_the_position(client, clerk_witten, witten_plan):
    member = witten_plan["staff"][2]
    client.force_login(clerk_witten)
    response = client.post(reverse("planning:staff_leave", args=[member.pk]), {"left_on": "2026-11-30",
                                                                                "leave_reason": "retirement",
                                                                                "reason": "Ruhestand"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.left_on == datetime.date(2026, 11, 30)
    vacancy = Vacancy.objects.get(position=member.position, refilled_on__isnull=True)
    assert vacancy.vacated_on == datetime.date(2026, 12, 1) and vacancy.reason == "Ruhestand"


def test_leaving_before_joining_is_refused_with_a_message(client, clerk_witten, witten_plan):
    member = witten_plan["staff"][0]
    client.force_login(clerk_witten)
    response = client.post(reverse("planning:staff_leave", args=[member.pk]), {"left_on": "2019-01-01",
                                                                                "leave_reason": "retirement"})
    assert "nicht vor dem Eintritt" in response.content.decode()
    assert not Vacancy.objects.filter(position=member.position).exists()


@pytest.mark.parametrize("who", ["coordinator", "district_admin", "head"])
def test_district_reads_but_does_not_edit_the_citys_register(client, request, who, witten_plan):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("planning:staff_register"), {"dienststelle": witten_plan["office"].pk})
    assert "Adler" in response.content.decode()
    member = witten_plan["staff"][0]
    assert client.get(reverse("planning:staff_edit", args=[member.pk])).status_code == 403
    assert client.post(reverse("planning:staff_leave", args=[member.pk]), {"left_on": "2026-11-30"}).status_code == 403


def test_register_shows_qualification_deviations(client, clerk_witten, witten_plan, functions):
    from ..factories import PositionFactory, StaffMemberFactory

    position = PositionFactory(office=witten_plan["office"], function=functions[Function.Code.PLACEMENT])
    StaffMemberFactory(position=position, last_name="Quer", months_experience=0, induction=Induction.NOT_NEEDED)
    client.force_login(clerk_witten)
    html = client.get(reverse("planning:staff_register")).content.decode()
    assert "Abweichung PS-1.3" in html
