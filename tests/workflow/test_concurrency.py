"""Concurrency on PostgreSQL (PS-2.3): sweeps running at the same time approve each due notice exactly once,
with one audit record and one notification and mail per recipient; an objection racing the sweep at the
boundary ends in exactly one consistent outcome. Each thread has its own database connection."""
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from staffing import services
from staffing.models import NoticeEvent, NoticeState, Notification, PlacementNotice
from staffing.tasks import run_sweep, send_notification_mails

from .helpers import REMINDER_DUE, SUBMITTED_AT, complete_draft

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def in_threads(*functions, timeout: float = 120):
    """Run each function in its own thread (own connection), released together by a barrier."""
    barrier = threading.Barrier(len(functions))
    results, errors = [None] * len(functions), [None] * len(functions)

    def run(index, function):
        try:
            connections["default"].ensure_connection()  # connect first: the race is about the work
            barrier.wait(timeout=30)
            results[index] = function()
        except BaseException as exc:  # reported to the test below
            errors[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, f), daemon=True) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread hangs (deadlock?)"
    return results, errors


def submitted(office, clerk, count: int) -> list[int]:
    ids = []
    for _ in range(count):
        notice = complete_draft(office, clerk)
        services.notice_submit(notice_id=notice.pk, by=clerk)
        ids.append(notice.pk)
    return ids


def test_two_concurrent_sweeps_approve_each_due_notice_exactly_once(
        witten_office, clerk_witten, coordinator, mailoutbox):
    ids = submitted(witten_office, clerk_witten, 50)
    PlacementNotice.objects.filter(pk__in=ids).update(period_ends_at=timezone.now() - timedelta(seconds=1))
    mailoutbox.clear()

    results, errors = in_threads(run_sweep, run_sweep)

    assert errors == [None, None]
    assert sum(r["approved"] for r in results) == 50
    assert set(PlacementNotice.objects.filter(pk__in=ids).values_list("state", flat=True)) == {
        NoticeState.APPROVED_BY_SILENCE}
    approvals = Counter(NoticeEvent.objects.filter(to_state=NoticeState.APPROVED_BY_SILENCE)
                        .values_list("notice_id", flat=True))
    assert approvals == Counter(dict.fromkeys(ids, 1))
    assert set(NoticeEvent.objects.filter(to_state=NoticeState.APPROVED_BY_SILENCE)
               .values_list("actor", flat=True)) == {None}
    told = Counter(Notification.objects.filter(kind=Notification.Kind.APPROVED_BY_SILENCE)
                   .values_list("notice_id", "recipient__username"))
    assert told == Counter({(pk, name): 1 for pk in ids for name in ("clerk-witten", "koordination")})
    mails = Counter((m.to[0], m.subject) for m in mailoutbox)
    assert len(mails) == 100 and set(mails.values()) == {1}
    assert run_sweep()["approved"] == 0


def test_concurrent_sweeps_mail_each_pending_reminder_once(
        witten_office, clerk_witten, coordinator, mailoutbox, time_machine, monkeypatch):
    time_machine.move_to(SUBMITTED_AT, tick=False)
    ids = submitted(witten_office, clerk_witten, 30)

    def broker_down(*args, **kwargs):
        raise ConnectionError("Connection refused")

    with monkeypatch.context() as patch:  # the reminders' mails cannot be handed to the worker
        patch.setattr(send_notification_mails, "delay", broker_down)
        time_machine.move_to(REMINDER_DUE, tick=False)
        assert run_sweep()["reminded"] == 30
    mailoutbox.clear()
    time_machine.move_to(REMINDER_DUE + timedelta(minutes=2), tick=False)

    results, errors = in_threads(run_sweep, run_sweep, run_sweep)

    assert errors == [None, None, None]
    assert sum(r["mailed"] for r in results) == 30
    reminders = Counter((m.to[0], m.subject) for m in mailoutbox)
    assert sorted(reminders.values()) == [1] * 30
    assert {subject.split("Mitteilung ")[1].split(" ")[0] for _, subject in reminders} == {str(pk) for pk in ids}
    assert not Notification.objects.filter(kind=Notification.Kind.REMINDER, emailed_at=None).exists()


LATE = "Die Wochenfrist endete am"


def test_an_objection_racing_the_sweep_at_the_boundary_has_one_consistent_outcome(
        witten_office, clerk_witten, coordinator):
    outcomes = Counter()
    # the objection is taken a few milliseconds before, at, or after the end; the sweep right at the end
    for offset_ms in (-20, -5, -2, 0, 0, 2, 5, 20):
        [pk] = submitted(witten_office, clerk_witten, 1)
        ends = timezone.now() + timedelta(milliseconds=400)
        PlacementNotice.objects.filter(pk=pk).update(period_ends_at=ends)

        def at(moment):
            time.sleep(max(0.0, (moment - timezone.now()).total_seconds()))

        def objection(pk=pk, moment=ends + timedelta(milliseconds=offset_ms)):
            at(moment)
            return services.notice_raise_objection(notice_id=pk, by=coordinator, kind="concerns",
                                                   reason="Bedenken in letzter Sekunde")

        def sweep(moment=ends):
            at(moment)
            return services.sweep_approvals()

        (_, swept), (objection_error, sweep_error) = in_threads(objection, sweep)
        assert sweep_error is None
        services.sweep_approvals()  # a row the racing sweep skipped (locked) is approved now, if due
        notice = PlacementNotice.objects.get(pk=pk)
        trail = list(notice.events.order_by("pk").values_list("to_state", flat=True))
        if objection_error is None:
            assert notice.state == NoticeState.CONSULTATION
            assert trail == ["informed", "consultation"]
            assert pk not in swept
            outcomes["objection in time"] += 1
        else:
            assert isinstance(objection_error, services.WorkflowError), repr(objection_error)
            assert objection_error.messages[0].startswith(LATE)
            assert notice.state == NoticeState.APPROVED_BY_SILENCE
            assert trail == ["informed", "approved_by_silence"]
            outcomes["approved, objection refused"] += 1
    assert sum(outcomes.values()) == 8, outcomes
    print(f"race outcomes: {dict(outcomes)}")  # shown with -s; both outcomes are consistent
