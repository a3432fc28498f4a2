"""The planning side's messages (a changed cap, an overdue quarterly report) are notifications of the
core's one pipeline (issue 11) and get its guarantees, tested as the workflow's are
(tests/workflow/test_notifications.py, test_rollback_sends_nothing.py, tests/faults): the broker down
-> the page still answers, the notification exists, the next sweep mails it; a rolled-back write
notifies nobody; no mail leaves inside an open transaction; the e-mail preferences cover the kinds."""
import datetime
from decimal import Decimal

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from planning import services
from planning.models import MessageKind, QuarterlyReport, ReimbursementCap
from planning.tasks import remind_overdue_reports
from staffing import notifications
from staffing.models import Notification
from staffing.tasks import run_sweep, send_notification_mails

from ..migrations.helpers import migrated_back_to

CAP = {"year": 2027, "amount": "250000", "reason": "Tarifsteigerung"}


class BrokerDown(ConnectionError):
    pass


@pytest.fixture
def broker_down(monkeypatch):
    """Every hand-off of mails fails as if Redis were unreachable."""
    def refuse(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_notification_mails, "delay", refuse)


@pytest.fixture
def enqueued(monkeypatch):
    """Every hand-off of mails, recorded (and still run eagerly)."""
    calls = []
    original = send_notification_mails.delay

    def delay(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(send_notification_mails, "delay", delay)
    return calls


SENT_IN: list[list[bool]] = []


class RecordingBackend(EmailBackend):
    """The test outbox (locmem), recording for each mail the transactions open while it is sent: one
    entry per open atomic block, True where the block is durable (the sender's own row lock)."""

    def send_messages(self, messages):
        SENT_IN.extend([[block.durable for block in connection.atomic_blocks]] * len(messages))
        return super().send_messages(messages)


@pytest.fixture
def recording(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RecordingBackend"
    SENT_IN.clear()
    return SENT_IN


def _set_cap(client, district_admin, city):
    client.force_login(district_admin)
    return client.post(reverse("planning:cap_create"), {"city": city.pk, **CAP})


# --- the broker is down ------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_cap_set_with_the_broker_down_answers_and_the_sweep_mails_it_later(
        client, witten, clerk_witten, district_admin, broker_down, mailoutbox, time_machine, caplog,
        django_capture_on_commit_callbacks):
    time_machine.move_to(timezone.now(), tick=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _set_cap(client, district_admin, witten)
    assert response.status_code == 302  # never a 500 after the commit
    assert len(callbacks) == 1 and "sent by the next sweep" in caplog.text
    assert ReimbursementCap.objects.get().amount == Decimal("250000")
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (clerk_witten, MessageKind.CAP_CHANGED)
    assert notification.emailed_at is None and mailoutbox == []
    time_machine.move_to(timezone.now() + datetime.timedelta(seconds=30), tick=False)
    assert run_sweep()["mailed"] == 0  # a task may still be on its way: wait a minute
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=1), tick=False)
    assert run_sweep()["mailed"] == 1
    assert [m.to for m in mailoutbox] == [[clerk_witten.email]] and "Höchstrahmen" in mailoutbox[0].subject
    assert run_sweep()["mailed"] == 0 and len(mailoutbox) == 1


@pytest.mark.django_db
def test_report_reminders_with_the_broker_down_are_mailed_by_the_sweep(
        clerk_witten, clerk_hattingen, witten_office, hattingen_office, broker_down, mailoutbox, time_machine,
        django_capture_on_commit_callbacks):
    time_machine.move_to(datetime.datetime(2026, 10, 1, 8, 0, tzinfo=datetime.UTC), tick=False)
    QuarterlyReport.objects.create(office=hattingen_office, year=2026, quarter=3, as_of=datetime.date(2026, 9, 30),
                                   confirmed_by=clerk_hattingen, rows=[])
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_overdue_reports.delay().get() == 1
    assert Notification.objects.get(kind=MessageKind.REPORT_REMINDER).recipient == clerk_witten
    assert mailoutbox == []
    time_machine.move_to(datetime.datetime(2026, 10, 1, 8, 2, tzinfo=datetime.UTC), tick=False)
    run_sweep()
    assert [m.to for m in mailoutbox] == [[clerk_witten.email]] and "Quartalsmeldung" in mailoutbox[0].subject


# --- a rolled-back write sends nothing ---------------------------------------------------------

class Rollback(Exception):
    pass


@pytest.mark.django_db
def test_a_rolled_back_cap_notifies_nobody_and_hands_nothing_over(
        witten, clerk_witten, district_admin, enqueued, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Rollback):
        with transaction.atomic():
            services.cap_set(city_id=witten.pk, by=district_admin, year=2027, amount=Decimal("250000"),
                             reason="Korrektur")
            raise Rollback
    assert callbacks == [] and enqueued == [] and mailoutbox == []
    assert not ReimbursementCap.objects.exists() and not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.cap_set(city_id=witten.pk, by=district_admin, year=2027, amount=Decimal("250000"), reason="Korrektur")
    assert len(callbacks) == 1 and enqueued == [(list(Notification.objects.values_list("pk", flat=True)),)]
    assert [m.to for m in mailoutbox] == [[clerk_witten.email]]


@pytest.mark.django_db(transaction=True)
def test_a_real_rollback_sends_nothing_either(witten, clerk_witten, district_admin, enqueued, mailoutbox):
    with pytest.raises(Rollback), transaction.atomic():
        services.cap_set(city_id=witten.pk, by=district_admin, year=2027, amount=Decimal("250000"), reason="Korrektur")
        raise Rollback
    assert enqueued == [] and mailoutbox == [] and not Notification.objects.exists()


