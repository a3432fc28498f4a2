"""Issue 11, point 8: the query count of each role's main pages, pinned, and the same with ten times the
rows (more cities, offices, positions, staff, vacancies, notices with candidates, events and comments,
coaching sign-ups, caps).

A change that adds a query to a page changes its pin here on purpose; a change that makes a page run a
query per row fails `test_main_pages_run_a_pinned_number_of_queries_whatever_the_rows`.
"""
from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from integrations.models import CalendarFeed
from planning.models import CoachingOffer, CoachingSignup, ReimbursementCap
from staffing import services
from staffing.models import Function, Office, Organisation
from tests.factories import (
    CandidateFactory,
    CityFactory,
    DistrictFactory,
    FunctionFactory,
    PositionFactory,
    RegionalOfficeFactory,
    StaffMemberFactory,
    UserFactory,
    VacancyFactory,
    city_clerk,
    district_user,
)

pytestmark = pytest.mark.django_db
MEASURE = os.environ.get("MEASURE_QUERIES") == "1"  # print the counts instead of checking them

# (url name, args kind) -> role -> queries. Roles: clerk (Witten), coordination, district_admin, head,
# superuser (the admin changelists).
PINNED = {
    # issue 13: + offices, staff and vacancies of the continuity panel (PS-4.1) for the district's start page
    # issue 17: + the district's rule set (vacancy flag days) on the start page, the vacancy list and the register
    # issue 16, point 1: the panel's SQL aggregates: staff, the middle tenures (median), vacancies (+1)
    # issue 16, point 3: the panel's three aggregates sent as one statement (UNION ALL, -2)
    "staffing:home": {"clerk": 6, "coordination": 8, "district_admin": 8, "head": 6},
    "staffing:notice_list": {"clerk": 6, "coordination": 6, "district_admin": 6, "head": 6},
    # issue 12: + the notice's goals (PS-2.1) and its cuts of the administrative-cost reimbursement (PS-2.5);
    # issue 16, point 4: an empty relation, the certificate's outcome, the district's minimum months and the
    # candidates of the access log cost no query of their own
    "staffing:notice_detail": {"clerk": 7, "coordination": 7, "district_admin": 7, "head": 7},
    "staffing:escalation_list": {"coordination": 4, "district_admin": 4},  # issue 16: + the pager's COUNT
    # issue 16, point 3: the pager's total counted in the page's own statement (COUNT(*) OVER ()): one fewer
    "staffing:notification_list": {"clerk": 3, "coordination": 3},
    "planning:capacity": {"clerk": 10, "coordination": 10},  # issue 13: + staff and vacancies (PS-4.1)
    "planning:coaching": {"clerk": 6, "coordination": 6},
    "planning:costs": {"clerk": 6, "district_admin": 6},  # issue 12: the cuts left for their own ledger
    "planning:staff_register": {"clerk": 8, "coordination": 8},  # issue 17: PS-1.2 months, once per district
    "planning:vacancies": {"clerk": 6, "coordination": 6},
    "integrations:calendar_feed": {"coordination": 5},
    "admin:staffing_placementnotice_changelist": {"superuser": 5},  # issue 16: one COUNT, not two
    "admin:staffing_position_changelist": {"superuser": 7},
    "admin:staffing_staffmember_changelist": {"superuser": 7},
}
CASES = [(page, role) for page, roles in PINNED.items() for role in roles]


@pytest.fixture
def world(db, settings, django_capture_on_commit_callbacks):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    district = DistrictFactory(name="Ennepe-Ruhr-Kreis", slug="en")
    Office.objects.create(kind=Office.Kind.COORDINATION, district=district, name="Koordinierungsstelle")
    functions = {code: FunctionFactory(code=code, name=str(code.label), is_leadership=code in (
        Function.Code.TEAM_LEAD, Function.Code.OFFICE_HEAD), requires_notice=code != Function.Code.BENEFITS)
        for code in Function.Code}
    witten = CityFactory(district=district, name="Witten", slug="witten")
    users = {
        "clerk": city_clerk(witten),
        "coordination": district_user(district, Organisation.Kind.COORDINATION),
        "district_admin": district_user(district, Organisation.Kind.DISTRICT_ADMIN),
        "head": district_user(district, Organisation.Kind.MANAGEMENT),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }
    world = {"district": district, "functions": functions, "users": users, "cities": [witten], "notices": []}
    with django_capture_on_commit_callbacks(execute=True):  # the notifications of each step, as the worker does
        add_city(world, witten)
    return world


