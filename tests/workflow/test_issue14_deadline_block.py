"""Issue 14, point 4: the notice page explains the Wochenfrist in one short block (receipt, § 187 Abs. 1 BGB,
end, a move by § 193 BGB with its reason, what happens at the end: PS-2.3 in the agreement's words), from
the same function as the PDF and the mails; notifications name the notice and link to it.

Dates are relative: the next Good Friday (NRW) and the next suitable Saturday after today."""
from datetime import date, datetime, time, timedelta

import holidays
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

from staffing import notifications, services, wording
from staffing.models import Notification, PlacementNotice
from staffing.states import NotificationKind

from .helpers import BERLIN, complete_draft

pytestmark = pytest.mark.django_db


def day(d: date) -> str:
    with override("de"):
        return date_format(d, "l, d.m.Y")


def next_good_friday() -> date:
    today = timezone.localdate()
    for year in (today.year, today.year + 1, today.year + 2):
        calendar = holidays.country_holidays("DE", subdiv="NW", years=[year], language="de")
        friday = next(d for d, name in calendar.items() if name == "Karfreitag")
        if friday - timedelta(days=14) > today:
            return friday
    raise AssertionError("no Good Friday ahead")


def next_plain_saturday() -> date:
    """A Saturday at least a week ahead whose Saturday a week later is followed by a working Monday."""
    calendar = holidays.country_holidays("DE", subdiv="NW", years=range(date.today().year, date.today().year + 3))
    d = timezone.localdate() + timedelta(days=7)
    while d.weekday() != 5 or (d + timedelta(days=9)) in calendar or (d + timedelta(days=7)) in calendar:
        d += timedelta(days=1)
    return d


def submitted_on(received: date, office, clerk, time_machine, capture) -> PlacementNotice:
    """A complete draft (created today) submitted on `received` at 10:15 Berlin, its notifications delivered."""
    notice = complete_draft(office, clerk)
    PlacementNotice.objects.filter(pk=notice.pk).update(planned_start=received + timedelta(days=60))
    time_machine.move_to(datetime.combine(received, time(10, 15), tzinfo=BERLIN), tick=False)
    with capture(execute=True):
        services.notice_submit(notice_id=notice.pk, by=clerk)
    notice.refresh_from_db()
    return notice


@pytest.fixture
def submit_on(witten_office, clerk_witten, time_machine, django_capture_on_commit_callbacks):
    return lambda received: submitted_on(received, witten_office, clerk_witten, time_machine,
                                         django_capture_on_commit_callbacks)


