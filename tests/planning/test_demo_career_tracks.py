"""PS-1.1 (issue 13) in the demo data: the district's career-track table, the tracks of the benefits staff
(most meet the standard, a few fall short) and the benefits notice DEMO-SPR-1 with one advice each way."""
import pytest
from django.core.management import call_command

from staffing.demo_careers import DEMO_REFERENCE
from staffing.grades import DEFAULT_CAREER_TRACKS
from staffing.models import District, Function, GradeCareerTrack, NoticeState, PlacementNotice, StaffMember
from staffing.qualification import check_benefits

pytestmark = pytest.mark.django_db


def test_seed_demo_shows_the_career_track_standard_and_is_idempotent():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    district = District.objects.get(slug="en-kreis")
    assert GradeCareerTrack.objects.filter(district=district).count() == len(DEFAULT_CAREER_TRACKS)
    benefits = list(StaffMember.objects.filter(function__code=Function.Code.BENEFITS, left_on__isnull=True)
                    .select_related("position", "office"))
    assert all(m.career_track for m in benefits)
    short = [m for m in benefits if not check_benefits(m)[0].met]
    assert 0 < len(short) < len(benefits) / 3, (len(short), len(benefits))
    notice = PlacementNotice.objects.get(reference=DEMO_REFERENCE)
    assert notice.state == NoticeState.INFORMED and notice.function.code == Function.Code.BENEFITS
    assert [check_benefits(c)[0].met for c in notice.candidates.order_by("pk")] == [False, True]
    assert PlacementNotice.objects.filter(reference=DEMO_REFERENCE).count() == 1
