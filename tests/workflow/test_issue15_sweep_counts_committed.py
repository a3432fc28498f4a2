"""Issue 15, point 8: the deadline sweep counts only approvals that committed, and `process_deadlines`
prints that count. The commit of one notice's approval fails, in its batch and again alone (a database
error raised by COMMIT, as when the connection drops at that moment): the notice stays "informed", and the
printed count is the number of notices approved in the database, not one more."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection

from staffing import hooks, services
from staffing.models import NoticeState, PlacementNotice

from .helpers import PERIOD_END, complete_draft

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: the sweep's own transactions commit


@pytest.fixture
def failing_commit_of(monkeypatch):
    """failing_commit_of(pk): every COMMIT of a transaction that approves notice `pk` raises a DatabaseError,
    twice: the sweep's batch (issue 16: the notices are approved in batches) and then the notice's own
    transaction when the sweep approves the failed batch one by one. Django's atomic block then rolls that
    transaction back and re-raises. The approvals of a transaction are seen through the audit signal."""
    state = {"victim": None, "pending": set(), "failed": 0}
    real_commit = connection.commit

    def recorded(sender, event, **kwargs):
        if event.transition == "approve_by_silence":
            state["pending"].add(event.notice_id)

    def commit():
        pending, state["pending"] = state["pending"], set()
        if state["victim"] in pending and state["failed"] < 2:
            state["failed"] += 1
            raise DatabaseError("server closed the connection unexpectedly (simulated at COMMIT)")
        return real_commit()

    hooks.notice_step_recorded.connect(recorded, dispatch_uid="failing_commit_of")
    monkeypatch.setattr(connection, "commit", commit)

    def arm(pk: int) -> dict:
        state["victim"] = pk
        return state

    yield arm
    hooks.notice_step_recorded.disconnect(dispatch_uid="failing_commit_of")


def submit_three_and_pass_the_deadline(office, clerk, clock) -> list[PlacementNotice]:
    notices = [complete_draft(office, clerk) for _ in range(3)]
    for notice in notices:
        services.notice_submit(notice_id=notice.pk, by=clerk)
    clock.move_to(PERIOD_END.replace(hour=8), tick=False)
    return notices


def approved_in_database() -> int:
    return PlacementNotice.objects.filter(state=NoticeState.APPROVED_BY_SILENCE).count()


def test_sweep_returns_only_the_approvals_whose_commit_succeeded(
        witten_office, clerk_witten, coordinator, clock, failing_commit_of):
    notices = submit_three_and_pass_the_deadline(witten_office, clerk_witten, clock)
    state = failing_commit_of(notices[1].pk)
    approved = services.sweep_approvals()
    assert state["failed"] == 2  # the fault really happened: in the batch and in the notice's own retry
    assert sorted(approved) == sorted([notices[0].pk, notices[2].pk])
    assert approved_in_database() == len(approved) == 2
    notices[1].refresh_from_db()
    assert notices[1].state == NoticeState.INFORMED  # rolled back; the next sweep approves it
    assert services.sweep_approvals() == [notices[1].pk]
    assert approved_in_database() == 3


def test_process_deadlines_prints_the_committed_count(
        witten_office, clerk_witten, coordinator, clock, failing_commit_of):
    notices = submit_three_and_pass_the_deadline(witten_office, clerk_witten, clock)
    state = failing_commit_of(notices[0].pk)
    out = StringIO()
    call_command("process_deadlines", stdout=out)
    assert state["failed"] == 2
    printed = out.getvalue().strip()
    print(printed)
    assert printed.startswith(f"Wochenfrist ohne Reaktion abgelaufen: {approved_in_database()},")
    assert printed.startswith("Wochenfrist ohne Reaktion abgelaufen: 2,")
    out = StringIO()
    call_command("process_deadlines", stdout=out)
    assert out.getvalue().startswith("Wochenfrist ohne Reaktion abgelaufen: 1,")
    assert approved_in_database() == 3
