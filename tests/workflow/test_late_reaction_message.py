"""Issue 12, point 8: a refused late step names the real reason.

When the coordination office's reaction arrives after the Wochenfrist (the sweep approved the notice
between page load and POST, or the period ended and no sweep ran yet), the user is told when the
period ended and since when the placement may go ahead; never "someone else was faster, repeat the
step". A genuine concurrent edit keeps the "inzwischen bearbeitet" message. One function decides
(`services.late_refusal`); the view and the services use it for every step.
"""
from datetime import datetime

import pytest
from django.urls import reverse
from django_fsm import ConcurrentTransition

from staffing import services, views
from staffing.models import NoticeState

from ..factories import district_user
from .helpers import BERLIN, PERIOD_END

pytestmark = pytest.mark.django_db

LATE = ("Die Wochenfrist endete am Mittwoch, 02.12.2026, 24:00 Uhr; die Besetzung kann seit dem 03.12.2026 "
        "vollzogen werden")
CONCURRENT = "inzwischen von jemand anderem bearbeitet"
PAYLOADS = {
    "clear": {"clear-seen_state": "informed", "clear-confirm": "on"},
    "request_clarification": {"request_clarification-seen_state": "informed",
                              "request_clarification-reason": "Bitte Zeugnis nachreichen."},
}


def post(client, notice, name, payload, *, user):
    client.force_login(user)  # again: the session of the page load has expired while the clock moved
    response = client.post(reverse("staffing:notice_action", args=[notice.pk, name]), payload)
    response.notice_pk = notice.pk
    return response


def shown(client, response) -> str:
    assert response.status_code == 302
    assert response["Location"] == reverse("staffing:notice_detail", args=[response.notice_pk])
    return client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("name", ["clear", "request_clarification"])
def test_the_sweep_approved_between_page_load_and_post(client, make_notice, coordinator, clock, name):
    notice = make_notice(NoticeState.INFORMED)
    client.force_login(coordinator)
    page = client.get(reverse("staffing:notice_detail", args=[notice.pk])).content.decode()
    assert f'id="schritt-{name}"' in page  # loaded while the week ran, with the form
    clock.move_to(PERIOD_END, tick=False)
    assert services.sweep_approvals() == [notice.pk]
    html = shown(client, post(client, notice, name, PAYLOADS[name], user=coordinator))
    assert LATE in html
    assert CONCURRENT not in html and "wiederholen" not in html
    notice.refresh_from_db()
    assert notice.state == NoticeState.APPROVED_BY_SILENCE


def test_a_late_post_without_the_seen_state_gets_the_same_reason(client, make_notice, coordinator, clock):
    notice = make_notice(NoticeState.APPROVED_BY_SILENCE)
    client.force_login(coordinator)
    html = shown(client, post(client, notice, "raise_concerns", {
        "raise_concerns-reason": "zu spät"}, user=coordinator))
    assert LATE in html and CONCURRENT not in html


def test_the_sweep_winning_inside_the_step_gets_the_late_reason(client, make_notice, coordinator, clock,
                                                                monkeypatch):
    """The sweep commits while the office's step runs (django-fsm's ConcurrentTransition)."""
    notice = make_notice(NoticeState.INFORMED)
    client.force_login(coordinator)
    clock.move_to(datetime(2026, 12, 2, 23, 59, 59, tzinfo=BERLIN), tick=False)

    def clear_losing_the_race(**kwargs):
        clock.move_to(PERIOD_END, tick=False)
        services.sweep_approvals()
        raise ConcurrentTransition("the sweep was faster")

    monkeypatch.setitem(views.SERVICES, "clear", clear_losing_the_race)
    html = shown(client, post(client, notice, "clear", PAYLOADS["clear"], user=coordinator))
    assert LATE in html and CONCURRENT not in html


@pytest.mark.parametrize("name", ["clear", "request_clarification"])
def test_the_week_ended_but_no_sweep_ran_yet(client, make_notice, coordinator, clock, name):
    notice = make_notice(NoticeState.INFORMED)
    client.force_login(coordinator)
    clock.move_to(datetime(2026, 12, 3, 0, 0, 5, tzinfo=BERLIN), tick=False)
    html = shown(client, post(client, notice, name, PAYLOADS[name], user=coordinator))
    assert LATE in html and CONCURRENT not in html
    notice.refresh_from_db()
    assert notice.state == NoticeState.INFORMED  # the sweep approves it on its next run
    with pytest.raises(services.WorkflowError) as exc:
        if name == "clear":
            services.notice_clear(notice_id=notice.pk, by=coordinator)
        else:
            services.notice_raise_objection(notice_id=notice.pk, by=coordinator, kind="clarification",
                                            reason="zu spät")
    assert exc.value.messages[0].startswith(LATE)


def test_a_genuine_concurrent_edit_keeps_the_concurrent_message(client, make_notice, coordinator, district,
                                                                 clock):
    notice = make_notice(NoticeState.INFORMED)
    colleague = district_user(district, "coordination", username="koordination-kollegin")
    clock.move_to(datetime(2026, 11, 27, 9, 0, tzinfo=BERLIN), tick=False)
    client.force_login(coordinator)
    services.notice_clear(notice_id=notice.pk, by=colleague)  # the colleague cleared it meanwhile
    html = shown(client, post(client, notice, "request_clarification", PAYLOADS["request_clarification"],
                              user=coordinator))
    assert CONCURRENT in html
    assert "Wochenfrist endete" not in html


def test_late_refusal_is_the_one_decision(make_notice, clock):
    silent = make_notice(NoticeState.APPROVED_BY_SILENCE)
    informed = make_notice(NoticeState.INFORMED)
    assert services.late_refusal(informed, "clear") is None  # the week still runs
    assert services.late_refusal(informed, "clear", now=PERIOD_END).startswith(LATE)
    assert services.late_refusal(informed, "withdraw", now=PERIOD_END) is None  # not a reaction of the office
    assert services.late_refusal(silent, "raise_objection").startswith(LATE)
    assert services.late_refusal(silent, "place") is None
    cleared = make_notice(NoticeState.CLEARED)
    assert services.late_refusal(cleared, "raise_objection") is None  # someone reacted in time: not "late"
