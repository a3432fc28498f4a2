"""The notice detail page: deadline text, timeline, and exactly the steps the user may take, each as a
POST form through the services (PS-2.2 to PS-2.5); errors stay on the page, never a 500."""
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from staffing import services
from staffing.models import NoticeComment, NoticeState

from ..factories import CandidateFactory, PlacementNoticeFactory, PositionFactory
from .conftest import BERLIN, NOV_25, NOV_29

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_sunday_nov_29")]



@pytest.fixture
def draft(witten_office, clerk_witten):
    notice = PlacementNoticeFactory(position=PositionFactory(office=witten_office), created_by=clerk_witten)
    CandidateFactory(notice=notice, full_name="Dana Beispiel")
    return notice


@pytest.fixture
def informed(draft, clerk_witten):
    with time_machine.travel(NOV_25, tick=False):
        services.notice_submit(notice_id=draft.pk, by=clerk_witten)
    draft.refresh_from_db()
    return draft


def _action(client, notice, name, data, *, prefix=None):
    prefix = prefix or name
    payload = {f"{prefix}-{k}": v for k, v in data.items()}
    payload[f"{prefix}-seen_state"] = notice.state
    return client.post(reverse("staffing:notice_action", args=[notice.pk, name]), payload)


def test_detail_shows_the_deadline_in_words_and_the_timeline(client, coordinator, informed):
    client.force_login(coordinator)
    with time_machine.travel(NOV_29, tick=False):
        html = client.get(reverse("staffing:notice_detail", args=[informed.pk])).content.decode()
    assert "endet am Mittwoch, 02.12.2026, 24:00 Uhr (noch 3 Tage)" in html
    assert "Entwurf → Mitgeteilt, Frist läuft" in html
    assert "Dana Beispiel" in html


def test_detail_offers_exactly_the_users_steps(client, coordinator, clerk_witten, informed):
    client.force_login(coordinator)
    with time_machine.travel(NOV_29, tick=False):
        actions = [a["name"] for a in client.get(
            reverse("staffing:notice_detail", args=[informed.pk])).context["actions"]]
    assert actions == ["clear", "request_clarification", "raise_concerns"]
    client.force_login(clerk_witten)
    with time_machine.travel(NOV_29, tick=False):
        actions = [a["name"] for a in client.get(
            reverse("staffing:notice_detail", args=[informed.pk])).context["actions"]]
    assert actions == ["withdraw"]


