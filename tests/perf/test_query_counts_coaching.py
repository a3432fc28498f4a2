"""Issue 13 (PS-3.3): the query count of each coaching page, pinned per role, and the same after adding
offers, staff, sign-ups (also revoked ones) and coaches' evaluations: no page runs a query per row."""
from __future__ import annotations

import datetime
import os

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning import coaching
from planning.models import CoachingEvaluation, CoachingOffer, CoachingSignup
from staffing.models import Function, Organisation
from tests.factories import FunctionFactory, PositionFactory, StaffMemberFactory, city_clerk, district_user

pytestmark = pytest.mark.django_db
MEASURE = os.environ.get("MEASURE_QUERIES") == "1"  # print the counts instead of checking them
TODAY = datetime.date.today()

PINNED = {
    "planning:coaching": {"clerk": 6, "coordination": 6, "district_admin": 5},
    "planning:coaching_signups": {"clerk": 3, "coordination": 3},
    "planning:coaching_evaluations": {"coordination": 6, "district_admin": 6, "head": 6},
    "planning:coaching_participants": {"coordination": 4},
    "planning:coaching_offer_evaluations": {"coordination": 4},
    "planning:coaching_coach_form": {"anonymous": 1},  # the offer of the signed link; no session
}
CASES = [(page, role) for page, roles in PINNED.items() for role in roles]


@pytest.fixture
def world(district, witten, hattingen, witten_office, hattingen_office):
    functions = {code: FunctionFactory(code=code) for code in Function.Code.values}
    users = {"clerk": city_clerk(witten), "coordination": district_user(district, Organisation.Kind.COORDINATION),
             "district_admin": district_user(district, Organisation.Kind.DISTRICT_ADMIN),
             "head": district_user(district, Organisation.Kind.MANAGEMENT)}
    world = {"district": district, "offices": [witten_office, hattingen_office], "functions": functions,
             "users": users, "offers": [], "round": 0}
    grow(world)
    return world


def grow(world):
    """One more offer; more staff in each office, signed up (one revoked) and evaluated."""
    n = world["round"] = world["round"] + 1
    offer = CoachingOffer.objects.create(district=world["district"], title=f"Coaching {n}", coach="Extern",
                                         starts_on=TODAY, open_to_benefits=True, benefits_reason="Gründe")
    world["offers"].append(offer)
    codes = [Function.Code.PLACEMENT, Function.Code.COUNSELLING, Function.Code.BENEFITS]
    for office in world["offices"]:
        for i in range(6):
            member = StaffMemberFactory(position=PositionFactory(office=office, function=world["functions"][
                codes[i % 3]]))
            for o in world["offers"]:
                CoachingSignup.objects.create(offer=o, staff_member=member, consent_on=TODAY,
                                              recorded_by=world["users"]["clerk"],
                                              revoked_on=TODAY if i == 5 else None)
    for o in world["offers"]:
        CoachingEvaluation.objects.create(offer=o, year=2026, quarter=n % 4 + 1, participants=6, coach="Extern",
                                          themes=["belastung", "team"], text="allgemein")


def url_for(page, world):
    offer = world["offers"][0]
    if page in ("planning:coaching_participants", "planning:coaching_offer_evaluations"):
        return reverse(page, args=[offer.pk])
    if page == "planning:coaching_coach_form":
        return reverse(page, args=[offer.pk, coaching.coach_token(offer)])
    return reverse(page)


def count(world, page, role, django_assert_num_queries):
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    url = url_for(page, world)
    client.get(url)  # warm: session, language, permission caches
    if MEASURE:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        print(f"MEASURE {page} {role} {len(ctx.captured_queries)} {response.status_code}")
        return
    with django_assert_num_queries(PINNED[page][role]):
        response = client.get(url)
    assert response.status_code == 200, (page, role, response.status_code)


@pytest.mark.parametrize(("page", "role"), CASES, ids=[f"{p}-{r}" for p, r in CASES])
def test_coaching_pages_run_a_pinned_number_of_queries_whatever_the_rows(world, page, role,
                                                                        django_assert_num_queries):
    count(world, page, role, django_assert_num_queries)
    for _ in range(2):
        grow(world)
    count(world, page, role, django_assert_num_queries)


@pytest.mark.parametrize("role", ["clerk", "coordination"])
def test_coaching_page_without_offers_loads_no_staff_for_the_sign_up_form(world, role, django_assert_num_queries):
    """Issue 16: the sign-up form sits at an offer; with no offer the page does not read the staff (at
    district 1 that was ten thousand people for nothing), and adding staff does not add a query."""
    CoachingEvaluation.objects.all().delete()
    CoachingSignup.objects.all().delete()
    CoachingOffer.objects.all().delete()
    client = Client()
    client.force_login(world["users"][role])
    client.get(reverse("planning:coaching"))
    with django_assert_num_queries(3):  # session, user with organisation, the offers (none)
        response = client.get(reverse("planning:coaching"))
    assert response.status_code == 200
    assert b"Person auf eigenen Wunsch anmelden" not in response.content
    for office in world["offices"]:
        for _ in range(5):
            StaffMemberFactory(position=PositionFactory(office=office))
    with django_assert_num_queries(3):  # session, user with organisation, the offers (none)
        client.get(reverse("planning:coaching"))


def test_the_sign_up_list_names_each_current_member_with_function_read_without_the_registers_joins(world):
    """Issue 16, point 4: the sign-up form lists the scope's current staff as "Name, Vorname (Funktion)", in name
    order, from one statement that reads the people and their function only (not office, city and position)."""
    from staffing.models import StaffMember

    client = Client()
    client.force_login(world["users"]["coordination"])
    client.get(reverse("planning:coaching"))
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse("planning:coaching")).content.decode()
    staff_sql = [q["sql"] for q in ctx.captured_queries if 'FROM "staffing_staffmember"' in q["sql"]
                 and "ORDER BY" in q["sql"] and "COUNT(" not in q["sql"]]
    assert len(staff_sql) == 1
    assert "staffing_position" not in staff_sql[0] and "staffing_city" not in staff_sql[0]
    offer = world["offers"][0]
    select = html.split(f'name="o{offer.pk}-staff_member">', 1)[1].split("</select>", 1)[0]
    current = StaffMember.objects.filter(office__in=world["offices"], left_on__isnull=True).select_related(
        "function").order_by("last_name", "first_name")
    assert current.count() >= 12
    for member in current:
        assert f'<option value="{member.pk}">{member.last_name}, {member.first_name} ({member.function.name})' \
               '</option>' in select.replace("&#x27;", "'")
    assert select.count("<option") == current.count()