# --- no mail inside an open transaction --------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_the_cap_mail_leaves_after_the_commit_outside_any_transaction(
        client, witten, clerk_witten, district_admin, recording, mailoutbox):
    assert _set_cap(client, district_admin, witten).status_code == 302
    assert [m.to for m in mailoutbox] == [[clerk_witten.email]]
    # the only transaction open while the mail went out: the sender's own lock of the notification
    # (durable, so it cannot have been nested in the cap's transaction)
    assert recording == [[True]]
    assert Notification.objects.get().emailed_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_report_reminder_leaves_after_the_commit_outside_any_transaction(
        clerk_witten, witten_office, recording, mailoutbox, time_machine):
    time_machine.move_to(datetime.datetime(2026, 10, 1, 8, 0, tzinfo=datetime.UTC), tick=False)
    assert remind_overdue_reports.delay().get() == 1
    assert [m.to for m in mailoutbox] == [[clerk_witten.email]]
    assert recording == [[True]]


@pytest.mark.django_db(transaction=True)
def test_the_mail_sender_refuses_to_run_inside_an_open_transaction(witten, clerk_witten, mailoutbox):
    notification = Notification.objects.create(recipient=clerk_witten, kind=MessageKind.CAP_CHANGED, subject="s",
                                               body="b", url=reverse("planning:costs"))
    with pytest.raises(RuntimeError), transaction.atomic():
        notifications.send_mails([notification.pk])
    assert mailoutbox == []
    assert notifications.send_mails([notification.pk]) == 1 and len(mailoutbox) == 1


# --- one inbox, one set of e-mail preferences --------------------------------------------------

@pytest.mark.django_db
def test_the_e_mail_preferences_cover_the_planning_kinds(client, witten, clerk_witten, district_admin, mailoutbox,
                                                          django_capture_on_commit_callbacks):
    client.force_login(clerk_witten)
    html = client.get(reverse("staffing:user_settings")).content.decode()
    assert "Höchstrahmen festgesetzt" in html and "Erinnerung Quartalsmeldung" in html
    wanted = ["submitted", "reminder", "decision", "comment", MessageKind.REPORT_REMINDER]
    assert client.post(reverse("staffing:user_settings"), {"email_kinds": wanted}).status_code == 302
    clerk_witten.refresh_from_db()
    assert MessageKind.CAP_CHANGED in clerk_witten.muted_email_kinds
    with django_capture_on_commit_callbacks(execute=True):
        services.cap_set(city_id=witten.pk, by=district_admin, year=2027, amount=Decimal("250000"), reason="Korrektur")
    assert Notification.objects.filter(recipient=clerk_witten, kind=MessageKind.CAP_CHANGED).exists()
    assert mailoutbox == []  # muted: in the application only
    assert notifications.pending_mail_ids() == []  # and the sweep does not wait for it


@pytest.mark.django_db
def test_a_notification_without_a_notice_is_listed_with_a_link_to_its_page(client, clerk_witten):
    Notification.objects.create(recipient=clerk_witten, kind=MessageKind.CAP_CHANGED, subject="Höchstrahmen 2027",
                                body="b", url=reverse("planning:costs"))
    client.force_login(clerk_witten)
    response = client.get(reverse("staffing:notification_list"))
    html = response.content.decode()
    assert response.context["unread_notifications"] == 1
    assert "Höchstrahmen 2027" in html and f'href="{reverse("planning:costs")}"' in html
    assert "Höchstrahmen festgesetzt" in html  # the kind's label


@pytest.mark.django_db
def test_notify_needs_a_known_kind_and_a_target(clerk_witten):
    with pytest.raises(ValueError):
        notifications.notify(recipients=[clerk_witten], kind="unbekannt", subject="s", body="b", url="/x/")
    with pytest.raises(ValueError):
        notifications.notify(recipients=[clerk_witten], kind=MessageKind.CAP_CHANGED, subject="s", body="b")
    ids = notifications.notify(recipients=[clerk_witten, clerk_witten], kind=MessageKind.CAP_CHANGED,
                               subject="s" * 300, body="b", url="/planung/erstattung/")
    assert len(ids) == 1 and len(Notification.objects.get().subject) == 200


# --- the data migration ------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_existing_planning_messages_become_notifications():
    before = [("planning", "0002_reminder_schedule_and_cost_rates"), ("staffing", "0010_notification_without_notice")]
    with migrated_back_to(before) as old:
        user = old.get_model("staffing", "User").objects.create(username="clerk-alt", email="alt@witten.example")
        Message = old.get_model("planning", "PlanningMessage")
        sent_at = timezone.now() - datetime.timedelta(days=30)
        Message.objects.create(recipient=user, subject="Höchstrahmen 2026", body="Text", created_at=sent_at,
                               read_at=sent_at, emailed_at=sent_at)
        Message.objects.create(recipient=user, subject="Höchstrahmen 2027", body="Text 2", created_at=sent_at)
    copied = list(Notification.objects.order_by("pk").values_list(
        "recipient__username", "kind", "notice", "url", "subject", "created_at", "read_at", "emailed_at"))
    assert copied == [
        ("clerk-alt", "cap_changed", None, "/planung/erstattung/", "Höchstrahmen 2026", sent_at, sent_at, sent_at),
        ("clerk-alt", "cap_changed", None, "/planung/erstattung/", "Höchstrahmen 2027", sent_at, None, None),
    ]
    assert reverse("planning:costs") == "/planung/erstattung/"
    # the one never mailed is mailed by the next sweep
    assert notifications.pending_mail_ids() == [Notification.objects.get(subject="Höchstrahmen 2027").pk]
