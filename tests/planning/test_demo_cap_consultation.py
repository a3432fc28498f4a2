"""seed_demo shows PS-5.1: this year's caps come from a consultation with all cities (fixed, statements
linked), next year's are in consultation with some cities answered, one with concerns."""
import pytest
from django.core.management import call_command
from django.utils import timezone

from planning.models import CapConsultation, CapStatement, MessageKind, ReimbursementCap
from staffing.models import City, Notification

pytestmark = pytest.mark.django_db


def test_seed_demo_shows_the_consultation_of_the_cap_with_all_cities():
    call_command("seed_demo", verbosity=0)
    year = timezone.localdate().year
    fixed = CapConsultation.objects.get(year=year)
    en_cities = City.objects.filter(district__slug="en-kreis")  # issue 17: the second demo district has its own
    assert fixed.fixed_at is not None and fixed.proposals.count() == en_cities.count() == 9
    caps = ReimbursementCap.objects.filter(year=year)
    assert caps.count() == 9 and all(c.consultation_id == fixed.pk and not c.late for c in caps)
    assert CapStatement.objects.filter(proposal__consultation=fixed).count() == 9

    running = CapConsultation.objects.get(year=year + 1)
    assert running.fixed_at is None and running.period_ends_on > timezone.localdate()
    statements = CapStatement.objects.filter(proposal__consultation=running)
    assert 0 < statements.count() < 9
    assert statements.filter(verdict=CapStatement.Verdict.CONCERNS, text__contains="€").count() == 1
    assert not ReimbursementCap.objects.filter(year=year + 1).exists()  # not fixed before the cities answered
    told = Notification.objects.filter(kind=MessageKind.CAP_CONSULTATION)
    assert told.values("recipient").distinct().count() == told.count() > 0  # each clerk told once

    call_command("seed_demo", verbosity=0)  # idempotent
    assert CapConsultation.objects.count() == 2 and ReimbursementCap.objects.filter(year=year).count() == 9
    assert Notification.objects.filter(kind=MessageKind.CAP_CONSULTATION).count() == told.count()
