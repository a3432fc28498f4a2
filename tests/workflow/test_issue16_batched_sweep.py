"""Issue 16, points 1 and 2: the deadline sweep approves due notices in batches (through the state machine,
one audit record each, one delivery task per batch) and one bad notice never blocks the others; the
delivery of a batch renders each text once per event and kind and sends its mails over one connection."""
from collections import Counter

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction

from staffing import hooks, notifications, services
from staffing.models import NoticeEvent, NoticeState, Notification, PlacementNotice
from staffing.tasks import deliver_events_notifications, run_sweep

from ..factories import city_clerk, district_user
from .helpers import PERIOD_END, complete_draft

pytestmark = pytest.mark.django_db

S, K = NoticeState, Notification.Kind


def due(office, clerk, clock, count: int) -> list[int]:
    """`count` notices submitted at SUBMITTED_AT; the clock then stands at the end of their period."""
    ids = []
    for _ in range(count):
        notice = complete_draft(office, clerk)
        services.notice_submit(notice_id=notice.pk, by=clerk)
        ids.append(notice.pk)
    clock.move_to(PERIOD_END, tick=False)
    return ids


def approvals() -> Counter:
    return Counter(NoticeEvent.objects.filter(transition="approve_by_silence").values_list("notice_id", flat=True))


@pytest.fixture
def handed_over(monkeypatch):
    """The batches handed to the worker (the delivery task's `delay`), run eagerly as the broker would."""
    batches = []
    original = deliver_events_notifications.delay

    def delay(event_ids):
        batches.append(list(event_ids))
        return original(event_ids)

    monkeypatch.setattr(deliver_events_notifications, "delay", delay)
    return batches


@pytest.fixture
def step_signals():
    """The audit events other apps are told of (`hooks.notice_step_recorded`)."""
    seen = []

    def receiver(sender, event, **kwargs):
        seen.append(event.pk)

    hooks.notice_step_recorded.connect(receiver, dispatch_uid="issue16-signals")
    yield seen
    hooks.notice_step_recorded.disconnect(dispatch_uid="issue16-signals")


def test_the_sweep_approves_in_batches_with_one_audit_record_and_one_task_per_batch(
        witten_office, clerk_witten, coordinator, clock, handed_over, step_signals,
        django_capture_on_commit_callbacks, mailoutbox):
    ids = due(witten_office, clerk_witten, clock, 5)
    step_signals.clear()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approved = services.sweep_approvals(batch_size=2)
    assert sorted(approved) == sorted(ids)
    assert set(PlacementNotice.objects.values_list("state", flat=True)) == {S.APPROVED_BY_SILENCE}
    assert approvals() == Counter(dict.fromkeys(ids, 1))
    events = NoticeEvent.objects.filter(transition="approve_by_silence")
    assert {(e.actor_id, e.on_behalf_of_id, e.from_state, e.to_state) for e in events} == {
        (None, None, S.INFORMED, S.APPROVED_BY_SILENCE)}
    assert all(e.reason.startswith("Keine Reaktion innerhalb der Wochenfrist bis Mittwoch, 02.12.2026, 24:00 Uhr")
               for e in events)
    # one task per batch of two, the other apps told of every event, every event delivered
    assert [len(batch) for batch in handed_over] == [2, 2, 1]
    assert sorted(step_signals) == sorted(e.pk for e in events) == sorted(pk for b in handed_over for pk in b)
    assert not events.filter(notifications_sent_at=None).exists()
    assert Notification.objects.filter(kind=K.APPROVED_BY_SILENCE).count() == 10  # the clerk and the office
    assert len(mailoutbox) == 10
    assert services.sweep_approvals(batch_size=2) == []


