"""seed_scale (issue 7, issue 16 point 5): national-scale data in the real spread of district sizes,
idempotent, every state with its audit trail."""
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from staffing.management.commands.seed_scale import (
    district_rank,
    notices_in_district,
    notices_per_city,
    planned_notices,
)
from staffing.models import District, NoticeEvent, NoticeState, PlacementNotice, StaffMember, User
from staffing.selectors import notices_visible_to

pytestmark = pytest.mark.django_db

TABLES = [PlacementNotice, NoticeEvent, StaffMember, User]


def _counts():
    return {model.__name__: model.objects.count() for model in TABLES}


def _seed(districts=1, scale=0.05):
    out = StringIO()
    call_command("seed_scale", districts=districts, today="2026-11-25", scale=scale, stdout=out)
    return out.getvalue()


def test_a_second_run_with_the_same_number_of_districts_changes_nothing():
    _seed()
    first = _counts()
    _seed()
    assert _counts() == first
    assert first["PlacementNotice"] == 2000 and first["StaffMember"] == 1005


def test_district_one_is_the_largest_and_a_few_districts_hold_twenty_thousand_notices_or_more():
    sizes = {i: notices_in_district(i) for i in range(1, 301)}
    assert sizes[1] == max(sizes.values()) >= 20_000
    large = [i for i, n in sizes.items() if n >= 20_000]
    assert 2 <= len(large) <= 5
    small = [n for n in sizes.values() if n <= 3_000]
    assert len(small) >= 200  # many small districts
    assert sorted(district_rank(i) for i in range(1, 301)) == list(range(1, 301))


def test_three_hundred_districts_hold_one_million_notices_and_the_totals_do_not_depend_on_n():
    assert abs(planned_notices(300) - 1_000_000) <= 10_000
    assert planned_notices(10) < planned_notices(100) < planned_notices(300)
    assert planned_notices(300) == planned_notices(100) + sum(notices_in_district(i) for i in range(101, 301))
    assert all(notices_per_city(i) * 10 == notices_in_district(i) for i in range(1, 301))


def test_growing_the_seed_adds_only_the_new_districts_in_their_planned_sizes():
    _seed(districts=2, scale=0.02)
    first = PlacementNotice.objects.count()
    assert first == planned_notices(2, 0.02) == 800 + 200
    output = _seed(districts=3, scale=0.02)
    assert PlacementNotice.objects.count() == planned_notices(3, 0.02)
    assert District.objects.filter(slug__startswith="bench-d").count() == 3
    assert "1/1" in output and "Mitteilungen" in output  # progress: districts done/total and notices
    assert PlacementNotice.objects.filter(office__district__slug="bench-d001").count() == 800


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


def test_planning_adds_training_rows_per_district_through_the_hook():
    """Issue 16: the core seeds no other app's tables; planning's receiver of `scale_district_seeding` adds the
    district's training needs, offers and participations of the district's own staff."""
    from planning.models import TrainingNeed, TrainingOffer, TrainingParticipation
    _seed(districts=2)
    for district in District.objects.filter(slug__startswith="bench-d"):
        offers = TrainingOffer.objects.filter(district=district)
        assert offers.count() == 6
        assert TrainingNeed.objects.filter(office__district=district).count() >= 20  # 2-3 per city
        taking_part = TrainingParticipation.objects.filter(offer__district=district)
        assert 0 < taking_part.count() < 200  # the training page lists the first 200
        assert not taking_part.exclude(staff_member__office__district=district).exists()


def test_planning_adds_coaching_sign_ups_and_the_costs_pages_reports_and_caps_per_district():
    """Issue 16: the bench's coaching and costs pages compare real rows: per district three coaching offers with
    sign-ups of its regional offices' staff (some not counted: no consent or revoked; some offices below the
    small-group rule), and for the costs page's default quarter confirmed reports of most cities and their caps."""
    from planning.models import CoachingOffer, CoachingSignup, QuarterlyReport, ReimbursementCap
    from planning.quarters import Quarter
    from staffing.models import Office

    _seed(districts=2)
    quarter = Quarter.last_ended_before(date(2026, 11, 25))
    for district in District.objects.filter(slug__startswith="bench-d"):
        assert CoachingOffer.objects.filter(district=district).count() == 3
        signups = CoachingSignup.objects.filter(offer__district=district)
        counted = signups.counted()
        assert 0 < counted.count() < signups.count()  # some without consent or revoked
        assert not signups.exclude(staff_member__office__district=district,
                                   staff_member__office__kind=Office.Kind.REGIONAL).exists()
        per_office = counted.values("offer_id", "staff_member__office_id").annotate(n=Count("pk"))
        assert any(0 < row["n"] < 5 for row in per_office)  # cells the small-group rule hides
        reports = QuarterlyReport.objects.filter(office__district=district, year=quarter.year,
                                                 quarter=quarter.quarter)
        assert 8 <= reports.count() <= 9
        assert all(r.rows and r.office.kind == Office.Kind.REGIONAL for r in reports)
        assert reports.exclude(personnel_costs=None).exists()
        assert ReimbursementCap.objects.filter(city__district=district, year=quarter.year).count() == 10
