"""Issue 13, point 5 (PS-4.2): seed_demo shows the district's staff plan: every office's positions taken over
by the district (audited), one waiting proposal of a city, one accepted (its position in the plan) and one
rejected; seeding twice adds nothing."""
import pytest
from django.core.management import call_command

from staffing.models import Office, Position, PositionChange, PositionProposal

pytestmark = pytest.mark.django_db


def test_seed_demo_shows_the_districts_staff_plan_and_the_proposals():
    call_command("seed_demo", verbosity=0)
    for office in Office.objects.all():
        assert office.positions.filter(is_active=True).exists(), office
    unaudited = Position.objects.exclude(changes__action=PositionChange.Action.CREATED)
    assert not unaudited.exists()
    waiting = PositionProposal.objects.get(state=PositionProposal.State.WAITING)
    assert waiting.office.city.name == "Witten" and waiting.reason and waiting.position.is_active
    assert (waiting.fte, waiting.grade) != (waiting.position.fte, waiting.position.grade)
    accepted = PositionProposal.objects.get(state=PositionProposal.State.ACCEPTED)
    assert accepted.position is not None and accepted.position.is_active
    assert (accepted.position.grade, accepted.position.fte) == (accepted.grade, accepted.fte)
    assert accepted.decided_by.organisation.kind == "coordination"
    rejected = PositionProposal.objects.get(state=PositionProposal.State.REJECTED)
    assert rejected.decision_note and rejected.position.grade != rejected.grade  # nothing applied
    counts = PositionProposal.objects.count(), PositionChange.objects.count(), Position.objects.count()
    call_command("seed_demo", verbosity=0)
    assert (PositionProposal.objects.count(), PositionChange.objects.count(), Position.objects.count()) == counts
