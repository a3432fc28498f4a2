"""Who is told what, by e-mail and in the application (PS-2.3 to PS-2.6), and what happens when the
broker is down: the audit table is an outbox, so the sweep delivers what a lost task did not."""
from datetime import timedelta

import pytest
from django.urls import reverse

from staffing import notifications, services
from staffing.models import NoticeEvent, NoticeState, Notification
from staffing.tasks import deliver_event_notifications, deliver_events_notifications, run_sweep, send_notification_mails

from ..factories import city_clerk, district_user
from .helpers import ARGS, SUBMITTED_AT, complete_draft, run

pytestmark = pytest.mark.django_db

S, K = NoticeState, Notification.Kind


@pytest.fixture
def everyone(users, witten, district):
    """The matrix users plus a second member of the city and of the coordination office."""
    return {**users,
            "clerk2": city_clerk(witten, username="clerk2-witten"),
            "coordination2": district_user(district, "coordination", username="koordination2")}


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the on-commit hand-offs at once, as after a real commit (the tasks run eagerly)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def told(notice, event_transition) -> dict[str, str]:
    event = notice.events.get(transition=event_transition)
    return dict(Notification.objects.filter(event=event).values_list("recipient__username", "kind"))


# (steps before, the step, its actor, expected {recipient: kind})
MATRIX = {
    "submit": ([], "clerk", {"koordination": K.SUBMITTED, "koordination2": K.SUBMITTED}),
    "clear": (["submit"], "coordination", {"clerk-witten": K.DECISION, "clerk2-witten": K.DECISION}),
    "raise_objection": (["submit"], "coordination", {"clerk-witten": K.DECISION, "clerk2-witten": K.DECISION}),
    "agree": (["submit", "raise_objection"], "coordination",
              {"clerk-witten": K.DECISION, "clerk2-witten": K.DECISION, "koordination2": K.DECISION}),
    "escalate": (["submit", "raise_objection"], "coordination",
                 {"kreis": K.ESCALATION, "clerk-witten": K.DECISION, "clerk2-witten": K.DECISION,
                  "koordination2": K.DECISION}),
    "decide": (["submit", "raise_objection", "escalate"], "district_admin",
               {"clerk-witten": K.DECISION, "clerk2-witten": K.DECISION, "koordination": K.DECISION,
                "koordination2": K.DECISION}),
    "place": (["submit", "clear"], "clerk", {"koordination": K.DECISION, "koordination2": K.DECISION}),
    "withdraw": (["submit"], "clerk", {"koordination": K.DECISION, "koordination2": K.DECISION}),
}
ACTORS = {"submit": "clerk", "clear": "coordination", "raise_objection": "coordination", "escalate": "coordination",
          "decide": "district_admin"}


@pytest.mark.parametrize("step", MATRIX)
def test_recipients_come_from_the_roles_and_the_actor_is_never_told(
        step, everyone, witten_office, clock, on_commit, mailoutbox):
    before, actor, expected = MATRIX[step]
    notice = complete_draft(witten_office, everyone["clerk"])
    with on_commit():
        for previous in before:
            run(previous, notice, everyone[ACTORS.get(previous, "clerk")])
    mailoutbox.clear()
    with on_commit():
        run(step, notice, everyone[actor])
    assert told(notice, step) == expected
    assert everyone[actor].username not in told(notice, step)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(f"{name}@example.org" for name in expected)


def test_approval_by_silence_tells_the_city_and_the_coordination_office(everyone, witten_office, clock, on_commit):
    from .helpers import PERIOD_END

    notice = complete_draft(witten_office, everyone["clerk"])
    services.notice_submit(notice_id=notice.pk, by=everyone["clerk"])
    clock.move_to(PERIOD_END, tick=False)
    with on_commit():
        run_sweep()
    assert told(notice, "approve_by_silence") == {
        "clerk-witten": K.APPROVED_BY_SILENCE, "clerk2-witten": K.APPROVED_BY_SILENCE,
        "koordination": K.APPROVED_BY_SILENCE, "koordination2": K.APPROVED_BY_SILENCE}


