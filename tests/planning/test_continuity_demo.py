"""PS-4.1: seed_demo gives the continuity figures something to show: leavers with reasons in each of the last
three years, vacancies refilled within 30 and 90 days and some still open, people whose function began after
their entry; seeding twice creates nothing more."""
import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from planning import continuity
from staffing.models import LeaveReason, Office, StaffMember, Vacancy

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_realistic_continuity_figures():
    call_command("seed_demo", verbosity=0)
    year = timezone.localdate().year
    offices = Office.objects.filter(kind=Office.Kind.REGIONAL, district__slug="en-kreis")  # issue 17: first district
    report = continuity.continuity_report(offices, year)
    assert len(report.rows) == 9 and report.years == [year - 2, year - 1, year]
    for y in report.years:
        total = continuity.continuity_report(offices, y, years_back=0).total
        assert total.leavers >= 5, y
        assert total.turnover_rate is not None and 0 < total.turnover_rate < 40, y
        assert total.tenure_median is not None and total.tenure_median > 1, y
    past = continuity.continuity_report(offices, year - 1, years_back=0).total
    assert 0 < past.refilled_30 < past.refilled_90 <= past.vacancies_opened
    assert len([r for r, n in report.total.leavers_by_reason.items() if n]) >= 3
    leavers = StaffMember.objects.filter(left_on__isnull=False)
    assert not leavers.filter(leave_reason="").exists()
    assert leavers.filter(leave_reason=LeaveReason.RETIREMENT).exists()
    assert StaffMember.objects.filter(function_since__gt=timezone.localdate().replace(year=2005)).exclude(
        function_since=F("joined_on")).exists()
    assert Vacancy.objects.filter(refilled_on__isnull=True).exists()


def test_seeding_twice_creates_no_more_leavers_or_vacancies():
    call_command("seed_demo", verbosity=0)
    counts = (StaffMember.objects.count(), Vacancy.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (StaffMember.objects.count(), Vacancy.objects.count()) == counts