def test_a_notice_that_breaks_its_batch_is_retried_alone_and_never_blocks_the_others(
        witten_office, clerk_witten, coordinator, clock, caplog):
    ids = due(witten_office, clerk_witten, clock, 5)
    bad = ids[2]

    def breaks(sender, event, **kwargs):  # e.g. a receiver of another app failing on one notice
        if event.notice_id == bad and event.transition == "approve_by_silence":
            raise RuntimeError("receiver failed on this notice")

    hooks.notice_step_recorded.connect(breaks, dispatch_uid="issue16-breaks")
    try:
        approved = services.sweep_approvals(batch_size=10)
    finally:
        hooks.notice_step_recorded.disconnect(dispatch_uid="issue16-breaks")
    assert sorted(approved) == sorted(set(ids) - {bad})
    assert "approving them one by one" in caplog.text
    assert f"approval by silence of notice {bad} failed" in caplog.text
    assert PlacementNotice.objects.get(pk=bad).state == S.INFORMED  # rolled back alone
    assert approvals() == Counter({pk: 1 for pk in ids if pk != bad})
    # the next sweep approves it, once
    assert services.sweep_approvals(batch_size=10) == [bad]
    assert approvals() == Counter(dict.fromkeys(ids, 1))


def test_the_guarded_bulk_update_refuses_a_batch_with_a_row_that_is_no_longer_informed(
        witten_office, clerk_witten, coordinator, clock):
    """The bulk UPDATE is guarded by `state = 'informed'` (as ConcurrentTransitionMixin's save): a row that
    changed after the claim (on SQLite, which has no row locks) refuses the whole batch, which rolls back;
    the sweep then approves its notices one by one, each locked and checked again."""
    ids = due(witten_office, clerk_witten, clock, 3)
    with pytest.raises(services.BatchRefused, match="no longer informed"), transaction.atomic():
        notices = list(PlacementNotice.objects.filter(pk__in=ids).order_by("pk"))
        PlacementNotice.objects.filter(pk=ids[0]).update(state=S.CONSULTATION)  # the office reacted meanwhile
        services._approve_claimed(notices)
    assert set(PlacementNotice.objects.values_list("state", flat=True)) == {S.INFORMED}
    assert not approvals()


def test_a_transition_that_would_change_more_than_the_state_refuses_the_bulk_path(
        witten_office, clerk_witten, coordinator, clock, monkeypatch):
    """The bulk path writes only the state: if the state machine's transition changed anything else, the batch
    is refused and the per-notice path (which saves the whole row) approves the notices."""
    ids = due(witten_office, clerk_witten, clock, 2)
    from django_fsm import transition

    @transition(field=PlacementNotice._meta.get_field("state"), source=S.INFORMED, target=S.APPROVED_BY_SILENCE,
                conditions=[PlacementNotice.period_ended])
    def approve_by_silence(self):
        self.escalation_reason = "geändert"

    monkeypatch.setattr(PlacementNotice, "approve_by_silence", approve_by_silence)
    with transaction.atomic():
        notices = list(PlacementNotice.objects.filter(pk__in=ids).order_by("pk"))
        with pytest.raises(services.BatchRefused, match="changed more"):
            services._approve_claimed(notices)
        transaction.set_rollback(True)
    assert sorted(services.sweep_approvals()) == sorted(ids)
    assert set(PlacementNotice.objects.values_list("escalation_reason", flat=True)) == {"geändert"}
    assert approvals() == Counter(dict.fromkeys(ids, 1))


class CountingBackend(EmailBackend):
    """The test mail backend (locmem), counting the connections opened."""

    opened = 0

    def open(self):
        type(self).opened += 1
        return super().open()


