"""Issue 14, point 4: the inbox names each notification's notice ("Mitteilung 10, Witten, Arbeitsvermittler/in"),
also for older notifications that carry only a link to a notice page, without a query per row."""
import pytest
from django.urls import reverse

from staffing.models import Notification
from staffing.states import NotificationKind
from tests.factories import PlacementNoticeFactory, PositionFactory

pytestmark = pytest.mark.django_db

# the inbox of issue 11 (9 queries) + one for all notices named from links; issue 16, point 3: the pager's total
# counted in the page's own statement (one fewer)
INBOX_QUERIES = 4


def fill(office, user, n: int):
    for i in range(n):
        about = PlacementNoticeFactory(position=PositionFactory(office=office, title=f"Arbeitsvermittler/in {i}"))
        linked = PlacementNoticeFactory(position=PositionFactory(office=office, title=f"Fallmanager/in {i}"))
        Notification.objects.create(recipient=user, notice=about, kind=NotificationKind.COMMENT, subject="s",
                                    body="b")
        Notification.objects.create(recipient=user, kind=NotificationKind.COMMENT, subject="alt", body="b",
                                    url=reverse("staffing:notice_detail", args=[linked.pk]))


@pytest.mark.parametrize("rows", [2, 10])
def test_inbox_names_notices_in_a_fixed_number_of_queries(client, witten_office, clerk_witten, rows,
                                                           django_assert_num_queries):
    fill(witten_office, clerk_witten, rows)
    client.force_login(clerk_witten)
    with django_assert_num_queries(INBOX_QUERIES):
        response = client.get(reverse("staffing:notification_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(", Witten, Arbeitsvermittler/in ") == rows
    assert html.count(", Witten, Fallmanager/in ") == rows
