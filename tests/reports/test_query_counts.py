"""Issue 17, point 2: the statistics and the exports run a pinned number of queries, whatever the rows: counts
and sums in SQL, the durations as one value list each (bounded by the scope and the period)."""
import datetime

import pytest
from django.test import Client
from django.urls import reverse

from reports.selectors import Period, notice_audit_trail, procedure_statistics
from staffing.states import NoticeState

from .conftest import at, crafted_notice

PERIOD = Period(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
QUERY = {"von": "01.01.2026", "bis": "30.06.2026"}
SELECTOR_QUERIES = 5  # the groups, the notices by state, the week's events, the placed notices, the cuts


def more_rows(dataset, witten_office, clerk_witten, coordinator, count=12):
    S = NoticeState
    by = {"clerk": clerk_witten, "coord": coordinator, "system": None}
    for i in range(count):
        received = at("10.05.2026", 8) + datetime.timedelta(hours=i)
        crafted_notice(witten_office, received=received, state=S.PLACED, by=by,
                       placed_on=datetime.date(2026, 6, 1), steps=[
                           ("clear", S.INFORMED, S.CLEARED, received + datetime.timedelta(hours=3), "coord", ""),
                           ("place", S.CLEARED, S.PLACED, at("01.06.2026", 9), "clerk", "")])


@pytest.mark.django_db
def test_the_statistics_take_five_queries_whatever_the_rows(dataset, coordinator, witten_office, clerk_witten,
                                                            django_assert_num_queries):
    coordinator = type(coordinator).objects.select_related("organisation").get(pk=coordinator.pk)
    with django_assert_num_queries(SELECTOR_QUERIES):
        before = procedure_statistics(coordinator, PERIOD)
    more_rows(dataset, witten_office, clerk_witten, coordinator)
    with django_assert_num_queries(SELECTOR_QUERIES):
        after = procedure_statistics(coordinator, PERIOD)
    assert after.total.received == before.total.received + 12


def page_queries(user, name, django_assert_num_queries, expected, **kwargs):
    client = Client()
    client.force_login(user)
    with django_assert_num_queries(expected) as context:
        response = client.get(reverse(name, **kwargs), QUERY)
    assert response.status_code == 200
    return len(context.captured_queries)


# the session, the user, its organisation; the page: the selector's five and the page frame's own (notifications,
# navigation); the statistics exports: the selector's five, the record of the export (its insert in a savepoint);
# the period's audit trail: the count, the record, the steps (one query, streamed)
# issue 16, point 3: the user, organisation and unread count in one query, the session not written again
PINNED = {"reports:statistics": 7, "reports:statistics_csv": 8, "reports:statistics_xlsx": 8,
          "reports:audit_period_csv": 5, "reports:audit_period_pdf": 5}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(PINNED))
def test_the_pages_and_exports_run_a_pinned_number_of_queries_whatever_the_rows(
        dataset, coordinator, witten_office, clerk_witten, django_assert_num_queries, name):
    page_queries(coordinator, name, django_assert_num_queries, PINNED[name])
    more_rows(dataset, witten_office, clerk_witten, coordinator)
    page_queries(coordinator, name, django_assert_num_queries, PINNED[name])


@pytest.mark.django_db
def test_a_notices_trail_takes_three_queries(dataset, django_assert_num_queries):
    from staffing.models import PlacementNotice

    notice = PlacementNotice.objects.select_related("office__city").get(pk=dataset["n3"].pk)
    with django_assert_num_queries(3):
        entries = notice_audit_trail(notice)
    assert len(entries) == 11  # five steps, a comment, the decision, three cuts and one revocation
