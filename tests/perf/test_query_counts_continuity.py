"""Issue 13, PS-4.1: the continuity figures run a fixed number of queries whatever the rows: the CSV and XLSX
exports, the capacity plan and the district's start page, each at two sizes (one city, then four more with
staff, leavers and vacancies). The pins of the capacity plan and the start page are in test_query_counts.py."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from staffing.models import LeaveReason, Organisation
from tests.factories import (
    CityFactory,
    PositionFactory,
    RegionalOfficeFactory,
    StaffMemberFactory,
    VacancyFactory,
    city_clerk,
    district_user,
)

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year - 1



def add_city(district, n):
    office = RegionalOfficeFactory(city=CityFactory(district=district, name=f"Stadt {n}", slug=f"stadt-{n}"))
    for i in range(6):
        position = PositionFactory(office=office)
        StaffMemberFactory(position=position, joined_on=datetime.date(YEAR - 4, 1, 1))
        StaffMemberFactory(position=position, joined_on=datetime.date(YEAR - 8, 1, 1),
                           left_on=datetime.date(YEAR, 1 + i, 10), leave_reason=LeaveReason.RETIREMENT)
        VacancyFactory(position=position, vacated_on=datetime.date(YEAR, 1 + i, 11),
                       refilled_on=datetime.date(YEAR, 2 + i, 1 + i))
    VacancyFactory(position=PositionFactory(office=office), vacated_on=datetime.date(YEAR, 10, 1))
    return office


@pytest.fixture
def people(district, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    first = add_city(district, 0)
    return {"coordination": district_user(district, Organisation.Kind.COORDINATION),
            "district_admin": district_user(district, Organisation.Kind.DISTRICT_ADMIN),
            "clerk": city_clerk(first.city)}


# (page, role, queries): session, user, organisation, offices, staff, vacancies, and the session saved (3)
CASES = [
    ("planning:continuity_csv", "coordination", 5),
    ("planning:continuity_xlsx", "district_admin", 5),
    ("planning:continuity_csv", "clerk", 5),
    ("planning:capacity", "coordination", 10),
    # issue 17: + the rule set (vacancy flag days); issue 16, point 1: the panel's aggregates are staff, the
    # middle tenures (median) and vacancies (+1); issue 16, point 3: the three sent as one statement (-2)
    ("staffing:home", "district_admin", 8),
]


@pytest.mark.parametrize(("page", "role", "queries"), CASES, ids=[f"{p}-{r}" for p, r, _q in CASES])
def test_continuity_pages_run_a_pinned_number_of_queries_whatever_the_rows(client, django_assert_num_queries,
                                                                           district, people, page, role, queries):
    client.force_login(people[role])
    url = reverse(page)
    client.get(url, {"jahr": YEAR})  # warm: session, language
    with django_assert_num_queries(queries):
        assert client.get(url, {"jahr": YEAR}).status_code == 200
    for n in range(1, 5):
        add_city(district, n)
    with django_assert_num_queries(queries):
        response = client.get(url, {"jahr": YEAR})
    assert response.status_code == 200
