"""seed_scale (issue 7): national-scale data, idempotent, every state with its audit trail."""
from io import StringIO

import pytest
from django.core.management import call_command

from staffing.models import NoticeEvent, NoticeState, PlacementNotice, StaffMember, User
from staffing.selectors import notices_visible_to

pytestmark = pytest.mark.django_db

TABLES = [PlacementNotice, NoticeEvent, StaffMember, User]


def _counts():
    return {model.__name__: model.objects.count() for model in TABLES}


def _seed():
    call_command("seed_scale", districts=1, today="2026-11-25", stdout=StringIO())


def test_a_second_run_with_the_same_number_of_districts_changes_nothing():
    _seed()
    first = _counts()
    _seed()
    assert _counts() == first
    assert first["PlacementNotice"] == 2000 and first["StaffMember"] == 1005


def test_every_state_is_present_and_submitted_notices_have_an_audit_trail():
    _seed()
    states = set(PlacementNotice.objects.values_list("state", flat=True).distinct())
    assert states == set(NoticeState.values)
    submitted = PlacementNotice.objects.exclude(state=NoticeState.DRAFT)
    assert not submitted.filter(events__isnull=True).exists()
    assert NoticeEvent.objects.filter(to_state=NoticeState.APPROVED_BY_SILENCE, actor=None).exists()


def test_a_seeded_clerk_sees_only_their_own_city():
    _seed()
    clerk = User.objects.get(username="d001-c01-clerk1")
    cities = set(notices_visible_to(clerk).values_list("office__city_id", flat=True).distinct())
    assert cities == {clerk.organisation.city_id}
    coordinator = User.objects.get(username="d001-koordination1")
    visible = notices_visible_to(coordinator)
    assert set(visible.values_list("office__district_id", flat=True).distinct()) == {
        coordinator.organisation.district_id}
    assert visible.values("office__city_id").distinct().count() == 10