def block(client, user, notice) -> str:
    client.force_login(user)
    response = client.get(reverse("staffing:notice_detail", args=[notice.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Widerspruch" not in html
    start = html.index('id="frist-erklaerung"')
    return html[start:html.index("</div>", start)]


def test_receipt_on_a_saturday_moves_the_end_past_the_weekend(client, witten_office, clerk_witten, coordinator,
                                                              submit_on):
    saturday = next_plain_saturday()
    notice = submit_on(saturday)
    text = block(client, coordinator, notice)
    assert (f"Eingegangen am {day(saturday)}, 10:15 Uhr; der Tag des Eingangs zählt nicht mit "
            "(§ 187 Abs. 1 BGB).") in text
    assert f"Ende der Wochenfrist: {day(saturday + timedelta(days=9))}, 24:00 Uhr." in text
    assert (f"Verschoben vom {day(saturday + timedelta(days=7))}, wegen Wochenende (Samstag, Sonntag) "
            "(§ 193 BGB).") in text
    assert "kann die Stellenbesetzung vollzogen werden (PS-2.3)" in text


def test_receipt_a_week_before_good_friday_moves_the_end_past_easter(client, witten_office, clerk_witten,
                                                                     coordinator, submit_on):
    good_friday = next_good_friday()
    notice = submit_on(good_friday - timedelta(days=7))
    text = block(client, coordinator, notice)
    tuesday = good_friday + timedelta(days=4)
    assert notice.period_last_day == tuesday
    assert f"Ende der Wochenfrist: {day(tuesday)}, 24:00 Uhr." in text
    assert (f"Verschoben vom {day(good_friday)}, wegen Feiertagen Karfreitag, Ostermontag und Wochenende "
            "(Samstag, Sonntag) (§ 193 BGB).") in text


def test_receipt_on_the_thursday_before_good_friday_is_not_moved(client, witten_office, clerk_witten, coordinator,
                                                                 submit_on):
    """Holidays inside the week do not lengthen it; only an end on a non-working day moves (§ 193 BGB)."""
    thursday = next_good_friday() - timedelta(days=1)
    notice = submit_on(thursday)
    text = block(client, clerk_witten, notice)
    assert f"Eingegangen am {day(thursday)}, 10:15 Uhr" in text
    assert f"Ende der Wochenfrist: {day(thursday + timedelta(days=7))}, 24:00 Uhr." in text
    assert "Verschoben" not in text
    assert wording.if_silent() in text


def test_the_mail_of_a_submission_carries_the_same_explanation(witten_office, clerk_witten, coordinator,
                                                               submit_on):
    good_friday = next_good_friday()
    notice = submit_on(good_friday - timedelta(days=7))
    explained = wording.period_explanation(notice)
    submitted = Notification.objects.get(notice=notice, recipient=coordinator, kind=NotificationKind.SUBMITTED)
    for sentence in explained.sentences():
        assert sentence in submitted.body
    assert "Widerspruch" not in submitted.body
    assert any("Verschoben vom" in m.body for m in mail.outbox)


# --- notifications name the notice ------------------------------------------------------------

def inbox(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("staffing:notification_list"))
    assert response.status_code == 200
    return response.content.decode()


def test_inbox_names_the_notice_and_links_to_it(client, witten_office, clerk_witten, coordinator, submit_on):
    notice = submit_on(next_plain_saturday())
    html = inbox(client, coordinator)
    url = reverse("staffing:notice_detail", args=[notice.pk])
    assert f'href="{url}">Mitteilung {notice.pk}, Witten, Arbeitsvermittler/in</a>' in html


def test_an_old_notification_with_only_a_link_is_named_from_it(client, witten_office, clerk_witten, coordinator,
                                                               submit_on):
    notice = submit_on(next_plain_saturday())
    url = reverse("staffing:notice_detail", args=[notice.pk])
    Notification.objects.all().delete()
    Notification.objects.create(recipient=coordinator, kind=NotificationKind.COMMENT, subject="Alte Nachricht",
                                body="b", url=url)
    Notification.objects.create(recipient=coordinator, kind=NotificationKind.COMMENT, subject="Andere Seite",
                                body="b", url=reverse("staffing:notification_list"))
    html = inbox(client, coordinator)
    assert f'href="{url}">Mitteilung {notice.pk}, Witten, Arbeitsvermittler/in</a>' in html
    assert "Zur Seite" in html  # the page that is no notice keeps its plain link


def test_a_link_to_a_notice_the_reader_may_not_see_is_not_named(client, witten_office, clerk_witten,
                                                                 clerk_hattingen, submit_on):
    notice = submit_on(next_plain_saturday())
    Notification.objects.create(recipient=clerk_hattingen, kind=NotificationKind.COMMENT, subject="Fremd",
                                body="b", url=reverse("staffing:notice_detail", args=[notice.pk]))
    html = inbox(client, clerk_hattingen)
    assert f"Mitteilung {notice.pk}, Witten" not in html


def test_notify_with_a_notice_url_links_the_notification_to_the_notice(witten_office, clerk_witten, coordinator,
                                                                      submit_on):
    notice = submit_on(next_plain_saturday())
    [pk] = notifications.notify(recipients=[coordinator], kind=NotificationKind.COMMENT, subject="Hinweis",
                                body="b", url=reverse("staffing:notice_detail", args=[notice.pk]))
    assert Notification.objects.get(pk=pk).notice_id == notice.pk
    [other] = notifications.notify(recipients=[coordinator], kind=NotificationKind.COMMENT, subject="Hinweis",
                                   body="b", url="/gibt-es-nicht/")
    assert Notification.objects.get(pk=other).notice_id is None


def test_notice_label_names_number_city_and_position(witten_office, clerk_witten):
    notice = complete_draft(witten_office, clerk_witten)
    assert wording.notice_label(notice) == f"Mitteilung {notice.pk}, Witten, Arbeitsvermittler/in"
