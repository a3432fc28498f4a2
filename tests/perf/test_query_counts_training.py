"""Issue 13, point 2: the query count of the page "Fachspezifische Fortbildung" (PS-1.4) is pinned and does not
grow with the rows (offices, people without the training, people with it, registrations, reminders)."""
from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from planning.models import TrainingKind, TrainingParticipation, TrainingReminder
from staffing.models import Function
from tests.factories import (
    CityFactory,
    FunctionFactory,
    PositionFactory,
    RegionalOfficeFactory,
    StaffMemberFactory,
    TrainingOfferFactory,
    TrainingParticipationFactory,
)

pytestmark = pytest.mark.django_db
URL = "/planung/fortbildung/fachspezifisch/"
# the frame (session, user, organisation, navigation, notifications) + offices, people, reminders: 3 for the page
PINNED = {"coordination": 5, "district_admin": 5}


def add_rows(district, coordinator, n: int) -> None:
    placement = FunctionFactory(code=Function.Code.PLACEMENT)
    counselling = FunctionFactory(code=Function.Code.COUNSELLING)
    field = TrainingOfferFactory(district=district, targets=[placement, counselling])
    later = TrainingOfferFactory(district=district, targets=[placement],
                                 starts_on=timezone.localdate() + datetime.timedelta(days=40))
    general = TrainingOfferFactory(district=district, kind=TrainingKind.GENERAL)
    for _i in range(n):
        office = RegionalOfficeFactory(city=CityFactory(district=district))
        for j, function in enumerate((placement, counselling, placement)):
            member = StaffMemberFactory(position=PositionFactory(office=office, function=function),
                                        joined_on=timezone.localdate() - datetime.timedelta(days=100 + 300 * j))
            if j == 0:
                TrainingParticipationFactory(offer=field, staff_member=member)
            elif j == 1:
                TrainingParticipationFactory(offer=later, staff_member=member,
                                             status=TrainingParticipation.Status.REGISTERED)
                TrainingParticipationFactory(offer=general, staff_member=member)
        TrainingReminder.objects.create(office=office, sent_by=coordinator, recipients=1)


@pytest.mark.parametrize("role", sorted(PINNED))
def test_the_field_training_page_runs_a_pinned_number_of_queries_whatever_the_rows(
        client, django_assert_num_queries, district, coordinator, district_admin, role):
    user = {"coordination": coordinator, "district_admin": district_admin}[role]
    client.force_login(user)
    add_rows(district, coordinator, 2)
    with django_assert_num_queries(PINNED[role]):
        assert client.get(URL).status_code == 200
    add_rows(district, coordinator, 10)
    with django_assert_num_queries(PINNED[role]):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count("überfällig seit") >= 12
