"""Issue 13, PS-5.1: the query counts of the cap consultation's pages, pinned, and the same with four times
the cities (proposals, statements) and more consultations and caps: no query per row."""
from __future__ import annotations

import datetime
import os
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planning import services
from planning.models import CapStatement
from staffing.models import Organisation
from tests.factories import (
    CityFactory,
    DistrictFactory,
    RegionalOfficeFactory,
    cap_consultation,
    city_clerk,
    district_user,
)

pytestmark = pytest.mark.django_db
MEASURE = os.environ.get("MEASURE_QUERIES") == "1"  # print the counts instead of checking them

PINNED = {
    "planning:cap_consultation_list": {"district_admin": 4, "coordination": 4},
    "planning:cap_consultation_detail": {"district_admin": 4, "coordination": 4},
    "planning:cap_statement": {"clerk": 4},
    "planning:cap_history": {"clerk": 5, "district_admin": 5},  # + the consultations and the city's statements
}
CASES = [(page, role) for page, roles in PINNED.items() for role in roles]


def add_cities(world, n):
    for _ in range(n):
        city = CityFactory(district=world["district"])
        RegionalOfficeFactory(city=city)
        world["clerks"].append(city_clerk(city))


def add_consultation(world, year):
    """A fixed consultation of `year` (every city answered, half with concerns) and an open one of year + 1."""
    admin = world["users"]["district_admin"]
    today = timezone.localdate()
    clerks = {c.organisation.city: c for c in world["clerks"]}
    statements = {city: (CapStatement.Verdict.CONCERNS if i % 2 else CapStatement.Verdict.AGREE,
                         "Zu knapp" if i % 2 else "", clerk) for i, (city, clerk) in enumerate(clerks.items())}
    fixed = cap_consultation(world["district"], by=admin, year=year, period_ends_on=today - datetime.timedelta(1),
                             statements=statements)
    services.cap_consultation_fix(consultation_id=fixed.pk, by=admin, reason="Nachtrag", today=today)
    half = dict(list(statements.items())[::2])
    return cap_consultation(world["district"], by=admin, year=year + 1,
                            period_ends_on=today + datetime.timedelta(days=20), statements=half,
                            amounts={city: Decimal("1234567") for city in clerks})


@pytest.fixture
def world(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    district = DistrictFactory()
    users = {"district_admin": district_user(district, Organisation.Kind.DISTRICT_ADMIN),
             "coordination": district_user(district, Organisation.Kind.COORDINATION)}
    world = {"district": district, "users": users, "clerks": []}
    add_cities(world, 3)
    users["clerk"] = world["clerks"][0]
    world["open"] = add_consultation(world, 2090)
    return world


def grow(world):
    """Four times the cities, and one more year of consultations and caps."""
    add_cities(world, 9)
    world["open"] = add_consultation(world, 2092)


def url_for(page, world):
    clerk_city = world["users"]["clerk"].organisation.city
    if page == "planning:cap_consultation_detail":
        return reverse(page, args=[world["open"].pk])
    if page == "planning:cap_statement":
        return reverse(page, args=[world["open"].proposals.get(city=clerk_city).pk])
    if page == "planning:cap_history":
        return reverse(page, args=[clerk_city.pk])
    return reverse(page)


def count(client, django_assert_num_queries, world, page, role):
    client.force_login(world["users"][role])
    url = url_for(page, world)
    client.get(url)  # warm
    if MEASURE:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        print(f"MEASURE {page} {role} {len(ctx.captured_queries)} {response.status_code}")
        return
    with django_assert_num_queries(PINNED[page][role]):
        response = client.get(url)
    assert response.status_code == 200, (page, role, response.status_code)


@pytest.mark.parametrize(("page", "role"), CASES, ids=[f"{p}-{r}" for p, r in CASES])
def test_cap_consultation_pages_run_a_pinned_number_of_queries_whatever_the_rows(
        client, django_assert_num_queries, world, page, role):
    count(client, django_assert_num_queries, world, page, role)
    grow(world)
    count(client, django_assert_num_queries, world, page, role)
