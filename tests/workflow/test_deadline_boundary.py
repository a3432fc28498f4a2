"""The end of the objection period through the services (PS-2.3, PS-2.4): a reaction in the last second of
the last day is in time, one at 00:00:00 after it is refused; approval by silence only from then on; the
coordination office is reminded once, one working day before the end, only while it has not reacted."""
from datetime import datetime

import pytest

from staffing import services
from staffing.models import NoticeState, Notification
from staffing.tasks import run_sweep

from .helpers import BERLIN, LAST_SECOND, PERIOD_END, REMINDER_DUE, complete_draft

pytestmark = pytest.mark.django_db

LATE_MESSAGE = ("Die Wochenfrist endete am Mittwoch, 02.12.2026, 24:00 Uhr; die Besetzung kann seit dem 03.12.2026 "
                "vollzogen werden (keine Reaktion innerhalb der Wochenfrist, PS-2.3). Eine Reaktion der "
                "Koordinierungsstelle ist nicht mehr möglich.")


@pytest.fixture
def informed(witten_office, clerk_witten, clock):
    notice = complete_draft(witten_office, clerk_witten)
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    return notice


@pytest.mark.parametrize("kind", ["concerns", "clarification"])
def test_an_objection_at_23_59_59_of_the_last_day_is_in_time(informed, coordinator, clock, kind):
    clock.move_to(LAST_SECOND, tick=False)
    services.notice_raise_objection(notice_id=informed.pk, by=coordinator, kind=kind, reason="Bitte erläutern.")
    informed.refresh_from_db()
    assert informed.state == NoticeState.CONSULTATION
    assert informed.objection_kind == kind
    clock.move_to(PERIOD_END, tick=False)
    assert run_sweep()["approved"] == 0
    assert not informed.events.filter(to_state=NoticeState.APPROVED_BY_SILENCE).exists()


def test_an_objection_at_00_00_00_after_the_last_day_is_refused_with_the_end_named(informed, coordinator, clock):
    clock.move_to(PERIOD_END, tick=False)
    with pytest.raises(services.WorkflowError) as exc:
        services.notice_raise_objection(notice_id=informed.pk, by=coordinator, kind="concerns", reason="zu spät")
    assert exc.value.messages == [LATE_MESSAGE]
    informed.refresh_from_db()
    assert informed.state == NoticeState.INFORMED
    assert list(informed.events.values_list("to_state", flat=True)) == ["informed"]


def test_an_objection_after_the_sweep_approved_is_refused_with_the_same_message(informed, coordinator, clock):
    clock.move_to(PERIOD_END, tick=False)
    assert run_sweep()["approved"] == 1
    with pytest.raises(services.WorkflowError) as exc:
        services.notice_raise_objection(notice_id=informed.pk, by=coordinator, kind="concerns", reason="zu spät")
    assert exc.value.messages == [LATE_MESSAGE]


@pytest.mark.parametrize(("at", "allowed"), [(LAST_SECOND, True), (PERIOD_END, False)], ids=["in-time", "late"])
def test_clearing_follows_the_same_boundary(informed, coordinator, clock, at, allowed):
    clock.move_to(at, tick=False)
    if allowed:
        services.notice_clear(notice_id=informed.pk, by=coordinator)
        informed.refresh_from_db()
        assert informed.state == NoticeState.CLEARED
    else:
        with pytest.raises(services.WorkflowError) as exc:
            services.notice_clear(notice_id=informed.pk, by=coordinator)
        assert exc.value.messages == [LATE_MESSAGE]


def test_the_sweep_approves_at_00_00_00_not_a_second_earlier(informed, clock):
    clock.move_to(LAST_SECOND, tick=False)
    assert services.sweep_approvals() == []
    clock.move_to(PERIOD_END, tick=False)
    assert services.sweep_approvals() == [informed.pk]
    assert services.sweep_approvals() == []
    informed.refresh_from_db()
    assert informed.state == NoticeState.APPROVED_BY_SILENCE


# --- the reminder one working day before the end ----------------------------------------------

def _reminders():
    return Notification.objects.filter(kind=Notification.Kind.REMINDER)


def test_the_reminder_goes_once_to_the_coordination_office_one_working_day_before_the_end(
        informed, coordinator, clerk_witten, district_admin, head, mailoutbox, clock,
        django_capture_on_commit_callbacks):
    assert informed.__class__.objects.get(pk=informed.pk).reminder_due_at == REMINDER_DUE
    clock.move_to(datetime(2026, 11, 30, 23, 59, 59, tzinfo=BERLIN), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_sweep()["reminded"] == 0
    clock.move_to(REMINDER_DUE, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_sweep()["reminded"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert run_sweep()["reminded"] == 0
    clock.move_to(LAST_SECOND, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_sweep()["reminded"] == 0
    assert list(_reminders().values_list("recipient__username", flat=True)) == ["koordination"]
    reminders = [m for m in mailoutbox if "Frist endet" in m.subject]
    assert [(m.to, m.subject) for m in reminders] == [
        ([coordinator.email], f"[JobAgentur EN] Frist endet bald: Mitteilung {informed.pk} (Witten)")]
    assert "endet am Mittwoch, 02.12.2026, 24:00 Uhr" in reminders[0].body


def test_the_reminder_before_a_weekend_goes_out_on_the_friday(witten_office, clerk_witten, coordinator, clock):
    clock.move_to(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN), tick=False)  # Monday: last day Monday 30.11.
    notice = complete_draft(witten_office, clerk_witten)
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    clock.move_to(datetime(2026, 11, 26, 23, 59, tzinfo=BERLIN), tick=False)
    assert services.sweep_reminders() == []
    clock.move_to(datetime(2026, 11, 27, 0, 0, tzinfo=BERLIN), tick=False)  # Friday
    assert services.sweep_reminders() == [notice.pk]


@pytest.mark.parametrize("reaction", ["clear", "raise_objection"])
def test_no_reminder_once_the_coordination_office_has_reacted(informed, coordinator, clock, reaction):
    if reaction == "clear":
        services.notice_clear(notice_id=informed.pk, by=coordinator)
    else:
        services.notice_raise_objection(notice_id=informed.pk, by=coordinator, kind="clarification",
                                        reason="Bitte Zeugnisse nachreichen.")
    clock.move_to(REMINDER_DUE, tick=False)
    assert run_sweep()["reminded"] == 0
    assert not _reminders().exists()


def test_no_reminder_for_a_withdrawn_notice(informed, clerk_witten, clock):
    services.notice_withdraw(notice_id=informed.pk, by=clerk_witten, reason="Bewerberin hat abgesagt")
    clock.move_to(REMINDER_DUE, tick=False)
    assert run_sweep()["reminded"] == 0
