"""The visibility rule on every planning URL: another city's records answer 404 and never appear in
lists; another district's records likewise. List pages use a bounded number of queries."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning.models import (
    CoachingOffer,
    QuarterlyReport,
    ReimbursementCap,
    TrainingNeed,
    TrainingOffer,
    TrainingParticipation,
)
from staffing.models import Organisation

from ..factories import (
    CityFactory,
    PositionFactory,
    RegionalOfficeFactory,
    StaffMemberFactory,
    VacancyFactory,
    city_clerk,
    district_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hattingen_records(hattingen_office, clerk_hattingen, district_admin, district):
    member = StaffMemberFactory(position=PositionFactory(office=hattingen_office, title="Stelle Hattingen"),
                                last_name="Hattinger")
    offer = TrainingOffer.objects.create(district=district, title="Kurs", location="Schwelm", places=5,
                                         starts_on=datetime.date(2027, 1, 1), ends_on=datetime.date(2027, 1, 1))
    return {
        "staff": member,
        "vacancy": VacancyFactory(position=PositionFactory(office=hattingen_office, title="Vakanz Hattingen")),
        "report": QuarterlyReport.objects.create(office=hattingen_office, year=2026, quarter=2,
                                                 as_of=datetime.date(2026, 6, 30), confirmed_by=clerk_hattingen,
                                                 rows=[]),
        "need": TrainingNeed.objects.create(office=hattingen_office, topic="Bedarf Hattingen",
                                            created_by=clerk_hattingen),
        "participation": TrainingParticipation.objects.create(offer=offer, staff_member=member),
        "cap": ReimbursementCap.objects.create(city=hattingen_office.city, year=2026, amount=Decimal("1"),
                                               set_by=district_admin),
        "office": hattingen_office,
    }


@pytest.fixture
def foreign_district_records(other_district):
    city = CityFactory(district=other_district, name="Mettmann", slug="mettmann")
    office = RegionalOfficeFactory(city=city)
    return {
        "city": city, "office": office,
        "training_offer": TrainingOffer.objects.create(district=other_district, title="Fremdkurs", location="x",
                                                       places=5, starts_on=datetime.date(2027, 1, 1),
                                                       ends_on=datetime.date(2027, 1, 1)),
        "coaching_offer": CoachingOffer.objects.create(district=other_district, title="Fremdcoaching", coach="x",
                                                       starts_on=datetime.date(2027, 1, 1)),
    }


def _requests(records):
    """(method, url name, args, data) for every planning URL bound to a Hattingen record."""
    return [
        ("get", "planning:staff_edit", [records["staff"].pk], None),
        ("post", "planning:staff_edit", [records["staff"].pk], {}),
        ("get", "planning:staff_leave", [records["staff"].pk], None),
        ("post", "planning:staff_leave", [records["staff"].pk], {"left_on": "2026-12-01"}),
        ("get", "planning:report_detail", [records["report"].pk], None),
        ("post", "planning:training_need_priority", [records["need"].pk], {"priority": "1"}),
        ("post", "planning:training_participation_status", [records["participation"].pk], {"status": "attended"}),
        ("get", "planning:cap_history", [records["cap"].city_id], None),
    ]


@pytest.mark.parametrize("index", range(8))
def test_clerk_of_another_city_gets_404_on_every_planning_url(client, clerk_witten, witten_office,
                                                              hattingen_records, index):
    method, name, args, data = _requests(hattingen_records)[index]
    client.force_login(clerk_witten)
    response = getattr(client, method)(reverse(name, args=args), data) if data is not None else client.get(
        reverse(name, args=args))
    assert response.status_code == 404, name


def test_clerk_cannot_pick_another_office_in_the_register(client, clerk_witten, hattingen_records):
    client.force_login(clerk_witten)
    response = client.get(reverse("planning:staff_register"), {"dienststelle": hattingen_records["office"].pk})
    assert response.status_code == 404


def test_coordination_office_sees_hattingen_but_not_another_district(client, district, hattingen_records,
                                                                     foreign_district_records):
    coordinator = district_user(district, Organisation.Kind.COORDINATION, username="koord2")
    client.force_login(coordinator)
    assert client.get(reverse("planning:report_detail", args=[hattingen_records["report"].pk])).status_code == 200
    for name, key in [("planning:training_offer", "training_offer"),
                      ("planning:coaching_participants", "coaching_offer"),
                      ("planning:cap_history", "city")]:
        assert client.get(reverse(name, args=[foreign_district_records[key].pk])).status_code == 404, name
    assert client.post(reverse("planning:coaching_sign_up", args=[foreign_district_records["coaching_offer"].pk]),
                       {"staff_member": hattingen_records["staff"].pk}).status_code == 404
    assert client.get(reverse("planning:staff_register"),
                      {"dienststelle": foreign_district_records["office"].pk}).status_code == 404


@pytest.mark.parametrize("url_name,text", [
    ("planning:staff_register", "Hattinger"),
    ("planning:vacancies", "Vakanz Hattingen"),
    ("planning:capacity", "Regionalstelle Hattingen"),
    ("planning:capacity_csv", "Regionalstelle Hattingen"),
    ("planning:report_list", "Regionalstelle Hattingen"),
    ("planning:training", "Bedarf Hattingen"),
    ("planning:costs", "Hattingen"),
])
def test_lists_show_own_city_only(client, clerk_witten, clerk_hattingen, witten_office, hattingen_records,
                                  url_name, text):
    client.force_login(clerk_witten)
    assert text not in client.get(reverse(url_name)).content.decode("utf-8-sig")
    client.force_login(clerk_hattingen)
    assert text in client.get(reverse(url_name)).content.decode("utf-8-sig")


def test_foreign_district_offers_are_not_listed(client, clerk_witten, witten_office, foreign_district_records):
    client.force_login(clerk_witten)
    assert "Fremdkurs" not in client.get(reverse("planning:training")).content.decode()
    assert "Fremdcoaching" not in client.get(reverse("planning:coaching")).content.decode()


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("planning:capacity"))
    assert response.status_code == 302 and "anmelden" in response.url


LIST_PAGES = ["planning:staff_register", "planning:vacancies", "planning:capacity", "planning:capacity_csv",
              "planning:capacity_xlsx", "planning:report_list", "planning:training", "planning:coaching",
              "planning:costs"]


def _grow(district, n):
    for i in range(n):
        city = CityFactory(district=district)
        office = RegionalOfficeFactory(city=city)
        clerk = city_clerk(city)
        for _j in range(3):
            StaffMemberFactory(position=PositionFactory(office=office))
        VacancyFactory(position=PositionFactory(office=office))
        QuarterlyReport.objects.create(office=office, year=2026, quarter=2, as_of=datetime.date(2026, 6, 30),
                                       confirmed_by=clerk, rows=[])
        TrainingNeed.objects.create(office=office, topic=f"Bedarf {i}", created_by=clerk)
        ReimbursementCap.objects.create(city=city, year=2026, amount=Decimal("100000"), set_by=clerk)
    CoachingOffer.objects.create(district=district, title=f"Coaching {n}", coach="x",
                                 starts_on=datetime.date(2027, 1, 1))


@pytest.mark.parametrize("url_name", LIST_PAGES)
def test_list_page_query_count_does_not_grow_with_rows(client, coordinator, district, url_name):
    client.force_login(coordinator)
    _grow(district, 2)
    client.get(reverse(url_name))
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(url_name)).status_code == 200
    _grow(district, 6)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse(url_name)).status_code == 200
    assert len(large) <= len(small) + 1, [q["sql"][:120] for q in large.captured_queries]
    assert len(large) <= 30
