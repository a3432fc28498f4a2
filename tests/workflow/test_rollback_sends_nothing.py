"""A transition whose transaction is rolled back hands nothing to Celery and sends nothing (PS-2):
notifications are enqueued only on commit."""
import pytest
from django.db import transaction

from staffing import services
from staffing.models import NoticeEvent, NoticeState, Notification, Vacancy
from staffing.tasks import deliver_event_notifications, send_notification_mails

from .helpers import complete_draft, run


class Rollback(Exception):
    pass


@pytest.fixture
def enqueued(monkeypatch):
    """Every task hand-off, recorded (and still run eagerly)."""
    calls = []
    for task in (deliver_event_notifications, send_notification_mails):
        original = task.delay

        def delay(*args, _original=original, _name=task.name, **kwargs):
            calls.append((_name, args))
            return _original(*args, **kwargs)

        monkeypatch.setattr(task, "delay", delay)
    return calls


@pytest.mark.django_db
def test_a_rolled_back_submission_enqueues_nothing_and_mails_nothing(
        witten_office, clerk_witten, coordinator, clock, enqueued, mailoutbox, django_capture_on_commit_callbacks):
    notice = complete_draft(witten_office, clerk_witten)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Rollback):
        with transaction.atomic():
            services.notice_submit(notice_id=notice.pk, by=clerk_witten)
            raise Rollback
    assert callbacks == []
    assert enqueued == [] and mailoutbox == []
    notice.refresh_from_db()
    assert notice.state == NoticeState.DRAFT
    assert not NoticeEvent.objects.exists() and not Notification.objects.exists()


@pytest.mark.django_db
def test_the_same_submission_committed_enqueues_one_task(
        witten_office, clerk_witten, coordinator, clock, enqueued, mailoutbox, django_capture_on_commit_callbacks):
    notice = complete_draft(witten_office, clerk_witten)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    assert len(callbacks) == 1
    assert enqueued == [("staffing.tasks.deliver_event_notifications", (notice.events.get().pk,))]
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_placement_failing_after_its_audit_record_rolls_back_whole_and_sends_nothing(
        make_notice, clerk_witten, enqueued, mailoutbox, monkeypatch, django_capture_on_commit_callbacks):
    notice = make_notice(NoticeState.CLEARED)
    mailoutbox.clear()

    def broken_save(self, *args, **kwargs):
        raise Rollback("disk full")

    monkeypatch.setattr(Vacancy, "save", broken_save)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Rollback):
        run("place", notice, clerk_witten)
    assert callbacks == [] and enqueued == [] and mailoutbox == []
    notice.refresh_from_db()
    assert notice.state == NoticeState.CLEARED
    assert not notice.events.filter(transition="place").exists()


@pytest.mark.django_db(transaction=True)
def test_a_real_rollback_sends_nothing_either(witten_office, clerk_witten, coordinator, enqueued, mailoutbox):
    notice = complete_draft(witten_office, clerk_witten)
    with pytest.raises(Rollback), transaction.atomic():
        services.notice_submit(notice_id=notice.pk, by=clerk_witten)
        services.notice_comment(notice_id=notice.pk, by=coordinator, text="Rückfrage")
        raise Rollback
    assert enqueued == [] and mailoutbox == []
    assert not Notification.objects.exists()
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    assert [name for name, _ in enqueued] == ["staffing.tasks.deliver_event_notifications"]
    assert [m.to for m in mailoutbox] == [[coordinator.email]]
