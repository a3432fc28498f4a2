"""Issue 15, point 1: the seven server errors an outside test found, one regression test each. A refused
input answers 400/404 or the form with a German message, and nothing is committed when the answer is an
error; a bad `next` falls back to the page the step belongs to (the step itself succeeded)."""
import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from integrations.models import Substitution
from planning.models import QuarterlyReport
from staffing import services
from staffing.models import (
    NoticeEvent,
    NoticeState,
    Notification,
    StaffMember,
    Vacancy,
)
from tests.factories import CandidateFactory, PlacementNoticeFactory, PositionFactory, StaffMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _text(response) -> str:
    return response.content.decode(errors="replace")


# --- 1. /integration/vertretung/ "beenden" with a malformed id ------------------------------------

@pytest.mark.parametrize("bad_id", ["abc", "", "-1", "2147483648", "9223372036854775808", "1.5"])
def test_ending_a_substitution_with_a_malformed_id_answers_404_and_ends_nothing(clerk_witten, witten, bad_id):
    colleague = UserFactory(organisation=clerk_witten.organisation)
    today = timezone.localdate()
    substitution = Substitution.objects.create(absent=clerk_witten, substitute=colleague, starts_on=today,
                                               ends_on=today + datetime.timedelta(days=3))
    response = _client(clerk_witten).post(reverse("integrations:substitutes"), {"aktion": "beenden", "id": bad_id})
    assert response.status_code == 404
    substitution.refresh_from_db()
    assert substitution.cancelled_at is None


# --- 2. next=abc on marking a notification read and on a workflow step ----------------------------

def test_marking_a_notification_read_with_a_bad_next_goes_to_the_notification_list(clerk_witten):
    notification = Notification.objects.create(recipient=clerk_witten, kind="submitted", subject="s", body="b",
                                               url="/")
    response = _client(clerk_witten).post(reverse("staffing:notification_read", args=[notification.pk]),
                                          {"next": "abc"})
    assert response.status_code == 302
    assert response["Location"] == reverse("staffing:notification_list")
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize("bad_next", ["abc", "//evil.example/", "https://evil.example/", "javascript:alert(1)",
                                      "/gibt-es-nicht/", "/a\x00b"])
def test_a_workflow_step_with_a_bad_next_succeeds_and_goes_to_the_notice(witten_office, clerk_witten, coordinator,
                                                                         bad_next):
    notice = PlacementNoticeFactory(position=PositionFactory(office=witten_office), head_involved=False)
    CandidateFactory(notice=notice)
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    events = NoticeEvent.objects.count()
    response = _client(coordinator).post(
        reverse("staffing:notice_action", args=[notice.pk, "clear"]),
        {"clear-seen_state": "informed", "clear-confirm": "on", "next": bad_next})
    notice.refresh_from_db()
    if "\x00" in bad_next:  # refused before the view (issue 15: NUL bytes answer 400), nothing committed
        assert response.status_code == 400
        assert notice.state == NoticeState.INFORMED
        assert NoticeEvent.objects.count() == events
        return
    assert response.status_code == 302
    assert response["Location"] == reverse("staffing:notice_detail", args=[notice.pk])
    assert notice.state == NoticeState.CLEARED  # the step succeeded, and the answer says so
    assert NoticeEvent.objects.count() == events + 1


# --- 3. the quarterly report's hidden year ----------------------------------------------------------

@pytest.mark.parametrize("year", ["0", "-1", "32768", "2147483648", "9223372036854775808"])
def test_confirming_a_quarterly_report_for_an_impossible_year_is_refused_in_german(witten_office, clerk_witten,
                                                                                    year):
    response = _client(clerk_witten).post(reverse("planning:report_confirm"), {"year": year, "quarter": "1"},
                                          follow=True)
    assert response.status_code == 200
    assert "Die Meldung konnte nicht bestätigt werden." in _text(response)
    assert not QuarterlyReport.objects.exists()


# --- 4. ?stichtag= at the edge of the calendar ------------------------------------------------------

@pytest.mark.parametrize("day", ["0001-01-01", "01.01.0001", "9999-12-31", "31.12.9999"])
def test_the_report_list_on_a_day_at_the_edge_of_the_calendar_says_so_in_german(witten_office, coordinator, day):
    response = _client(coordinator).get(reverse("planning:report_list"), {"stichtag": day})
    assert response.status_code == 400
    assert "Bitte geben Sie ein Datum zwischen dem 01.01.1900 und dem 31.12.2199 ein." in _text(response)


# --- 5. leaving on the last day of the calendar -----------------------------------------------------

@pytest.mark.parametrize("day", ["9999-12-31", "31.12.9999", "0001-01-01"])
def test_a_leaving_date_at_the_edge_of_the_calendar_shows_the_form_with_a_german_message(witten_office,
                                                                                         clerk_witten, day):
    member = StaffMemberFactory(position=PositionFactory(office=witten_office))
    response = _client(clerk_witten).post(reverse("planning:staff_leave", args=[member.pk]),
                                          {"left_on": day, "leave_reason": "retirement"})
    assert response.status_code == 200
    assert "Bitte geben Sie ein Datum zwischen dem 01.01.1900 und dem 31.12.2199 ein." in _text(response)
    assert StaffMember.objects.get(pk=member.pk).left_on is None
    assert not Vacancy.objects.filter(position=member.position).exists()


# --- 6. NUL bytes ----------------------------------------------------------------------------------

def test_a_nul_byte_in_the_art15_name_is_refused_with_400_in_german(coordinator):
    response = _client(coordinator).get(reverse("privacy_export"), {"name": "a\x00b"})
    assert response.status_code == 400
    assert "Die Anfrage enthält ungültige Zeichen" in _text(response)


@pytest.mark.parametrize("where", ["key", "value"])
def test_a_nul_byte_in_any_post_is_refused_with_400_and_saves_nothing(clerk_witten, where):
    data = {"a\x00b": "x"} if where == "key" else {"email_kinds": "a\x00b"}
    response = _client(clerk_witten).post(reverse("staffing:user_settings"), data)
    assert response.status_code == 400
    assert "Die Anfrage enthält ungültige Zeichen" in _text(response)
    clerk_witten.refresh_from_db()
    assert not clerk_witten.muted_email_kinds


# --- 7. a user name longer than the throttling table takes ------------------------------------------

@pytest.mark.parametrize("length", [151, 256, 10_000])
def test_a_login_with_a_very_long_user_name_fails_in_german_without_a_server_error(settings, length):
    from axes.models import AccessAttempt

    response = _client().post(reverse("login"), {"username": "x" * length, "password": "geheim"})
    assert response.status_code == 200
    assert "Die Anmeldung ist fehlgeschlagen." in _text(response)
    assert all(len(a.username or "") <= 255 for a in AccessAttempt.objects.all())
