"""Issue 12, points 3 and 7, on the notice page: the two formal reactions next to the comment box, which
says that a comment does not stop the Wochenfrist; the city's statement and the proposal steps; the
directly involved head (PS-2.6) and what the head sees of the candidates (only aggregates elsewhere, and
then no record of access to candidates' data)."""
import pytest
import time_machine
from django.urls import reverse

from privacy.models import CandidateDataAccess
from staffing import services
from staffing.models import Function

from ..factories import CandidateFactory, FunctionFactory, PlacementNoticeFactory, PositionFactory
from ..workflow.helpers import SUBMITTED_AT

pytestmark = pytest.mark.django_db

HINT = ("Ein Kommentar hält die Wochenfrist nicht an. Um die Frist anzuhalten, melden Sie Klärungsbedarf an oder "
        "äußern Bedenken.")
HEAD_NOTE = ("Die Leitung der JobAgentur ist unmittelbar beteiligt und kann anstelle der Koordinierungsstelle "
             "reagieren (PS-2.6).")


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(SUBMITTED_AT, tick=False):
        yield


def _informed(office, clerk, *, leadership=False, head_involved=False):
    position = PositionFactory(office=office, **(
        {"function": FunctionFactory(code=Function.Code.TEAM_LEAD)} if leadership else {}))
    notice = PlacementNoticeFactory(position=position, created_by=clerk, head_involved=head_involved)
    CandidateFactory(notice=notice, full_name="Dana Beispiel")
    services.notice_submit(notice_id=notice.pk, by=clerk)
    notice.refresh_from_db()
    return notice


def _page(client, user, notice):
    client.force_login(user)
    response = client.get(reverse("staffing:notice_detail", args=[notice.pk]))
    assert response.status_code == 200
    return response.content.decode().replace("&#x27;", "'")


def test_the_comment_box_says_a_comment_does_not_stop_the_week_next_to_the_two_reactions(
        client, witten_office, clerk_witten, coordinator):
    notice = _informed(witten_office, clerk_witten)
    html = _page(client, coordinator, notice)
    assert HINT in html
    comments = html[html.index('id="kommentare-bereich"'):]
    assert 'href="#schritt-request_clarification"' in comments and 'href="#schritt-raise_concerns"' in comments
    assert 'id="schritt-request_clarification"' in html and 'id="schritt-raise_concerns"' in html
    # the city is told only that a comment does not stop the week
    city = _page(client, clerk_witten, notice)
    assert "Ein Kommentar hält die Wochenfrist nicht an." in city and HINT not in city
    # once the week no longer runs, no hint
    services.notice_raise_objection(notice_id=notice.pk, by=coordinator, kind="clarification", reason="Zeugnis?")
    assert "Ein Kommentar hält die Wochenfrist nicht an." not in _page(client, coordinator, notice)


def test_the_city_statement_and_the_proposal_are_offered_to_the_right_side(
        client, witten_office, clerk_witten, coordinator):
    notice = _informed(witten_office, clerk_witten)
    services.notice_raise_objection(notice_id=notice.pk, by=coordinator, kind="clarification", reason="Zeugnis?")
    city = _page(client, clerk_witten, notice)
    assert 'id="schritt-city_statement"' in city and 'id="schritt-propose_agreement"' in city
    assert 'id="schritt-agree"' not in city
    district = _page(client, coordinator, notice)
    assert 'id="schritt-city_statement"' not in district
    assert 'id="schritt-propose_agreement"' in district and 'id="schritt-agree"' in district
    services.notice_propose_agreement(notice_id=notice.pk, by=coordinator, solution="Einweisung",
                                      participants="A, B")
    assert 'id="schritt-confirm_agreement"' not in _page(client, coordinator, notice)
    city = _page(client, clerk_witten, notice)
    assert 'id="schritt-confirm_agreement"' in city and 'id="schritt-reject_agreement"' in city


def test_the_page_says_the_involved_head_may_react_and_offers_it_the_steps(
        client, witten_office, clerk_witten, head, coordinator):
    notice = _informed(witten_office, clerk_witten, leadership=True, head_involved=True)
    html = _page(client, head, notice)
    assert HEAD_NOTE in html
    for step in ("clear", "request_clarification", "raise_concerns"):
        assert f'id="schritt-{step}"' in html
    assert "Dana Beispiel" in html
    assert HEAD_NOTE in _page(client, coordinator, notice)


def test_the_head_sees_only_aggregates_where_not_involved_and_no_access_is_recorded(
        client, witten_office, clerk_witten, head, coordinator):
    notice = _informed(witten_office, clerk_witten)
    html = _page(client, head, notice)
    assert "Dana Beispiel" not in html
    assert "1 Person vorgeschlagen." in html
    assert HEAD_NOTE not in html and 'id="schritt-clear"' not in html
    assert not CandidateDataAccess.objects.filter(user=head).exists()
    assert "Dana Beispiel" in _page(client, coordinator, notice)
    assert CandidateDataAccess.objects.filter(user=coordinator, notice=notice).exists()
