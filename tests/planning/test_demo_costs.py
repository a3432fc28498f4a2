"""Issue 13, PS-6.2: seed_demo shows the cost comparison with realistic figures: confirmed reports with
actual personnel costs, one city whose claim lies beyond the tolerance, two cities without a report."""
import pytest
from django.core.management import call_command

from planning.costs import cost_comparison
from planning.models import QuarterlyReport
from planning.quarters import Quarter
from staffing.models import City

pytestmark = pytest.mark.django_db


def test_seed_demo_shows_claims_estimates_and_one_deviation(settings):
    settings.COST_DEVIATION_TOLERANCE = 5
    call_command("seed_demo", verbosity=0)
    assert QuarterlyReport.objects.filter(personnel_costs__isnull=False).count() >= 20
    assert QuarterlyReport.objects.filter(personnel_costs__isnull=True).count() == 1  # an older report
    en_cities = City.objects.filter(district__slug="en-kreis").order_by("name")  # issue 17: the first district
    rows = {r.city.name: r for r in cost_comparison(en_cities, Quarter(2026, 3))}
    assert [name for name, r in rows.items() if r.beyond_tolerance] == ["Schwelm"]
    assert {name for name, r in rows.items() if not r.has_report} == {"Herdecke", "Sprockhövel"}
    for name, r in rows.items():
        if r.has_report:
            assert r.cap is not None and not r.estimate.missing_rates, name
            assert 50_000 < r.estimate.amount < 1_500_000 and r.reimbursable == min(r.claim, r.cap_quarter), name
    # seeding twice creates no second report
    before = QuarterlyReport.objects.count()
    call_command("seed_demo", verbosity=0)
    assert QuarterlyReport.objects.count() == before


def test_seed_demo_restores_the_cost_table_of_a_flushed_database():
    from planning.models import CostRate

    CostRate.objects.all().delete()
    call_command("seed_demo", verbosity=0)
    assert CostRate.objects.filter(grade="EG 9c").exists()
    rows = cost_comparison(City.objects.filter(name="Witten"), Quarter(2026, 3))
    assert rows[0].estimate.amount > 0 and not rows[0].estimate.missing_rates
