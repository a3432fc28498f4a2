"""Positions, staff and vacancies change only through their services (staffing.records, issue 11): the
admin shows them, scoped, but nobody adds, changes or deletes them there, not even a superuser."""
from decimal import Decimal

import pytest
from django.urls import reverse

from staffing.models import Position, StaffMember, Vacancy

from ..factories import PositionFactory, StaffMemberFactory, UserFactory, VacancyFactory

pytestmark = pytest.mark.django_db
MODELS = ["position", "staffmember", "vacancy"]


@pytest.fixture
def records(witten_office):
    position = PositionFactory(office=witten_office, title="Im Admin")
    return {"position": position, "staffmember": StaffMemberFactory(position=position),
            "vacancy": VacancyFactory(position=PositionFactory(office=witten_office))}


@pytest.mark.parametrize("model", MODELS)
def test_the_admin_shows_but_does_not_write(client, records, model):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse(f"admin:staffing_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:staffing_{model}_add")).status_code == 403
    obj = records[model]
    change = client.get(reverse(f"admin:staffing_{model}_change", args=[obj.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert client.post(reverse(f"admin:staffing_{model}_change", args=[obj.pk]), {"fte": "0.5"}).status_code == 403
    assert client.post(reverse(f"admin:staffing_{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert Position.objects.get(pk=records["position"].pk).fte == Decimal("1.000")
    assert StaffMember.objects.count() == 1 and Vacancy.objects.count() == 1
