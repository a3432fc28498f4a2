"""PS-6.1, PS-6.2: the city confirms its data per quarter as an unchanged snapshot; the coordination
office sees who is overdue (from the first day after the quarter); overdue cities are reminded once."""
import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from planning import services
from planning.models import MessageKind, QuarterlyReport, ReportReminder
from planning.quarters import Quarter
from planning.reports import difference, overdue_offices, report_status, snapshot_rows
from staffing.models import Notification

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def test_quarter_boundaries():
    q = Quarter(2026, 3)
    assert (q.start, q.end) == (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
    assert Quarter.last_ended_before(datetime.date(2026, 10, 1)) == q
    assert Quarter.last_ended_before(datetime.date(2026, 1, 5)) == Quarter(2025, 4)


def test_confirmed_report_is_a_snapshot_that_later_changes_do_not_touch(clerk_witten, witten_plan):
    report = services.report_confirm(by=clerk_witten, quarter=Quarter(2026, 3), today=datetime.date(2026, 10, 2))
    assert report.as_of == datetime.date(2026, 9, 30)
    assert [r["name"].split(",")[0] for r in report.rows] == ["Adler", "Berg", "Conrad", "Dietz"]
    member = witten_plan["staff"][0]
    member.fte = Decimal("0.5")
    member.save()
    report.refresh_from_db()
    assert report.rows[0]["fte"] == "1.000"
    with pytest.raises(ValidationError):
        report.remark = "nachträglich"
        report.save()


def test_snapshot_is_what_was_true_at_the_quarter_end(witten_plan):
    from ..factories import StaffMemberFactory

    office = witten_plan["office"]
    StaffMemberFactory(position=witten_plan["positions"][1], last_name="Neu", joined_on=datetime.date(2026, 10, 1))
    gone = witten_plan["staff"][3]
    gone.left_on = datetime.date(2026, 8, 31)
    gone.save()
    names = [r["name"].split(",")[0] for r in snapshot_rows(office, Quarter(2026, 3))]
    assert names == ["Adler", "Berg", "Conrad"]


def test_a_quarter_cannot_be_confirmed_before_it_ends_or_twice(clerk_witten, witten_plan):
    with pytest.raises(ValidationError, match="noch nicht abgeschlossen"):
        services.report_confirm(by=clerk_witten, quarter=Quarter(2026, 4), today=datetime.date(2026, 12, 31))
    services.report_confirm(by=clerk_witten, quarter=Quarter(2026, 3), today=datetime.date(2026, 10, 1))
    with pytest.raises(ValidationError, match="bereits bestätigt"):
        services.report_confirm(by=clerk_witten, quarter=Quarter(2026, 3), today=datetime.date(2026, 10, 1))


def test_only_the_city_confirms(coordinator, witten_plan):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.report_confirm(by=coordinator, quarter=Quarter(2026, 3), today=datetime.date(2026, 10, 2))


def test_overdue_list_at_a_given_date(clerk_witten, clerk_hattingen, witten_office, hattingen_office):
    offices = [witten_office, hattingen_office]
    for clerk in (clerk_witten, clerk_hattingen):
        services.report_confirm(by=clerk, quarter=Quarter(2026, 2), today=datetime.date(2026, 7, 3))
    # on the last day of the quarter nobody is overdue yet
    assert overdue_offices(offices, datetime.date(2026, 9, 30)) == []
    # from the first day after the quarter both are overdue (for Q3)
    assert overdue_offices(offices, datetime.date(2026, 10, 1)) == [witten_office, hattingen_office]
    services.report_confirm(by=clerk_witten, quarter=Quarter(2026, 3), today=datetime.date(2026, 10, 5))
    statuses = report_status(offices, datetime.date(2026, 10, 12))
    assert [(s.office, s.overdue, s.overdue_days) for s in statuses] == [
        (witten_office, False, 0), (hattingen_office, True, 12)]


def test_coordination_page_lists_overdue_cities_at_a_date(client, coordinator, clerk_witten, witten_office,
                                                          hattingen_office):
    services.report_confirm(by=clerk_witten, quarter=Quarter(2026, 3), today=datetime.date(2026, 10, 5))
    client.force_login(coordinator)
    html = client.get(reverse("planning:report_list"), {"stichtag": "2026-10-12"}).content.decode()
    assert "1 Stadt ist überfällig." in html
    assert "überfällig seit 12 Tagen" in html
    html = client.get(reverse("planning:report_list"), {"stichtag": "2026-07-01"}).content.decode()
    assert "2 Städte sind überfällig." in html  # for the 2nd quarter


@time_machine.travel(datetime.datetime(2026, 10, 1, 8, 0, tzinfo=BERLIN), tick=False)
def test_overdue_cities_are_reminded_once_per_quarter(clerk_witten, clerk_hattingen, witten_office,
                                                      hattingen_office, django_capture_on_commit_callbacks):
    QuarterlyReport.objects.create(office=hattingen_office, year=2026, quarter=3, as_of=datetime.date(2026, 9, 30),
                                   confirmed_by=clerk_hattingen, rows=[])
    from planning.tasks import remind_overdue_reports

    with django_capture_on_commit_callbacks(execute=True):  # the mails go out after each office's commit
        assert remind_overdue_reports.delay().get() == 1
    assert [m.to for m in mail.outbox] == [[clerk_witten.email]]
    assert "3. Quartal 2026" in mail.outbox[0].subject
    reminder = Notification.objects.get()  # in the one inbox too, leading to the report page
    assert (reminder.recipient, reminder.kind, reminder.url) == (
        clerk_witten, MessageKind.REPORT_REMINDER, reverse("planning:report_list"))
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_overdue_reports.delay().get() == 0
    assert len(mail.outbox) == 1
    assert ReportReminder.objects.get().office == witten_office


@time_machine.travel(datetime.datetime(2026, 9, 30, 23, 0, tzinfo=BERLIN), tick=False)
def test_no_reminder_on_the_last_day_of_the_quarter(clerk_witten, witten_office):
    QuarterlyReport.objects.create(office=witten_office, year=2026, quarter=2, as_of=datetime.date(2026, 6, 30),
                                   confirmed_by=clerk_witten, rows=[])
    assert services.send_report_reminders() == 0
    assert mail.outbox == []


def test_reminder_is_scheduled_daily_in_the_database(beat_schedule):
    task = PeriodicTask.objects.get(task="planning.tasks.remind_overdue_reports")
    assert task.enabled and task.crontab.hour == "7"


def test_differences_to_the_previous_quarter(clerk_witten, witten_plan):
    services.report_confirm(by=clerk_witten, quarter=Quarter(2026, 2), today=datetime.date(2026, 7, 1))
    member = witten_plan["staff"][1]
    member.grade = "EG 10"
    member.save()
    gone = witten_plan["staff"][3]
    gone.left_on = datetime.date(2026, 8, 31)
    gone.save()
    report = services.report_confirm(by=clerk_witten, quarter=Quarter(2026, 3), today=datetime.date(2026, 10, 1))
    previous = QuarterlyReport.objects.get(quarter=2)
    diff = difference(previous.rows, report.rows)
    assert [r["name"] for r in diff.left] == [str(gone)]
    assert diff.joined == []
    [(row, changes)] = diff.changed
    assert changes == [("Besoldungs-/Entgeltgruppe", "EG 9c", "EG 10")]
    assert diff.totals[0] == ("Gesamt", 4, 3, Decimal("3.250"), Decimal("2.500"))


def test_city_confirms_through_the_page_and_sees_the_snapshot(client, clerk_witten, witten_plan):
    client.force_login(clerk_witten)
    with time_machine.travel(datetime.datetime(2026, 10, 2, 9, 0, tzinfo=BERLIN)):
        html = client.get(reverse("planning:report_list")).content.decode()
        assert "3. Quartal 2026 bestätigen" in html
        response = client.post(reverse("planning:report_confirm"), {"year": 2026, "quarter": 3, "remark": "ok"},
                               follow=True)
    report = QuarterlyReport.objects.get()
    assert response.redirect_chain[-1][0] == reverse("planning:report_detail", args=[report.pk])
    assert "Adler, Anna" in response.content.decode()


@time_machine.travel(datetime.datetime(2027, 1, 1, 0, 5, tzinfo=BERLIN), tick=False)
def test_overdue_page_defaults_to_today(client, coordinator, witten_office, hattingen_office):
    client.force_login(coordinator)
    response = client.get(reverse("planning:report_list"))
    assert [s.office for s in response.context["overdue"]] == [hattingen_office, witten_office]
    assert response.context["quarter"] == Quarter(2026, 4)
    assert "überfällig seit 1 Tag" in response.content.decode()
