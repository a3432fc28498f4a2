"""Structural rules enforced by the database."""
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from staffing.models import Office

from ..factories import PositionFactory, RegionalOfficeFactory, StaffMemberFactory, VacancyFactory

pytestmark = pytest.mark.django_db


def test_a_city_has_only_one_regional_office(witten_office):
    with pytest.raises(IntegrityError), transaction.atomic():
        Office.objects.create(kind=Office.Kind.REGIONAL, city=witten_office.city,
                              district=witten_office.district, name="zweite")


@pytest.mark.parametrize("fte", [Decimal("0"), Decimal("1.5"), Decimal("-0.5")])
def test_fte_outside_0_to_1_is_refused(fte):
    with pytest.raises(IntegrityError), transaction.atomic():
        PositionFactory(fte=fte)
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffMemberFactory(fte=fte)


def test_a_position_has_at_most_one_open_vacancy():
    vacancy = VacancyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        VacancyFactory(position=vacancy.position)


def test_regional_office_needs_a_city(district):
    with pytest.raises(IntegrityError), transaction.atomic():
        RegionalOfficeFactory(city=None, district=district, name="ohne Stadt")
