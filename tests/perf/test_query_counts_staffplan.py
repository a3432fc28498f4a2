"""Issue 13, PS-4.2: the query counts of the staff plan pages and the proposals pages, pinned, and the same
with more rows (offices, positions, proposals, audit rows): no query per row."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from planning import services
from staffing import records
from staffing.models import Function, Office, Organisation
from tests.factories import (
    CityFactory,
    FunctionFactory,
    PositionFactory,
    RegionalOfficeFactory,
    city_clerk,
    district_user,
)

pytestmark = pytest.mark.django_db

# page -> role -> queries
PINNED = {
    "staff_plan": {"coordination": 5},
    "staff_plan_office": {"coordination": 6, "clerk": 6},
    "position_proposals": {"coordination": 4, "clerk": 4},
    "position_proposal_detail": {"coordination": 7, "clerk": 7},
}


def build(district, size: int):
    """`size` cities, each with an office of 3*size positions, size proposals (one waiting, the rest decided)
    and their audit rows."""
    function = Function.objects.filter(code=Function.Code.PLACEMENT).first() or FunctionFactory(
        code=Function.Code.PLACEMENT)
    coordination = district_user(district, Organisation.Kind.COORDINATION, username=f"koord-{size}")
    Office.objects.get_or_create(kind=Office.Kind.COORDINATION, district=district, defaults={"name": "Koordinierung"})
    first = None
    for c in range(size):
        city = CityFactory(district=district, name=f"Stadt {size}-{c}", slug=f"s-{size}-{c}")
        office = RegionalOfficeFactory(city=city)
        clerk = city_clerk(city, username=f"clerk-{size}-{c}")
        positions = [PositionFactory(office=office, function=function, number=f"{c}-{i}") for i in range(3 * size)]
        for i in range(size):
            records.position_save(by=coordination, position_id=positions[i].pk, grade=f"EG {9 + i % 3}",
                                  reason="Stellenplan")
            proposal = services.position_propose(by=clerk, kind="change", position_id=positions[i].pk,
                                                 title="Neu", function=function, grade="EG 12",
                                                 fte=Decimal("0.5"), reason="Bedarf")
            if i:
                services.position_proposal_decide(by=coordination, proposal_id=proposal.pk, accept=i % 2 == 0,
                                                  note="Vermerk")
        if first is None:
            first = {"office": office, "clerk": clerk, "proposal": proposal}
    return coordination, first


def url_for(page, first):
    if page == "staff_plan_office":
        return reverse(f"planning:{page}", args=[first["office"].pk])
    if page == "position_proposal_detail":
        return reverse(f"planning:{page}", args=[first["proposal"].pk])
    return reverse(f"planning:{page}")


@pytest.mark.parametrize("page, role", [(p, r) for p, roles in PINNED.items() for r in roles])
def test_staff_plan_pages_run_a_pinned_number_of_queries_whatever_the_rows(client, district, page, role,
                                                                          django_assert_num_queries, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for size in (2, 5):  # two sizes, the same count
        coordination, first = build(district, size)
        client.force_login(coordination if role == "coordination" else first["clerk"])
        url = url_for(page, first)
        client.get(url)  # warm caches (session, content types)
        with django_assert_num_queries(PINNED[page][role]):
            response = client.get(url)
        assert response.status_code == 200, (page, role, size)
