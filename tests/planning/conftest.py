"""Fixtures of the planning tests: a regional office with a known staff plan."""
from datetime import date
from decimal import Decimal

import pytest

from staffing.models import Employment, Function, Office, Qualification

from ..factories import FunctionFactory, PositionFactory, StaffMemberFactory, VacancyFactory


@pytest.fixture
def functions(db):
    return {code: FunctionFactory(code=code) for code in Function.Code.values}


@pytest.fixture
def coordination_office(district):
    return Office.objects.create(kind=Office.Kind.COORDINATION, district=district, name="Koordinierungsstelle")


@pytest.fixture
def witten_plan(witten_office, functions):
    """Witten: 3 placement positions EG 9c (1.0, 1.0, 0.5), 2 benefits A 9 (1.0 each).
    Filled: placement 1.0 + 0.5 (one vacancy), benefits 1.0 + 0.75 (part-time)."""
    p = functions[Function.Code.PLACEMENT]
    b = functions[Function.Code.BENEFITS]
    pl1 = PositionFactory(office=witten_office, function=p, grade="EG 9c", fte=Decimal("1"), number="WIT-1")
    pl2 = PositionFactory(office=witten_office, function=p, grade="EG 9c", fte=Decimal("1"), number="WIT-2")
    pl3 = PositionFactory(office=witten_office, function=p, grade="EG 9c", fte=Decimal("0.5"), number="WIT-3")
    be1 = PositionFactory(office=witten_office, function=b, grade="A 9", fte=Decimal("1"), number="WIT-4")
    be2 = PositionFactory(office=witten_office, function=b, grade="A 9", fte=Decimal("1"), number="WIT-5")
    staff = [
        StaffMemberFactory(position=pl1, grade="EG 9c", fte=Decimal("1"), last_name="Adler",
                           qualification=Qualification.DEGREE, joined_on=date(2020, 1, 1)),
        StaffMemberFactory(position=pl3, grade="EG 9c", fte=Decimal("0.5"), last_name="Berg",
                           qualification=Qualification.EQUIVALENT, joined_on=date(2021, 1, 1)),
        StaffMemberFactory(position=be1, grade="A 9", fte=Decimal("1"), last_name="Conrad",
                           employment=Employment.CIVIL_SERVANT, qualification=Qualification.CAREER_TRAINING,
                           joined_on=date(2015, 1, 1)),
        StaffMemberFactory(position=be2, grade="A 9", fte=Decimal("0.75"), last_name="Dietz",
                           employment=Employment.CIVIL_SERVANT, qualification=Qualification.CAREER_TRAINING,
                           joined_on=date(2018, 1, 1)),
    ]
    vacancy = VacancyFactory(position=pl2, vacated_on=date(2026, 6, 1), reason="Ruhestand")
    return {"office": witten_office, "positions": [pl1, pl2, pl3, be1, be2], "staff": staff, "vacancy": vacancy}
