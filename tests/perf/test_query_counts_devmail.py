"""Issue 14, point 5: the development mail viewer reads files, not rows: its query count (session, user, the
page frame's navigation and unread count) is pinned and does not grow with the number of kept mails."""
import pytest
from django.core.mail import EmailMessage
from django.urls import reverse

from ops import devmail

pytestmark = pytest.mark.django_db
LIST_QUERIES = 2  # session, user with the unread count (issue 16, point 3); no query per mail


def keep(n: int) -> None:
    backend = devmail.DevMailBackend()
    backend.send_messages([EmailMessage(f"Mail {i}", "Text", "a@example.org", [f"u{i}@example.org"])
                           for i in range(n)])


@pytest.mark.parametrize("rows", [1, 12])
def test_the_mail_list_runs_a_pinned_number_of_queries_whatever_the_mails(
        rows, client, settings, tmp_path, admin_user, django_assert_num_queries):
    settings.DEBUG = True
    settings.DEV_MAIL_DIR = tmp_path
    keep(rows)
    client.force_login(admin_user)
    with django_assert_num_queries(LIST_QUERIES):
        html = client.get(reverse("dev_mail_list")).content.decode()
    assert html.count(reverse("dev_mail_list")) >= 1 and html.count("Mail ") >= rows
    mail_id = devmail.mails()[0].id
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(reverse("dev_mail_detail", args=[mail_id])).status_code == 200
