"""seed_demo fills the planning side with plausible data, so a new user sees a living system."""
import pytest
from django.core.management import call_command

from planning.capacity import capacity_plan
from planning.coaching import coaching_report
from planning.models import (
    CoachingOffer,
    CoachingSignup,
    CostRate,
    QuarterlyReport,
    ReimbursementCap,
    TrainingNeed,
    TrainingOffer,
    TrainingParticipation,
)
from staffing.models import City, Office

pytestmark = pytest.mark.django_db


def test_seed_demo_fills_the_planning_side():
    call_command("seed_demo", verbosity=0)
    en_cities = City.objects.filter(district__slug="en-kreis")  # issue 17: the second demo district has its own
    assert ReimbursementCap.objects.filter(year=2026).count() == en_cities.count() == 9
    assert QuarterlyReport.objects.filter(year=2026, quarter=3).count() == 7  # two cities are behind
    assert TrainingNeed.objects.exclude(priority=None).count() == 3
    assert TrainingOffer.objects.count() >= 3 and TrainingParticipation.objects.count() > 10  # issue 13 adds 2
    assert CoachingOffer.objects.count() == 2 and CoachingSignup.objects.count() >= 10
    assert CostRate.objects.filter(grade="EG 9c").exists()
    plan = capacity_plan(Office.objects.filter(district__slug="en-kreis"))  # issue 17: the first demo district
    assert len(plan.offices) == 10 and plan.total.budgeted_fte > plan.total.filled_fte > 0
    assert any(not r.total.suppressed for r in coaching_report(CoachingOffer.objects.all()))