def add_city(world, city=None):
    """One more city with its office, positions, staff, vacancies, notices in several states, a cap."""
    district, users, functions = world["district"], world["users"], world["functions"]
    if city is None:
        n = len(world["cities"])
        city = CityFactory(district=district, name=f"Stadt {n}", slug=f"stadt-{n}")
        world["cities"].append(city)
    office = RegionalOfficeFactory(city=city)
    clerk = users["clerk"] if city.name == "Witten" else city_clerk(city)
    for i, code in enumerate([Function.Code.PLACEMENT, Function.Code.COUNSELLING, Function.Code.TEAM_LEAD,
                              Function.Code.BENEFITS]):
        position = PositionFactory(office=office, function=functions[code], number=f"P-{i}")
        if code == Function.Code.BENEFITS:
            VacancyFactory(position=position, vacated_on=date(2026, 1, 5))
        else:
            StaffMemberFactory(office=office, position=position, function=functions[code])
    coordination, admin = users["coordination"], users["district_admin"]
    for i, steps in enumerate([[], ["objection"], ["objection", "escalate"], ["clear"]]):
        position = PositionFactory(office=office, function=functions[Function.Code.TEAM_LEAD], number=f"N-{i}")
        notice = services.notice_create(by=clerk, position=position, function=position.function,
                                        planned_start=date.today() + timedelta(days=60), reason="Nachbesetzung",
                                        head_involved=True, goals_statement="Sichert die Vermittlung in Arbeit.")
        for _ in range(2):
            CandidateFactory(notice=notice)
        services.notice_submit(notice_id=notice.pk, by=clerk, received_at=timezone.now() - timedelta(days=1))
        for step in steps:
            if step == "objection":
                services.notice_raise_objection(notice_id=notice.pk, by=coordination, kind="concerns",
                                                reason="Bitte Nachweise ergänzen.")
            elif step == "escalate":
                services.notice_escalate(notice_id=notice.pk, by=admin, reason="Keine Einigung.")
            elif step == "clear":
                services.notice_clear(notice_id=notice.pk, by=coordination)
        services.notice_comment(notice_id=notice.pk, by=coordination, text="Bitte Zeugnis nachreichen.")
        world["notices"].append(notice)
    ReimbursementCap.objects.create(city=city, year=timezone.localdate().year, amount=Decimal("1000000"),
                                    set_by=admin)
    offer = CoachingOffer.objects.filter(district=district).first() or CoachingOffer.objects.create(
        district=district, title="Coaching", coach="Extern", starts_on=date(2027, 1, 10))
    for member in office.staff.filter(function__code__in=[Function.Code.PLACEMENT, Function.Code.COUNSELLING]):
        CoachingSignup.objects.create(offer=offer, staff_member=member)
    return city


def url_for(page, world, role):
    if page == "staffing:notice_detail":
        return reverse(page, args=[world["notices"][1].pk])  # in consultation, in Witten, head involved
    if page == "integrations:calendar_feed":
        if "token" not in world:
            world["token"] = CalendarFeed.issue(world["users"][role])[1]
        return reverse(page, args=[world["token"]])
    return reverse(page)


def count(client, django_assert_num_queries, world, page, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    url = url_for(page, world, role)
    client.get(url)  # warm: session, language, permission caches as after the first page of a visit
    if MEASURE:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        print(f"MEASURE {page} {role} {len(ctx.captured_queries)} {response.status_code}")
        return ctx
    with django_assert_num_queries(PINNED[page][role]) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (page, role, response.status_code)
    return ctx


@pytest.mark.parametrize(("page", "role"), CASES, ids=[f"{p}-{r}" for p, r in CASES])
def test_main_pages_run_a_pinned_number_of_queries_whatever_the_rows(client, django_assert_num_queries, world,
                                                                      page, role, django_capture_on_commit_callbacks):
    count(client, django_assert_num_queries, world, page, role)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            add_city(world)
    count(client, django_assert_num_queries, world, page, role)
