"""Issue 16, point 3: a page view writes the session (the idle timer) at most once a minute, and the session
still ends 30 minutes (to the minute) after the last request."""
import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


def session_writes(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return sum(q["sql"].lstrip().upper().startswith(("UPDATE \"DJANGO_SESSION\"", "INSERT INTO \"DJANGO_SESSION\""))
               for q in ctx.captured_queries)


def test_a_second_page_within_a_minute_does_not_write_the_session_one_after_the_minute_does(client, clerk_witten):
    url = reverse("staffing:home")
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(clerk_witten)
        assert session_writes(client, url) == 0  # the login stamped the session
        clock.move_to(START + datetime.timedelta(seconds=59))
        assert session_writes(client, url) == 0
        clock.move_to(START + datetime.timedelta(seconds=60))
        assert session_writes(client, url) == 1  # the idle timer is renewed
        expires = Session.objects.get().expire_date
        assert expires == START + datetime.timedelta(seconds=60 + settings.SESSION_COOKIE_AGE)
        clock.move_to(START + datetime.timedelta(seconds=90))
        assert session_writes(client, url) == 0
        assert Session.objects.get().expire_date == expires


def test_the_session_ends_between_29_and_30_minutes_after_the_last_request(client, clerk_witten):
    url = reverse("staffing:notice_list")
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(clerk_witten)
        clock.move_to(START + datetime.timedelta(minutes=1))
        assert client.get(url).status_code == 200  # renews: ends 09:31
        clock.move_to(START + datetime.timedelta(minutes=1, seconds=59))
        assert client.get(url).status_code == 200  # last request, within the minute: not written
        clock.move_to(START + datetime.timedelta(minutes=30, seconds=59))
        assert client.get(url).status_code == 200  # 29 minutes after the last request: signed in, renewed
        clock.move_to(START + datetime.timedelta(minutes=60, seconds=59))  # 30 minutes after the last request
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_page_that_changes_the_session_saves_it_at_once(client, clerk_witten):
    with time_machine.travel(START, tick=False):
        client.force_login(clerk_witten)
        with CaptureQueriesContext(connection) as ctx:
            client.post(reverse("logout"))
    assert any("django_session" in q["sql"] and q["sql"].lstrip().upper().startswith("DELETE")
               for q in ctx.captured_queries)
    assert not Session.objects.exists()
