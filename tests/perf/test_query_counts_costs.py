"""Issue 13, PS-6.2: the costs page (and its CSV) run a pinned number of queries whatever the number of
cities, confirmed quarterly reports and snapshot rows."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from planning.models import CostRate, QuarterlyReport, ReimbursementCap
from planning.quarters import Quarter
from staffing.models import Organisation
from tests.factories import CityFactory, DistrictFactory, RegionalOfficeFactory, city_clerk, district_user

pytestmark = pytest.mark.django_db
QUARTER = Quarter(2026, 3)
PINNED = {"planning:costs": 6, "planning:costs_csv": 6}


def add_cities(district, admin, n, rows_per_report):
    for _ in range(n):
        i = CityFactory._meta.model.objects.count()
        city = CityFactory(district=district, name=f"Stadt {i}", slug=f"stadt-{i}")
        office = RegionalOfficeFactory(city=city)
        clerk = city_clerk(city)
        rows = [{"staff_id": k, "grade": "EG 9c" if k % 3 else "A 13", "fte": "1.000", "days_in_quarter": 92}
                for k in range(rows_per_report)]
        QuarterlyReport.objects.create(office=office, year=QUARTER.year, quarter=QUARTER.quarter,
                                       as_of=QUARTER.end, confirmed_by=clerk, rows=rows,
                                       personnel_costs=Decimal("123456.78"))
        ReimbursementCap.objects.create(city=city, year=QUARTER.year, amount=Decimal("500000"), set_by=admin)
        ReimbursementCap.objects.create(city=city, year=QUARTER.year, amount=Decimal("510000"), set_by=admin,
                                        set_at=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC))


@pytest.mark.parametrize("page", list(PINNED))
def test_costs_page_runs_the_same_queries_for_2_and_12_cities(client, django_assert_num_queries, settings, page):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    CostRate.objects.update_or_create(grade="EG 9c", defaults={"annual_cost": Decimal("77500")})
    district = DistrictFactory(name="Ennepe-Ruhr-Kreis", slug="en")
    admin = district_user(district, Organisation.Kind.DISTRICT_ADMIN)
    add_cities(district, admin, 2, 3)
    client.force_login(admin)
    url = reverse(page)
    params = {"jahr": QUARTER.year, "quartal": QUARTER.quarter}
    client.get(url, params)  # warm: session, language
    with django_assert_num_queries(PINNED[page]):
        assert client.get(url, params).status_code == 200
    add_cities(district, admin, 10, 40)
    with django_assert_num_queries(PINNED[page]):
        response = client.get(url, params)
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").count("123") >= 12
