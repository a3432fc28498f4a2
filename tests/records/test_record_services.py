"""staffing.records, the one write path of positions, staff and vacancies (PS-4.2, PS-4.3, PS-6.1): the
office's own people write, another city's records are 404, a visible record of another office is
refused; the model's rules answer in German; and the vacancy bookkeeping is the same for every caller."""
import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from staffing import records
from staffing.models import Employment, Function, Office, Position, Qualification, StaffMember, Vacancy

from ..factories import FunctionFactory, PositionFactory, StaffMemberFactory, VacancyFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)


def person(function, **extra):
    data = {"function": function, "first_name": "Jana", "last_name": "Neu", "employment": Employment.EMPLOYEE,
            "grade": "EG 9c", "fte": Decimal("1.000"), "qualification": Qualification.DEGREE,
            "qualification_detail": "B.A. Soziale Arbeit", "months_experience": 12,
            "joined_on": datetime.date(2026, 11, 2)}
    data.update(extra)
    return data


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- positions (PS-4.2) ----------------------------------------------------------------------------

# issue 13: positions are the district's staff plan; these three tests were about the city clerk keeping
# positions and now prove the district keeping them (and the clerk refused).

def test_position_save_creates_in_the_own_office_and_updates(coordinator, witten_office):
    function = FunctionFactory(code=Function.Code.PLACEMENT)
    position = records.position_save(by=coordinator, office_id=witten_office.pk, number="WIT-9",
                                     title="Arbeitsvermittler/in", function=function, grade="EG 9c",
                                     fte=Decimal("0.5"), is_active=True, reason="Haushaltsplan")
    assert position.office == witten_office
    records.position_save(by=coordinator, position_id=position.pk, title="Fallmanager/in", is_active=False,
                          reason="Stellenplan 2027")
    position.refresh_from_db()
    assert (position.title, position.is_active, position.fte) == ("Fallmanager/in", False, Decimal("0.500"))


def test_position_save_refuses_another_citys_position_and_the_district(clerk_witten, clerk_hattingen,
                                                                       other_district, hattingen_office):
    from staffing.models import Organisation
    from tests.factories import district_user

    foreign = PositionFactory(office=hattingen_office, title="Hattingen")
    with pytest.raises(Http404):  # another city's record: not even its existence is told
        records.position_save(by=clerk_witten, position_id=foreign.pk, title="Witten", reason="x")
    with pytest.raises(PermissionDenied):  # the city sees its plan, but the district keeps it
        records.position_save(by=clerk_hattingen, position_id=foreign.pk, title="Stadt", reason="x")
    with pytest.raises(Http404):  # another district's coordination office
        records.position_save(by=district_user(other_district, Organisation.Kind.COORDINATION),
                              position_id=foreign.pk, title="Mettmann", reason="x")
    foreign.refresh_from_db()
    assert foreign.title == "Hattingen"


def test_position_save_answers_in_german(district_admin, witten_office):
    existing = PositionFactory(office=witten_office, number="WIT-1")
    with pytest.raises(ValidationError) as refused:
        records.position_save(by=district_admin, office_id=witten_office.pk, number="WIT-1", title="Doppelt",
                              function=existing.function, grade="EG 9c", fte=Decimal("1"), reason="x")
    assert "Die Stellennummer „WIT-1“ ist in dieser Dienststelle bereits vergeben." in messages_of(refused.value)
    with pytest.raises(ValidationError) as refused:
        records.position_save(by=district_admin, position_id=existing.pk, fte=Decimal("1.5"), reason="x")
    assert "fte" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        records.position_save(by=district_admin, position_id=existing.pk, fte=Decimal("0.5"), reason=" ")
    assert "Bitte begründen Sie die Änderung des Stellenplans." in messages_of(refused.value)
    assert Position.objects.get(pk=existing.pk).fte == Decimal("1.000")


# --- staff register (PS-6.1) and its vacancy bookkeeping (PS-4.3) ----------------------------------------

def test_staff_member_create_closes_the_open_vacancy_of_the_position(clerk_witten, witten_office):
    vacancy = VacancyFactory(position=PositionFactory(office=witten_office), vacated_on=datetime.date(2026, 10, 1))
    member = records.staff_member_create(by=clerk_witten, position=vacancy.position,
                                         **person(vacancy.position.function))
    assert member.office == witten_office
    vacancy.refresh_from_db()
    assert vacancy.refilled_on == datetime.date(2026, 11, 2)


def test_an_entry_before_the_vacancy_began_closes_it_on_the_day_it_began(clerk_witten, witten_office):
    vacancy = VacancyFactory(position=PositionFactory(office=witten_office), vacated_on=datetime.date(2026, 10, 1))
    records.staff_member_create(by=clerk_witten, position=vacancy.position,
                                **person(vacancy.position.function, joined_on=datetime.date(2019, 1, 1)))
    vacancy.refresh_from_db()
    assert vacancy.refilled_on == datetime.date(2026, 10, 1)


