"""The main paths through the placement-notice machine (PS-2.2 to PS-2.5), end to end via services."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from staffing import services
from staffing.models import NoticeEvent, NoticeState, Notification
from staffing.tasks import run_sweep

from ..factories import CandidateFactory, PlacementNoticeFactory, PositionFactory, VacancyFactory

pytestmark = pytest.mark.django_db(transaction=False)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def draft(witten_office, clerk_witten):
    position = PositionFactory(office=witten_office)
    VacancyFactory(position=position)
    notice = PlacementNoticeFactory(position=position, created_by=clerk_witten)
    CandidateFactory(notice=notice)
    return notice


def test_silence_for_a_week_approves_and_placement_closes_the_vacancy(
        draft, clerk_witten, coordinator, mailoutbox, django_capture_on_commit_callbacks):
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services.notice_submit(notice_id=draft.pk, by=clerk_witten)
    draft.refresh_from_db()
    assert draft.state == NoticeState.INFORMED
    assert draft.period_ends_at == datetime(2026, 12, 3, 0, 0, tzinfo=BERLIN)
    assert Notification.objects.filter(recipient=coordinator, kind="submitted").count() == 1
    assert [m.to for m in mailoutbox] == [[coordinator.email]]
    with time_machine.travel(datetime(2026, 12, 2, 23, 59, 59, tzinfo=BERLIN), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert run_sweep()["approved"] == 0
    with time_machine.travel(datetime(2026, 12, 3, 0, 0, 0, tzinfo=BERLIN), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert run_sweep()["approved"] == 1
            assert run_sweep()["approved"] == 0
    draft.refresh_from_db()
    assert draft.state == NoticeState.APPROVED_BY_SILENCE
    assert NoticeEvent.objects.filter(notice=draft, to_state="approved_by_silence", actor=None).count() == 1
    assert Notification.objects.filter(recipient=clerk_witten, kind="approved_by_silence").count() == 1
    services.notice_place(notice_id=draft.pk, by=clerk_witten, placed_on=date(2027, 1, 1), confirm_ahead=True)
    draft.refresh_from_db()
    assert draft.state == NoticeState.PLACED
    assert draft.vacancy.refilled_on == date(2027, 1, 1)


def test_concerns_consultation_escalation_and_decision(draft, clerk_witten, coordinator, district_admin):
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN), tick=False):
        services.notice_submit(notice_id=draft.pk, by=clerk_witten)
    with time_machine.travel(datetime(2026, 12, 2, 23, 59, 59, tzinfo=BERLIN), tick=False):
        services.notice_raise_objection(notice_id=draft.pk, by=coordinator, kind="concerns",
                                        reason="Qualifikation entspricht nicht PS-1.2")
    services.notice_escalate(notice_id=draft.pk, by=coordinator, reason="keine Einigung",
                             participants="Frau Heimann, Herr Brandt", administrative_heads_involved=True)
    services.notice_decide(notice_id=draft.pk, by=district_admin, kind="refused", cut_percent=Decimal("5"),
                           cut_from=date(2027, 1, 1), cut_to=date(2027, 3, 31))
    draft.refresh_from_db()
    assert draft.state == NoticeState.DECIDED
    assert list(draft.events.order_by("pk").values_list("to_state", flat=True)) == [
        "informed", "consultation", "escalated", "decided"]
    assert "Heranziehungssatzung" in draft.events.order_by("pk").last().reason


def test_objection_after_the_period_is_refused_with_a_clear_message(draft, clerk_witten, coordinator):
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN), tick=False):
        services.notice_submit(notice_id=draft.pk, by=clerk_witten)
    with time_machine.travel(datetime(2026, 12, 3, 0, 0, 0, tzinfo=BERLIN), tick=False), \
            pytest.raises(services.WorkflowError) as exc:
        services.notice_raise_objection(notice_id=draft.pk, by=coordinator, kind="concerns", reason="zu spät")
    assert "Die Wochenfrist endete am Mittwoch, 02.12.2026, 24:00 Uhr" in exc.value.messages[0]
