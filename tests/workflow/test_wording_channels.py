"""Issue 12, point 4: the words of the agreement in every channel users read (pages, mails, ICS, PDF).

No page, mail, calendar entry or certificate says "Widerspruch" (the formal remedy of §§ 68 ff. VwGO)
or that consent "gilt als erteilt" / came "durch Fristablauf": the agreement says "Wochenfrist" and
"kann die Stellenbesetzung vollzogen werden" (PS-2.3). The texts come from one source
(`staffing.wording`); the banner of the notice page uses the right tense; closed notices show no period.
"""
import io
import re
from datetime import datetime, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from integrations import calendar
from integrations.models import CalendarFeed
from staffing import notifications, services, wording
from staffing.models import NoticeState, Notification

from .helpers import BERLIN, PERIOD_END, REMINDER_DUE, SUBMITTED_AT

pytestmark = pytest.mark.django_db

# case-insensitive: also identifiers users can see in a calendar file (the ICS UID)
FORBIDDEN = re.compile(r"Widerspruch|Zustimmung gilt als erteilt|Zustimmung durch Fristablauf|gilt die Zustimmung",
                       re.IGNORECASE)
# approved by silence first: make_notice's sweep would approve any notice informed before it
EVERY_STATE = [NoticeState.APPROVED_BY_SILENCE] + [
    s for s in NoticeState.values if s != NoticeState.APPROVED_BY_SILENCE]
CERTIFIED = (NoticeState.CLEARED, NoticeState.APPROVED_BY_SILENCE, NoticeState.AGREED, NoticeState.DECIDED,
             NoticeState.PLACED)


def assert_clean(text: str, where: str) -> None:
    found = FORBIDDEN.findall(text)
    assert not found, f"{where}: {found}"


def unfolded(ics: bytes) -> str:
    """iCalendar text with RFC 5545 line folding undone (a word may be split across lines)."""
    return ics.decode("utf-8").replace("\r\n ", "").replace("\\n", "\n").replace("\\,", ",")


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def every_state(make_notice):
    """One notice in each state (made through the services; the sweep's audit reason included)."""
    return {state: make_notice(state) for state in EVERY_STATE}


def test_no_channel_says_widerspruch_or_consent_by_silence(
        client, every_state, clerk_witten, coordinator, district_admin, head, clock, mailoutbox):
    notices = list(every_state.values())
    people = [clerk_witten, coordinator, district_admin, head]
    # a reminder, a comment (with its mails) and a withdrawn notice that had a calendar event
    clock.move_to(REMINDER_DUE, tick=False)
    informed = every_state[NoticeState.INFORMED]
    assert services.sweep_reminders() == [informed.pk]
    comment = services.notice_comment(notice_id=informed.pk, by=clerk_witten, text="Nachweise folgen.")
    checked = 0
    with translation.override("de"):
        for moment in (SUBMITTED_AT + timedelta(days=1), PERIOD_END + timedelta(days=2)):
            clock.move_to(moment, tick=False)
            for user in people:
                client.force_login(user)
                for name in ("staffing:home", "staffing:notice_list", "staffing:notification_list",
                             "integrations:home", "integrations:calendar_settings"):
                    response = client.get(reverse(name))
                    assert response.status_code == 200, name
                    assert_clean(response.content.decode(), f"{name} as {user.username}")
                    checked += 1
                if user == district_admin:
                    response = client.get(reverse("staffing:escalation_list"))
                    assert response.status_code == 200
                    assert_clean(response.content.decode(), "escalations")
                    checked += 1
                for notice in notices:
                    response = client.get(reverse("staffing:notice_detail", args=[notice.pk]))
                    if response.status_code == 404:  # not in this user's scope (a draft for the district)
                        continue
                    html = response.content.decode()
                    assert_clean(html, f"notice {notice.state} as {user.username}")
                    checked += 1
                    if notice.state in CERTIFIED:
                        pdf = client.get(reverse("integrations:notice_certificate", args=[notice.pk]))
                        assert pdf.status_code == 200
                        text = pdf_text(pdf.content)
                        assert_clean(text, f"certificate {notice.state}")
                        checked += 1
        # every notification kind of the workflow, for a notice in each state, subject and text and HTML
        for notice in notices:
            event = notice.events.order_by("-pk").first()
            for kind in Notification.Kind.values:
                subject, body = notifications._texts(notice, kind, event=event, comment=comment)
                assert_clean(subject + body, f"mail {kind} on {notice.state}")
                html = render_to_string("staffing/email/notification.html", {
                    "notification": Notification(subject=subject, body=body, notice=notice), "url": "x"})
                assert_clean(html, f"html mail {kind}")
                checked += 1
        # the labels of states and notification kinds, the stored notifications and the audit reasons
        for label in [str(label) for _value, label in NoticeState.choices + Notification.Kind.choices]:
            assert_clean(label, "label")
        for n in Notification.objects.all():
            assert_clean(n.subject + n.body, f"notification {n.kind}")
        for notice in notices:
            for e in notice.events.all():
                assert_clean(e.reason, f"audit {e.transition}")
        # the mails really sent (through the pipeline's sender, with their HTML part and ICS attachment)
        notifications.send_mails(list(Notification.objects.values_list("pk", flat=True)))
        assert mailoutbox
        for message in mailoutbox:
            assert_clean(message.subject + message.body, f"sent mail {message.subject}")
            for content, _mimetype in message.alternatives:
                assert_clean(content, "sent html")
            for part in message.attachments:
                payload = part.get_payload(decode=True) if hasattr(part, "get_payload") else part[1]
                text = payload.decode("utf-8") if isinstance(payload, bytes) else str(payload)
                assert_clean(text.replace("\r\n ", ""), "attachment")
        assert any(part for m in mailoutbox for part in m.attachments), "no ICS attachment was checked"
        # the ICS of a running period, of a withdrawn one, and the personal feed
        clock.move_to(SUBMITTED_AT + timedelta(days=1), tick=False)
        events = [calendar.deadline_event(informed), calendar.deadline_event(every_state[NoticeState.WITHDRAWN],
                                                                               cancelled=True)]
        ics = unfolded(calendar.calendar(events, method="REQUEST").to_ical())
        assert_clean(ics, "ics")
        assert "Die Wochenfrist endet am Mittwoch, 02.12.2026, 24:00 Uhr." in ics
        _feed, token = CalendarFeed.issue(coordinator)
        client.logout()
        feed = client.get(reverse("integrations:calendar_feed", args=[token]))
        assert feed.status_code == 200
        assert_clean(unfolded(feed.content), "feed")
        assert "Wochenfrist" in unfolded(feed.content)
    assert checked > 100