def test_a_person_entered_as_already_gone_changes_no_vacancy(clerk_witten, witten_office):
    vacancy = VacancyFactory(position=PositionFactory(office=witten_office))
    records.staff_member_create(by=clerk_witten, position=vacancy.position,
                                **person(vacancy.position.function, joined_on=datetime.date(2010, 1, 1),
                                         left_on=datetime.date(2015, 6, 30)))
    vacancy.refresh_from_db()
    assert vacancy.refilled_on is None
    assert Vacancy.objects.filter(position=vacancy.position).count() == 1


def test_staff_member_create_refuses_a_position_of_another_office_in_german(clerk_witten, witten_office,
                                                                            hattingen_office):
    foreign = PositionFactory(office=hattingen_office)
    with pytest.raises(ValidationError) as refused:
        records.staff_member_create(by=clerk_witten, position=foreign, **person(foreign.function))
    assert refused.value.message_dict["position"] == ["Die Stelle gehört nicht zu Ihrer Dienststelle."]
    assert not StaffMember.objects.exists()


@pytest.mark.parametrize("who", ["district_admin", "head"])
def test_only_the_people_of_an_office_add_to_its_register(request, who, witten_office):
    with pytest.raises(PermissionDenied):
        records.staff_member_create(by=request.getfixturevalue(who), **person(FunctionFactory()))


def test_the_coordination_office_keeps_its_own_register(coordinator, district):
    own = Office.objects.create(kind=Office.Kind.COORDINATION, district=district, name="Koordinierungsstelle")
    member = records.staff_member_create(by=coordinator, **person(FunctionFactory()))
    assert member.office == own


def test_staff_member_update_scope_and_german_messages(clerk_witten, clerk_hattingen, coordinator, witten_office):
    member = StaffMemberFactory(position=PositionFactory(office=witten_office), joined_on=datetime.date(2020, 1, 1))
    with pytest.raises(Http404):
        records.staff_member_update(by=clerk_hattingen, member_id=member.pk, fte=Decimal("0.5"))
    with pytest.raises(PermissionDenied):
        records.staff_member_update(by=coordinator, member_id=member.pk, fte=Decimal("0.5"))
    with pytest.raises(ValidationError) as refused:
        records.staff_member_update(by=clerk_witten, member_id=member.pk, left_on=datetime.date(2019, 1, 1))
    assert refused.value.message_dict["left_on"] == ["Der Austritt kann nicht vor dem Eintritt liegen."]
    records.staff_member_update(by=clerk_witten, member_id=member.pk, fte=Decimal("0.5"))
    member.refresh_from_db()
    assert member.fte == Decimal("0.500") and member.left_on is None


@time_machine.travel(TODAY)
def test_a_new_position_closes_its_vacancy_as_of_today(clerk_witten, witten_office):
    member = StaffMemberFactory(position=PositionFactory(office=witten_office))
    vacancy = VacancyFactory(position=PositionFactory(office=witten_office), vacated_on=datetime.date(2026, 9, 1))
    records.staff_member_update(by=clerk_witten, member_id=member.pk, position=vacancy.position)
    vacancy.refresh_from_db()
    assert vacancy.refilled_on == datetime.date(2026, 11, 25)


def test_a_leaving_date_entered_by_update_opens_a_vacancy(clerk_witten, witten_office):
    member = StaffMemberFactory(position=PositionFactory(office=witten_office), last_name="Alt", first_name="Eva")
    records.staff_member_update(by=clerk_witten, member_id=member.pk, left_on=datetime.date(2026, 11, 30))
    vacancy = Vacancy.objects.get(position=member.position, refilled_on__isnull=True)
    assert (vacancy.vacated_on, vacancy.reason) == (datetime.date(2026, 12, 1), "Austritt von Alt, Eva")


def test_staff_member_leave_opens_one_vacancy_and_refuses_twice(clerk_witten, witten_office):
    member = StaffMemberFactory(position=PositionFactory(office=witten_office), joined_on=datetime.date(2020, 1, 1))
    vacancy = records.staff_member_leave(by=clerk_witten, member_id=member.pk, left_on=datetime.date(2026, 11, 30),
                                         leave_reason="retirement", reason="Ruhestand")
    assert (vacancy.vacated_on, vacancy.reason, vacancy.refilled_on) == (datetime.date(2026, 12, 1), "Ruhestand",
                                                                          None)
    with pytest.raises(ValidationError) as refused:
        records.staff_member_leave(by=clerk_witten, member_id=member.pk, left_on=datetime.date(2026, 12, 31))
    assert refused.value.message_dict["left_on"] == ["Der Austritt ist bereits erfasst."]
    assert Vacancy.objects.filter(position=member.position).count() == 1