def test_the_submission_mail_is_german_with_plain_text_and_html(
        witten_office, clerk_witten, coordinator, clock, on_commit, mailoutbox):
    notice = complete_draft(witten_office, clerk_witten)
    with on_commit():
        services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    [mail] = mailoutbox
    assert mail.to == [coordinator.email]
    assert mail.subject == "[JobAgentur EN] Neue Stellenbesetzungsmitteilung aus Witten"
    assert mail.body.startswith("Guten Tag,\n\ndie Stadt Witten hat eine Stellenbesetzungsmitteilung übersandt")
    assert "Die Wochenfrist endet am Mittwoch, 02.12.2026, 24:00 Uhr." in mail.body
    assert "http://127.0.0.1:8000" + reverse("staffing:notice_detail", args=[notice.pk]) in mail.body
    [(html, mimetype)] = mail.alternatives
    assert mimetype == "text/html"
    assert '<html lang="de">' in html
    assert "Mitteilung in der Anwendung öffnen" in html
    assert "Die Wochenfrist endet am Mittwoch, 02.12.2026, 24:00 Uhr." in html
    assert Notification.objects.get(recipient=coordinator).subject == mail.subject


def test_the_objection_mail_carries_the_written_reason(
        witten_office, clerk_witten, coordinator, clock, on_commit, mailoutbox):
    notice = complete_draft(witten_office, clerk_witten)
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    with on_commit():
        run("raise_objection", notice, coordinator)
    [mail] = mailoutbox
    assert mail.subject == f"[JobAgentur EN] In Erörterung: Mitteilung {notice.pk} (Witten)"
    assert f"Begründung / Vermerk:\n{ARGS['raise_objection']['reason']}" in mail.body


def test_a_muted_kind_is_notified_in_the_application_but_not_mailed(
        everyone, witten_office, clock, on_commit, mailoutbox):
    muted = everyone["coordination"]
    muted.muted_email_kinds = [K.SUBMITTED]
    muted.save()
    notice = complete_draft(witten_office, everyone["clerk"])
    with on_commit():
        services.notice_submit(notice_id=notice.pk, by=everyone["clerk"])
    assert Notification.objects.filter(recipient=muted, kind=K.SUBMITTED, emailed_at=None).count() == 1
    assert [m.to for m in mailoutbox] == [["koordination2@example.org"]]
    with on_commit():
        run("clear", notice, everyone["coordination2"])
    mailoutbox.clear()
    with on_commit():
        run("place", notice, everyone["clerk"])
    assert sorted(m.to[0] for m in mailoutbox) == ["koordination2@example.org", "koordination@example.org"]


def test_a_user_without_an_address_is_notified_in_the_application_only(
        witten_office, clerk_witten, coordinator, clock, on_commit, mailoutbox):
    coordinator.email = ""
    coordinator.save()
    notice = complete_draft(witten_office, clerk_witten)
    with on_commit():
        services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    assert Notification.objects.filter(recipient=coordinator).count() == 1
    assert mailoutbox == []


def test_an_inactive_user_and_other_cities_and_districts_are_never_told(
        users, witten_office, clock, on_commit):
    users["coordination"].is_active = False
    users["coordination"].save()
    notice = complete_draft(witten_office, users["clerk"])
    with on_commit():
        services.notice_submit(notice_id=notice.pk, by=users["clerk"])
        run("raise_objection", notice, district_user(users["coordination"].organisation.district, "coordination",
                                                     username="koordination3"))
    assert not Notification.objects.filter(recipient__in=[
        users["coordination"], users["other_city_clerk"], users["other_district_coordination"],
        users["head"], users["district_admin"]]).exists()


def test_a_redelivered_task_adds_no_notification_and_no_mail(
        witten_office, clerk_witten, coordinator, clock, on_commit, mailoutbox):
    notice = complete_draft(witten_office, clerk_witten)
    with on_commit():
        services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    event = notice.events.get()
    deliver_event_notifications(event.pk)
    deliver_event_notifications(event.pk)
    send_notification_mails(list(Notification.objects.values_list("pk", flat=True)))
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1


# --- the broker is down ------------------------------------------------------------------------

class BrokerDown(ConnectionError):
    pass


