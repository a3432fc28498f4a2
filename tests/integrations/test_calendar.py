"""Deadlines in the calendar (PS-2.3): .ics parts of the mails and the personal feed, parsed back."""
import re
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from integrations.models import CalendarFeed, hash_token
from staffing import services
from staffing.tasks import run_sweep

from ..factories import CandidateFactory, PlacementNoticeFactory, PositionFactory
from .conftest import BERLIN, berlin, submit

pytestmark = pytest.mark.django_db


def ics_parts(mail):
    parts = [p for p in mail.message().walk() if p.get_content_type() == "text/calendar"]
    return [(p.get_param("method"), p.get_filename(), Calendar.from_ical(p.get_payload(decode=True)))
            for p in parts]


def only_event(cal):
    events = cal.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def mails_to(mailoutbox, user):
    return [m for m in mailoutbox if m.to == [user.email]]


@pytest.fixture
def submitted(draft, clerk_witten, coordinator, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(draft, clerk_witten)
    return draft


def test_submission_mail_carries_the_period_end_in_berlin_time(submitted, coordinator, mailoutbox):
    [mail] = mails_to(mailoutbox, coordinator)
    [(method, filename, cal)] = ics_parts(mail)
    assert method == "REQUEST" and filename == f"frist-mitteilung-{submitted.pk}.ics"
    assert str(cal["METHOD"]) == "REQUEST"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    event = only_event(cal)
    assert event["DTEND"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("DTEND") == datetime(2026, 12, 3, 0, 0, tzinfo=BERLIN)
    assert event.decoded("DTEND").utcoffset().total_seconds() == 3600
    assert event.decoded("DTSTART") == datetime(2026, 12, 2, 23, 0, tzinfo=BERLIN)
    assert str(event["UID"]).startswith(f"wochenfrist-{submitted.pk}@")
    assert int(event["SEQUENCE"]) == 0
    assert "Mittwoch, 02.12.2026, 24:00 Uhr" in str(event["DESCRIPTION"])
    assert str(event["ATTENDEE"]) == f"mailto:{coordinator.email}"


def test_reminder_updates_the_same_event_and_withdrawal_cancels_it(
        submitted, clerk_witten, coordinator, mailoutbox, django_capture_on_commit_callbacks):
    first = only_event(ics_parts(mails_to(mailoutbox, coordinator)[0])[0][2])
    with time_machine.travel(berlin(2026, 12, 1, 0, 5), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        assert run_sweep()["reminded"] == 1
    reminder = only_event(ics_parts(mails_to(mailoutbox, coordinator)[-1])[0][2])
    assert reminder["UID"] == first["UID"]
    assert int(reminder["SEQUENCE"]) > int(first["SEQUENCE"])
    with time_machine.travel(berlin(2026, 12, 1, 9, 0), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        services.notice_withdraw(notice_id=submitted.pk, by=clerk_witten, reason="Bewerberin hat abgesagt")
    [(method, _, cal)] = ics_parts(mails_to(mailoutbox, coordinator)[-1])
    assert method == "CANCEL" and str(cal["METHOD"]) == "CANCEL"
    cancel = only_event(cal)
    assert cancel["UID"] == first["UID"]
    assert str(cancel["STATUS"]) == "CANCELLED"
    assert int(cancel["SEQUENCE"]) > int(reminder["SEQUENCE"])


def test_mails_after_the_period_carry_no_calendar_event(
        submitted, clerk_witten, mailoutbox, django_capture_on_commit_callbacks):
    with time_machine.travel(berlin(2026, 12, 3, 0, 1), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        run_sweep()
    [mail] = mails_to(mailoutbox, clerk_witten)
    assert "kann vollzogen werden" in mail.body
    assert ics_parts(mail) == []


def feed_url(client, user):
    client.force_login(user)
    response = client.post(reverse("integrations:calendar_settings"), {"aktion": "anlegen"})
    assert response.status_code == 200
    match = re.search(r'value="(http://testserver/integration/kalender/[^"]+\.ics)"', response.content.decode())
    return match.group(1).removeprefix("http://testserver")


def test_personal_feed_lists_running_periods_in_scope_only(client, submitted, clerk_witten, hattingen_office,
                                                            clerk_hattingen):
    other = PlacementNoticeFactory(position=PositionFactory(office=hattingen_office), created_by=clerk_hattingen)
    CandidateFactory(notice=other)
    submit(other, clerk_hattingen)
    url = feed_url(client, clerk_witten)
    client.logout()
    response = client.get(url)  # no session: the token is the key
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    assert str(cal["METHOD"]) == "PUBLISH"
    event = only_event(cal)
    assert str(event["UID"]).startswith(f"wochenfrist-{submitted.pk}@")
    assert event.decoded("DTEND") == datetime(2026, 12, 3, 0, 0, tzinfo=BERLIN)
    assert cal.walk("VTIMEZONE")


def test_feed_token_is_stored_hashed_and_can_be_revoked(client, submitted, clerk_witten):
    url = feed_url(client, clerk_witten)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=clerk_witten, revoked_at__isnull=True)
    assert feed.token_hash == hash_token(token) and token not in feed.token_hash
    client.post(reverse("integrations:calendar_settings"), {"aktion": "widerrufen"})
    assert client.get(url).status_code == 404


def test_a_new_address_revokes_the_old_one(client, submitted, clerk_witten):
    old = feed_url(client, clerk_witten)
    new = feed_url(client, clerk_witten)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


FEED_QUERIES = 3  # the token, its last use, the notices (with their number of audit events)


def test_the_feed_costs_the_same_queries_for_2_and_10_notices(client, clerk_witten, witten_office, coordinator,
                                                               django_assert_num_queries):
    """Issue 11: one query for the notices and their SEQUENCE (no COUNT per notice)."""
    url = feed_url(client, clerk_witten)
    client.logout()

    def add_running(count):
        for _ in range(count):
            notice = PlacementNoticeFactory(position=PositionFactory(office=witten_office), created_by=clerk_witten)
            CandidateFactory(notice=notice)
            submit(notice, clerk_witten)

    for count, added in ((2, 2), (10, 8)):
        add_running(added)
        with django_assert_num_queries(FEED_QUERIES):
            response = client.get(url)
        events = Calendar.from_ical(response.content).walk("VEVENT")
        assert len(events) == count
        assert {int(e["SEQUENCE"]) for e in events} == {0}  # one audit event each: the submission


def test_the_feed_sequence_is_the_mails_sequence(in_consultation):
    """The annotated count of the feed and the count of the mails give the same SEQUENCE."""
    from integrations.calendar import notice_sequence, with_event_count
    from staffing.models import PlacementNotice

    annotated = with_event_count(PlacementNotice.objects.filter(pk=in_consultation.pk)).get()
    assert annotated.event_count == 2  # submitted, objection raised
    assert notice_sequence(annotated) == notice_sequence(in_consultation) == 1


def test_unknown_token_is_404(client, db):
    assert client.get("/integration/kalender/nicht-vorhanden.ics").status_code == 404


def test_every_page_links_to_the_integrations_and_the_hub_renders(client, clerk_witten, witten_office):
    client.force_login(clerk_witten)
    page = client.get(reverse("integrations:home")).content.decode()
    assert 'href="/integration/"' in page
    assert "Fristen im Kalender" in page and "Daten aus Excel oder CSV einlesen" in page