def test_a_leaving_keeps_the_vacancy_already_open(clerk_witten, witten_office):
    position = PositionFactory(office=witten_office)
    open_one = VacancyFactory(position=position, vacated_on=datetime.date(2026, 10, 1))
    member = StaffMemberFactory(position=position)
    assert records.staff_member_leave(by=clerk_witten, member_id=member.pk, left_on=datetime.date(2026, 11, 30),
                                      leave_reason="retirement") == open_one  # issue 13: the reason (PS-4.1)
    assert Vacancy.objects.filter(position=position).count() == 1


def test_staff_member_leave_scope(clerk_hattingen, head, witten_office):
    member = StaffMemberFactory(position=PositionFactory(office=witten_office))
    with pytest.raises(Http404):
        records.staff_member_leave(by=clerk_hattingen, member_id=member.pk, left_on=datetime.date(2026, 11, 30))
    with pytest.raises(PermissionDenied):
        records.staff_member_leave(by=head, member_id=member.pk, left_on=datetime.date(2026, 11, 30))
    member.refresh_from_db()
    assert member.left_on is None and not Vacancy.objects.exists()


# --- vacancies (PS-4.3) --------------------------------------------------------------------------------

def test_vacancy_open_keeps_the_open_one_and_refuses_another_city(clerk_witten, clerk_hattingen, witten_office):
    position = PositionFactory(office=witten_office)
    first = records.vacancy_open(by=clerk_witten, position_id=position.pk, vacated_on=datetime.date(2026, 10, 1),
                                 reason="Elternzeit")
    again = records.vacancy_open(by=clerk_witten, position_id=position.pk, vacated_on=datetime.date(2026, 11, 1))
    assert again == first and Vacancy.objects.count() == 1
    with pytest.raises(Http404):
        records.vacancy_open(by=clerk_hattingen, position_id=position.pk, vacated_on=datetime.date(2026, 11, 1))


def test_vacancy_close_by_position_or_by_id(clerk_witten, clerk_hattingen, coordinator, witten_office):
    vacancy = VacancyFactory(position=PositionFactory(office=witten_office), vacated_on=datetime.date(2026, 10, 1))
    with pytest.raises(Http404):
        records.vacancy_close(by=clerk_hattingen, vacancy_id=vacancy.pk, refilled_on=datetime.date(2026, 11, 1))
    with pytest.raises(PermissionDenied):
        records.vacancy_close(by=coordinator, position_id=vacancy.position_id, refilled_on=datetime.date(2026, 11, 1))
    closed = records.vacancy_close(by=clerk_witten, position_id=vacancy.position_id,
                                   refilled_on=datetime.date(2026, 9, 1))
    assert closed == vacancy and closed.refilled_on == datetime.date(2026, 10, 1)  # not before it began
    assert records.vacancy_close(by=clerk_witten, vacancy_id=vacancy.pk,
                                 refilled_on=datetime.date(2026, 12, 1)) is None  # nothing open any more
    vacancy.refresh_from_db()
    assert vacancy.refilled_on == datetime.date(2026, 10, 1)


def test_vacancy_save_keeps_one_open_vacancy_per_position_in_german(clerk_witten, witten_office):
    position = PositionFactory(office=witten_office, number="WIT-7")
    VacancyFactory(position=position, vacated_on=datetime.date(2026, 9, 1))
    with pytest.raises(ValidationError) as refused:
        records.vacancy_save(by=clerk_witten, position=position, vacated_on=datetime.date(2026, 10, 1))
    assert ("Für die Stelle „WIT-7“ ist bereits eine offene Vakanz erfasst (frei seit 01.09.2026)."
            in messages_of(refused.value))
    with pytest.raises(ValidationError) as refused:
        records.vacancy_save(by=clerk_witten, position=position, vacated_on=datetime.date(2025, 10, 1),
                             refilled_on=datetime.date(2025, 9, 1))
    assert refused.value.message_dict["refilled_on"] == ["Die Wiederbesetzung kann nicht vor „frei seit“ liegen."]
    earlier = records.vacancy_save(by=clerk_witten, position=position, vacated_on=datetime.date(2025, 1, 1),
                                   refilled_on=datetime.date(2025, 3, 1), reason="Elternzeit")
    assert Vacancy.objects.filter(position=position).count() == 2 and earlier.reason == "Elternzeit"


def test_vacancy_save_refuses_another_citys_position(clerk_witten, hattingen_office):
    foreign = PositionFactory(office=hattingen_office)
    with pytest.raises(Http404):
        records.vacancy_save(by=clerk_witten, position=foreign, vacated_on=datetime.date(2026, 10, 1))
    assert not Vacancy.objects.exists()