def test_the_words_come_from_one_source(every_state, clock):
    """The state label, the kind label, the mail, the ICS and the certificate say the same sentence."""
    silent = every_state[NoticeState.APPROVED_BY_SILENCE]
    assert str(NoticeState.APPROVED_BY_SILENCE.label) == str(wording.SILENCE_OUTCOME) == (
        "Besetzung kann vollzogen werden (keine Reaktion innerhalb der Wochenfrist)")
    assert str(Notification.Kind.APPROVED_BY_SILENCE.label) == str(wording.SILENCE_OUTCOME)
    assert str(NoticeState.ESCALATED.label) == "Eskaliert an die Kreisverwaltung"
    sentence = wording.ended_without_reaction("Mittwoch, 02.12.2026, 24:00 Uhr")
    subject, body = notifications._texts(silent, Notification.Kind.APPROVED_BY_SILENCE,
                                         event=silent.events.order_by("-pk").first())
    assert sentence in body
    assert subject.startswith(f"[JobAgentur EN] {wording.SILENCE_OUTCOME}: Mitteilung {silent.pk}")
    assert silent.events.get(transition="approve_by_silence").reason == wording.silence_audit_reason(
        "Mittwoch, 02.12.2026, 24:00 Uhr")
    informed = every_state[NoticeState.INFORMED]
    description = str(calendar.deadline_event(informed)["description"])
    assert wording.period_ends("Mittwoch, 02.12.2026, 24:00 Uhr") in description
    assert wording.if_silent() in description


def banner(client, user, notice) -> str:
    client.force_login(user)
    html = client.get(reverse("staffing:notice_detail", args=[notice.pk])).content.decode()
    match = re.search(r'id="frist">.*?<span class="kern-title">(.*?)</span>', html, re.S)
    return match.group(1) if match else ""


def test_the_banner_uses_the_right_tense_before_and_after_the_end(client, make_notice, coordinator, clock):
    silent = make_notice(NoticeState.APPROVED_BY_SILENCE)
    cleared = make_notice(NoticeState.CLEARED)
    clock.move_to(datetime(2026, 11, 27, 9, 0, tzinfo=BERLIN), tick=False)
    ahead = banner(client, coordinator, cleared)
    assert ahead.startswith("Die Wochenfrist hätte am Mittwoch, 02.12.2026, 24:00 Uhr geendet; sie ist nicht "
                            "mehr maßgeblich, weil die Koordinierungsstelle innerhalb der Frist reagiert hat")
    assert "lief bis" not in ahead and "endete" not in ahead
    clock.move_to(PERIOD_END + timedelta(days=1), tick=False)
    behind = banner(client, coordinator, cleared)
    assert behind.startswith("Die Wochenfrist endete am Mittwoch, 02.12.2026, 24:00 Uhr; sie ist nicht mehr "
                             "maßgeblich")
    assert banner(client, coordinator, silent) == (
        "Die Wochenfrist endete am Mittwoch, 02.12.2026, 24:00 Uhr (abgelaufen).")
    informed = make_notice(NoticeState.INFORMED)
    clock.move_to(datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN), tick=False)
    assert banner(client, coordinator, informed) == (
        "Die Wochenfrist endet am Mittwoch, 02.12.2026, 24:00 Uhr (noch 2 Tage).")


def test_a_closed_notice_shows_no_period_in_the_list_or_on_its_page(client, make_notice, clerk_witten, clock):
    placed = make_notice(NoticeState.PLACED)
    withdrawn = make_notice(NoticeState.WITHDRAWN)
    informed = make_notice(NoticeState.INFORMED)
    clock.move_to(datetime(2026, 11, 27, 9, 0, tzinfo=BERLIN), tick=False)
    client.force_login(clerk_witten)
    html = client.get(reverse("staffing:notice_list")).content.decode()
    rows = {pk: row for row in re.findall(r"<tr.*?</tr>", html, re.S)
            for pk in (placed.pk, withdrawn.pk, informed.pk) if f"/mitteilungen/{pk}/" in row}
    assert "02.12.2026" in rows[informed.pk]
    assert "02.12.2026" not in rows[placed.pk]
    assert "02.12.2026" not in rows[withdrawn.pk]
    for closed in (placed, withdrawn):
        assert banner(client, clerk_witten, closed) == ""
        assert 'id="frist"' not in client.get(reverse("staffing:notice_detail", args=[closed.pk])).content.decode()


def test_the_english_catalogue_speaks_of_the_one_week_period():
    with translation.override("en"):
        assert str(NoticeState.APPROVED_BY_SILENCE.label) == (
            "Placement may go ahead (no reaction within the one-week period)")
        assert str(NoticeState.ESCALATED.label) == "Escalated to the district administration"
        assert str(wording.PERIOD) == "one-week period"
        assert wording.period_ends("x") == "The one-week period ends on x."
