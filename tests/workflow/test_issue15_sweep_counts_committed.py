"""Issue 15, point 8: the deadline sweep counts only approvals that committed, and `process_deadlines`
prints that count. The commit of one notice's approval fails (a database error raised by COMMIT, as when
the connection drops at that moment): the notice stays "informed", and the printed count is the number of
notices approved in the database, not one more."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection

from staffing import services
from staffing.models import NoticeState, PlacementNotice

from .helpers import PERIOD_END, complete_draft

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: the sweep's own transactions commit


@pytest.fixture
def failing_commit_of(monkeypatch):
    """failing_commit_of(pk): the COMMIT of the transaction that approves notice `pk` raises a DatabaseError
    (once); Django's atomic block then rolls that transaction back and re-raises."""
    state = {"victim": None, "pending": None, "failed": 0}
    real_transition = services._transition
    real_commit = connection.commit

    def transition(notice, name, **kwargs):
        if name == "approve_by_silence":
            state["pending"] = notice.pk
        return real_transition(notice, name, **kwargs)

    def commit():
        pending, state["pending"] = state["pending"], None
        if pending is not None and pending == state["victim"] and not state["failed"]:
            state["failed"] += 1
            raise DatabaseError("server closed the connection unexpectedly (simulated at COMMIT)")
        return real_commit()

    monkeypatch.setattr(services, "_transition", transition)
    monkeypatch.setattr(connection, "commit", commit)

    def arm(pk: int) -> dict:
        state["victim"] = pk
        return state

    return arm


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
    assert state["failed"] == 1  # the fault really happened
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
    assert state["failed"] == 1
    printed = out.getvalue().strip()
    print(printed)
    assert printed.startswith(f"Wochenfrist ohne Reaktion abgelaufen: {approved_in_database()},")
    assert printed.startswith("Wochenfrist ohne Reaktion abgelaufen: 2,")
    out = StringIO()
    call_command("process_deadlines", stdout=out)
    assert out.getvalue().startswith("Wochenfrist ohne Reaktion abgelaufen: 1,")
    assert approved_in_database() == 3
