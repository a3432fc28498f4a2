"""PS-1.1 (issue 13): pinned query counts of the career-track page, and the staff register's career-track
check reads each district's table once per request, not once per person."""
import pytest
from django.urls import reverse

from staffing import records
from staffing.models import CareerTrack, Employment, Function, GradeCareerTrack

from ..factories import StaffMemberFactory

pytestmark = pytest.mark.django_db

CAREER_TRACK_PAGE = 4  # session, user (with organisation and unread count, issue 16), rows, changes


def _edit_rows(user, district, n):
    for row in GradeCareerTrack.objects.filter(district=district).order_by("pk")[:n]:
        records.career_track_save(by=user, row_id=row.pk, grade=row.grade, employment=row.employment, track=row.track)


def _count(client, django_assert_num_queries, url):
    with django_assert_num_queries(CAREER_TRACK_PAGE) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["coordinator", "district_admin"])
def test_career_track_page_query_count_does_not_grow_with_rows(client, request, who, district,
                                                               django_assert_num_queries):
    user = request.getfixturevalue(who)
    client.force_login(user)
    url = reverse("staffing:career_tracks")
    _edit_rows(user, district, 2)
    small = _count(client, django_assert_num_queries, url)
    _edit_rows(user, district, 20)
    records.career_track_save(by=user, grade="A 4", employment=Employment.CIVIL_SERVANT, track=CareerTrack.LG1_FIRST)
    assert _count(client, django_assert_num_queries, url) == small


def test_staff_register_reads_the_career_table_once_per_request(client, clerk_witten, witten_office,
                                                                django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def benefits_staff(n):
        for i in range(n):
            StaffMemberFactory(position__office=witten_office, position__grade="A 9",
                               position__function__code=Function.Code.BENEFITS, employment=Employment.CIVIL_SERVANT,
                               grade="A 9", career_track=CareerTrack.LG1_SECOND if i % 2 else "")

    client.force_login(clerk_witten)
    url = reverse("planning:staff_register")
    benefits_staff(2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    benefits_staff(12)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    assert sum("staffing_gradecareertrack" in q["sql"] for q in large.captured_queries) == 1