def test_delivering_a_batch_renders_each_text_once_per_event_and_uses_one_mail_connection(
        witten, district, witten_office, clerk_witten, coordinator, clock, settings, monkeypatch, mailoutbox):
    city_clerk(witten, username="clerk2-witten")
    district_user(district, "coordination", username="koordination2")
    settings.EMAIL_BACKEND = f"{__name__}.CountingBackend"
    CountingBackend.opened = 0
    ids = due(witten_office, clerk_witten, clock, 3)
    muted = coordinator
    muted.muted_email_kinds = [K.APPROVED_BY_SILENCE]
    muted.save()
    with monkeypatch.context() as patch:  # the sweep's task is not handed over: the outbox keeps the events
        patch.setattr(notifications, "deliver_batch_on_commit", lambda ids: None)
        services.sweep_approvals()
    events = list(NoticeEvent.objects.filter(transition="approve_by_silence").values_list("pk", flat=True))
    mailoutbox.clear()
    renders = Counter()
    real_render = notifications.render_to_string

    def counting_render(template, context=None, *args, **kwargs):
        renders[template] += 1
        return real_render(template, context, *args, **kwargs)

    monkeypatch.setattr(notifications, "render_to_string", counting_render)
    mailed = deliver_events_notifications(events)

    # four recipients per event (two clerks, two members of the office), one of them muted for this kind
    assert Notification.objects.filter(event__in=events).count() == 12
    assert mailed == len(mailoutbox) == 9
    assert "koordination@example.org" not in {m.to[0] for m in mailoutbox}
    # each text rendered once per event and kind, not per recipient; the HTML once per distinct text
    assert renders == {"staffing/email/subject.txt": 3, "staffing/email/notification.txt": 3,
                       "staffing/email/notification.html": 3}
    assert CountingBackend.opened == 1
    assert len({m.subject for m in mailoutbox}) == 3 and all(str(pk) in " ".join(m.subject for m in mailoutbox)
                                                               for pk in ids)
    assert not NoticeEvent.objects.filter(pk__in=events, notifications_sent_at=None).exists()
    assert Notification.objects.filter(event__in=events, emailed_at=None).count() == 3  # the muted ones
    # delivered again (a redelivered task, the outbox): nothing more
    assert deliver_events_notifications(events) == 0
    assert Notification.objects.filter(event__in=events).count() == 12 and len(mailoutbox) == 9


def test_the_outbox_delivers_a_batch_the_broker_missed(
        witten_office, clerk_witten, coordinator, clock, monkeypatch, mailoutbox, caplog,
        django_capture_on_commit_callbacks):
    ids = due(witten_office, clerk_witten, clock, 4)
    mailoutbox.clear()

    def refuse(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(deliver_events_notifications, "delay", refuse)
    notifications.reset_broker_state()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert sorted(services.sweep_approvals()) == sorted(ids)
    finally:
        notifications.reset_broker_state()
    assert "4 events stay in the outbox" in caplog.text
    assert not Notification.objects.filter(kind=K.APPROVED_BY_SILENCE).exists()
    clock.move_to(PERIOD_END.replace(minute=2), tick=False)
    result = run_sweep()
    # the four approvals, and the four submissions whose hand-off this test never ran
    assert result["outbox"] == 8 and result["approved"] == 0
    assert Notification.objects.filter(kind=K.APPROVED_BY_SILENCE).count() == 8
    assert len(mailoutbox) == 12
    assert not NoticeEvent.objects.filter(notifications_sent_at=None).exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_sweepers_claim_disjoint_batches_and_approve_each_notice_exactly_once(
        witten_office, clerk_witten, coordinator, mailoutbox):
    """PostgreSQL: two sweepers at once (own connections) with small batches; SKIP LOCKED gives each its own
    batches, so both work and none waits for or repeats the other's notices."""
    from datetime import timedelta

    from django.utils import timezone

    from .test_concurrency import in_threads, submitted

    ids = submitted(witten_office, clerk_witten, 60)
    PlacementNotice.objects.filter(pk__in=ids).update(period_ends_at=timezone.now() - timedelta(seconds=1))
    mailoutbox.clear()

    (first, second), errors = in_threads(lambda: services.sweep_approvals(batch_size=5),
                                         lambda: services.sweep_approvals(batch_size=5))

    assert errors == [None, None]
    assert not set(first) & set(second), "a notice was returned by both sweepers"
    assert sorted(first + second) == sorted(ids)
    assert approvals() == Counter(dict.fromkeys(ids, 1))
    assert set(PlacementNotice.objects.filter(pk__in=ids).values_list("state", flat=True)) == {S.APPROVED_BY_SILENCE}
    told = Counter(Notification.objects.filter(kind=K.APPROVED_BY_SILENCE).values_list("notice_id", "recipient_id"))
    assert told == Counter({(pk, user.pk): 1 for pk in ids for user in (clerk_witten, coordinator)})
    print(f"split between the two sweepers: {len(first)} + {len(second)}")