def test_submit_from_the_detail_page_needs_confirmation(client, clerk_witten, draft):
    client.force_login(clerk_witten)
    response = _action(client, draft, "submit", {})
    assert response.status_code == 400
    assert "Bitte bestätigen Sie diesen Schritt." in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == NoticeState.DRAFT
    response = _action(client, draft, "submit", {"confirm": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == NoticeState.INFORMED


def test_clear(client, coordinator, informed):
    client.force_login(coordinator)
    with time_machine.travel(NOV_29, tick=False):
        response = _action(client, informed, "clear", {"confirm": "on", "reason": "passt"})
    assert response.status_code == 302
    informed.refresh_from_db()
    assert informed.state == NoticeState.CLEARED


def test_objection_without_reason_stays_on_the_page_with_the_input(client, coordinator, informed):
    client.force_login(coordinator)
    with time_machine.travel(NOV_29, tick=False):
        response = _action(client, informed, "raise_concerns", {"reason": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte begründen Sie Ihre Reaktion schriftlich." in html
    assert 'href="#id_raise_concerns-reason"' in html
    informed.refresh_from_db()
    assert informed.state == NoticeState.INFORMED


def test_objection_after_the_period_is_refused_with_a_message(client, coordinator, informed):
    with time_machine.travel(datetime(2026, 12, 3, 0, 0, 1, tzinfo=BERLIN), tick=False):
        client.force_login(coordinator)
        response = _action(client, informed, "raise_concerns", {"reason": "zu spät"})
        assert response.status_code == 302
        page = client.get(response.url).content.decode()
    assert "abgelaufen" in page
    informed.refresh_from_db()
    assert informed.state == NoticeState.INFORMED


def test_whole_consultation_path_through_the_pages(client, coordinator, district_admin, clerk_witten, informed):
    client.force_login(coordinator)
    with time_machine.travel(NOV_29, tick=False):
        assert _action(client, informed, "request_clarification", {"reason": "Werdegang unklar"}).status_code == 302
    informed.refresh_from_db()
    assert informed.state == NoticeState.CONSULTATION
    assert _action(client, informed, "escalate", {"reason": "keine Einigung", "participants": "A, B",
                                                  "confirm": "on"}).status_code == 302
    informed.refresh_from_db()
    assert informed.state == NoticeState.ESCALATED
    client.force_login(district_admin)
    both = _action(client, informed, "decide", {"cut_amount": "100", "cut_percent": "5", "confirm": "on"})
    assert both.status_code == 400
    assert "nicht beides" in both.content.decode()
    response = _action(client, informed, "decide", {"kind": "refused", "cut_percent": "5,5", "cut_from": "01.01.2027",
                                                    "cut_to": "31.12.2027", "confirm": "on"})
    assert response.status_code == 302
    informed.refresh_from_db()
    assert informed.state == NoticeState.DECIDED and not informed.placement_permitted
    assert [str(c.percent) for c in informed.cost_cuts.all()] == ["5.50"]
    html = client.get(reverse("staffing:notice_detail", args=[informed.pk])).content.decode()
    assert "§ 4 Abs. 1 der Heranziehungssatzung des Ennepe-Ruhr-Kreises vom 18.04.2007" in html
    assert "Besetzung unterbleibt" in html


def test_agree_and_place(client, coordinator, clerk_witten, informed):
    client.force_login(coordinator)
    with time_machine.travel(NOV_29, tick=False):
        _action(client, informed, "raise_concerns", {"reason": "PS-1.2"})
    informed.refresh_from_db()
    assert _action(client, informed, "agree", {"solution": "Praxiseinweisung", "for_district": "A",
                                               "for_city": "B"}).status_code == 302
    informed.refresh_from_db()
    assert informed.state == NoticeState.AGREED
    client.force_login(clerk_witten)
    missing_date = _action(client, informed, "place", {"confirm": "on"})
    assert missing_date.status_code == 400
    assert "Bitte geben Sie das Datum der Besetzung an." in missing_date.content.decode()
    # issue 12: the person is named, and a date more than PLACEMENT_MAX_DAYS_AHEAD ahead is confirmed
    person = str(informed.candidates.get().pk)
    assert _action(client, informed, "place", {"placed_on": "2027-02-01", "person": person, "confirm_ahead": "on",
                                               "confirm": "on"}).status_code == 302
    informed.refresh_from_db()
    assert informed.state == NoticeState.PLACED


def test_withdraw(client, clerk_witten, informed):
    client.force_login(clerk_witten)
    with time_machine.travel(NOV_29, tick=False):
        response = _action(client, informed, "withdraw", {"reason": "Stelle entfällt", "confirm": "on"})
    assert response.status_code == 302
    informed.refresh_from_db()
    assert informed.state == NoticeState.WITHDRAWN


def test_a_change_by_someone_else_meanwhile_gives_a_clear_message(client, coordinator, informed):
    client.force_login(coordinator)
    payload = {"clear-seen_state": "informed", "clear-confirm": "on"}
    with time_machine.travel(NOV_29, tick=False):
        services.notice_raise_objection(notice_id=informed.pk, by=coordinator, kind="concerns", reason="x")
        response = client.post(reverse("staffing:notice_action", args=[informed.pk, "clear"]), payload, follow=True)
    assert response.status_code == 200
    assert "inzwischen von jemand anderem bearbeitet" in response.content.decode()


def test_a_step_of_another_role_answers_403(client, clerk_witten, informed):
    client.force_login(clerk_witten)
    with time_machine.travel(NOV_29, tick=False):
        response = _action(client, informed, "clear", {"confirm": "on"})
    assert response.status_code == 403
    assert "Keine Berechtigung" in response.content.decode()


def test_comment(client, coordinator, informed):
    client.force_login(coordinator)
    url = reverse("staffing:notice_comment", args=[informed.pk])
    empty = client.post(url, {"text": ""})
    assert empty.status_code == 400
    assert "Bitte geben Sie einen Kommentar ein." in empty.content.decode()
    assert client.post(url, {"text": "Bitte Zeugnis nachreichen"}).status_code == 302
    assert NoticeComment.objects.get().text == "Bitte Zeugnis nachreichen"


def test_escalation_page_shows_the_record_and_the_decision_form(client, coordinator, district_admin, informed):
    """Issue 16, point 4: the page shows the record and links the decision form, which is built at its own URL
    (loaded into the row by htmx, a page of its own without JavaScript)."""
    with time_machine.travel(NOV_29, tick=False):
        services.notice_raise_objection(notice_id=informed.pk, by=coordinator, kind="concerns", reason="PS-1.2")
    services.notice_escalate(notice_id=informed.pk, by=coordinator, reason="keine Einigung")
    client.force_login(district_admin)
    html = client.get(reverse("staffing:escalation_list")).content.decode()
    assert "keine Einigung" in html
    form_url = reverse("staffing:escalation_decide", args=[informed.pk])
    assert f'href="{form_url}?next=/eskalationen/"' in html and f'hx-get="{form_url}?next=/eskalationen/"' in html
    form_page = client.get(form_url, {"next": "/eskalationen/"}).content.decode()
    assert "keine Einigung" in form_page and "Weisung im Einzelfall" in form_page
    assert f'action="{form_url}"' in form_page