@pytest.fixture
def broker_down(monkeypatch):
    """Every task hand-off fails as if Redis were unreachable."""
    def refuse(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    for task in (deliver_event_notifications, deliver_events_notifications, send_notification_mails):
        monkeypatch.setattr(task, "delay", refuse)


def test_submission_succeeds_with_the_broker_down_and_the_sweep_delivers_later(
        witten_office, clerk_witten, coordinator, clock, on_commit, mailoutbox, broker_down, caplog):
    notice = complete_draft(witten_office, clerk_witten)
    with on_commit():
        services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    notice.refresh_from_db()
    assert notice.state == S.INFORMED
    assert "stays in the outbox" in caplog.text
    event = notice.events.get()
    assert event.notifications_sent_at is None
    assert not Notification.objects.exists() and mailoutbox == []
    clock.move_to(SUBMITTED_AT + timedelta(seconds=30), tick=False)
    with on_commit():
        assert run_sweep()["outbox"] == 0  # a task may still be on its way: wait a minute
    clock.move_to(SUBMITTED_AT + timedelta(seconds=61), tick=False)
    with on_commit():
        assert run_sweep()["outbox"] == 1
    assert Notification.objects.filter(recipient=coordinator, event=event).count() == 1
    assert [m.to for m in mailoutbox] == [[coordinator.email]]
    event.refresh_from_db()
    assert event.notifications_sent_at is not None
    with on_commit():
        assert run_sweep() == {"approved": 0, "reminded": 0, "outbox": 0, "mailed": 0}
    assert len(mailoutbox) == 1


def test_reminder_mails_lost_with_the_broker_are_sent_by_the_next_sweep(
        witten_office, clerk_witten, coordinator, clock, on_commit, mailoutbox, broker_down):
    from .helpers import REMINDER_DUE

    notice = complete_draft(witten_office, clerk_witten)
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    clock.move_to(REMINDER_DUE, tick=False)
    with on_commit():
        result = run_sweep()
    assert result["reminded"] == 1
    reminders = [m for m in mailoutbox if "Frist endet" in m.subject]
    assert reminders == []
    clock.move_to(REMINDER_DUE + timedelta(minutes=2), tick=False)
    with on_commit():
        run_sweep()
    assert [m.to for m in mailoutbox if "Frist endet" in m.subject] == [[coordinator.email]]


def test_a_comment_with_the_broker_down_is_notified_at_once_and_mailed_later(
        witten_office, clerk_witten, coordinator, clock, on_commit, mailoutbox, broker_down):
    notice = complete_draft(witten_office, clerk_witten)
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    with on_commit():
        services.notice_comment(notice_id=notice.pk, by=coordinator, text="Bitte Zeugnis nachreichen.")
    assert list(Notification.objects.filter(kind=K.COMMENT).values_list("recipient__username", flat=True)) == [
        "clerk-witten"]
    assert mailoutbox == []
    clock.move_to(SUBMITTED_AT + timedelta(minutes=2), tick=False)
    with on_commit():
        run_sweep()
    assert [m.to for m in mailoutbox if "Kommentar" in m.subject] == [[clerk_witten.email]]


def test_muted_notifications_do_not_starve_the_mails_that_are_due(witten_office, clerk_witten, coordinator, clock):
    coordinator.muted_email_kinds = [K.SUBMITTED]
    coordinator.save()
    notice = complete_draft(witten_office, clerk_witten)
    due = Notification.objects.create(recipient=clerk_witten, notice=notice, kind=K.DECISION, subject="s", body="b")
    for _ in range(3):  # newer than the one that is due
        Notification.objects.create(recipient=coordinator, notice=notice, kind=K.SUBMITTED, subject="s", body="b")
    clock.move_to(SUBMITTED_AT + timedelta(minutes=2), tick=False)
    assert notifications.pending_mail_ids(limit=1) == [due.pk]


def test_the_audit_event_of_a_notification_is_stamped_once(witten_office, clerk_witten, clock, on_commit):
    notice = complete_draft(witten_office, clerk_witten)
    with on_commit():
        services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    stamp = NoticeEvent.objects.get().notifications_sent_at
    assert stamp == SUBMITTED_AT
    assert notifications.deliver_event(NoticeEvent.objects.get().pk) == []
    assert NoticeEvent.objects.get().notifications_sent_at == stamp


def test_a_late_delivered_notification_names_the_state_of_its_event_not_the_current_one(
        witten_office, clerk_witten, coordinator, clock, on_commit, mailoutbox, broker_down):
    notice = complete_draft(witten_office, clerk_witten)
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    with on_commit():
        run("clear", notice, coordinator)
        run("place", notice, clerk_witten)
    clock.move_to(SUBMITTED_AT + timedelta(minutes=2), tick=False)
    with on_commit():
        assert run_sweep()["outbox"] == 3
    [cleared] = [m for m in mailoutbox if m.to == [clerk_witten.email]]
    assert cleared.subject == f"[JobAgentur EN] Freigegeben ohne Bedenken: Mitteilung {notice.pk} (Witten)"
    assert "hat den Status „Freigegeben ohne Bedenken“" in cleared.body
    [placed] = [m for m in mailoutbox if m.to == [coordinator.email] and "durchgeführt" in m.subject]
    assert "hat den Status „Besetzung durchgeführt“" in placed.body
