"""Issue 16, point 4: the district's decision on an escalated notice (PS-2.5) has its own small URL, the form of a
row of the escalation page: the same access as the page (another district's notice, a notice not escalated to the
user or an unknown number is 404, a city clerk is refused), GET shows the form (only the form for htmx), POST decides
through the service, errors stay on the form (400), then back to the page it came from."""

import pytest
import time_machine
from django.urls import reverse

from staffing import services
from staffing.models import DecisionKind, NoticeState, Organisation

from ..factories import (
    CandidateFactory,
    CityFactory,
    PlacementNoticeFactory,
    PositionFactory,
    RegionalOfficeFactory,
    city_clerk,
    district_user,
)
from .conftest import NOV_25

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_sunday_nov_29")]



def _escalated(office, clerk, coordinator, name="Dana Beispiel"):
    notice = PlacementNoticeFactory(position=PositionFactory(office=office), created_by=clerk)
    CandidateFactory(notice=notice, full_name=name)
    with time_machine.travel(NOV_25, tick=False):
        services.notice_submit(notice_id=notice.pk, by=clerk)
    services.notice_raise_objection(notice_id=notice.pk, by=coordinator, kind="concerns", reason="PS-1.2")
    services.notice_escalate(notice_id=notice.pk, by=coordinator, reason="keine Einigung")
    notice.refresh_from_db()
    return notice


@pytest.fixture
def escalated(witten_office, clerk_witten, coordinator):
    return _escalated(witten_office, clerk_witten, coordinator)


def _url(notice_or_pk):
    return reverse("staffing:escalation_decide", args=[getattr(notice_or_pk, "pk", notice_or_pk)])

def _assert_refused_as_concurrent(client, notice, *, seen_state):
    """A permission POSTed for a notice that changed meanwhile: back to the notice page (its message says so)."""
    response = client.post(_url(notice), {
        "decide-seen_state": seen_state, "decide-kind": DecisionKind.PERMITTED, "decide-confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("staffing:notice_detail", args=[notice.pk])



def test_get_shows_the_decision_form_as_a_page(client, district_admin, escalated):
    client.force_login(district_admin)
    response = client.get(_url(escalated), {"next": "/eskalationen/?seite=2"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Entscheidung des Kreises" in html and "Weisung im Einzelfall" in html and "keine Einigung" in html
    assert "<html" in html and f'action="{_url(escalated)}"' in html
    assert 'name="next" value="/eskalationen/?seite=2"' in html


def test_htmx_gets_only_the_form_for_the_row(client, district_admin, escalated):
    client.force_login(district_admin)
    html = client.get(_url(escalated), headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith(f'<div id="entscheidung-{escalated.pk}">') and "<html" not in html
    assert "Weisung im Einzelfall" in html and 'name="decide-kind"' in html


def test_post_decides_through_the_service_and_goes_back(client, district_admin, escalated):
    client.force_login(district_admin)
    response = client.post(_url(escalated), {
        "decide-seen_state": NoticeState.ESCALATED, "decide-kind": DecisionKind.PERMITTED, "decide-confirm": "on",
        "next": "/eskalationen/?seite=1"})
    assert response.status_code == 302 and response["Location"] == "/eskalationen/?seite=1"
    escalated.refresh_from_db()
    assert escalated.state == NoticeState.DECIDED and escalated.decision_kind == DecisionKind.PERMITTED
    assert escalated.events.filter(transition="decide", actor=district_admin).exists()
    messages = [str(m) for m in client.get(reverse("staffing:escalation_list")).context["messages"]]
    assert "Die Entscheidung des Kreises wurde festgehalten." in messages


def test_an_unsafe_next_falls_back_to_the_escalation_page(client, district_admin, escalated):
    client.force_login(district_admin)
    response = client.post(_url(escalated), {
        "decide-kind": DecisionKind.REFUSED, "decide-confirm": "on", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("staffing:escalation_list")


def test_an_invalid_decision_stays_on_the_form_with_the_errors(client, district_admin, escalated):
    client.force_login(district_admin)
    response = client.post(_url(escalated), {"decide-kind": DecisionKind.CONDITIONS, "decide-confirm": "on"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Bitte formulieren Sie die Weisung im Einzelfall (die Auflagen)." in html
    escalated.refresh_from_db()
    assert escalated.state == NoticeState.ESCALATED


def test_a_decision_on_a_changed_notice_is_refused_as_concurrent(client, district_admin, escalated):
    client.force_login(district_admin)
    _assert_refused_as_concurrent(client, escalated, seen_state=NoticeState.CONSULTATION)
    escalated.refresh_from_db()
    assert escalated.state == NoticeState.ESCALATED


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_districts_notice_is_not_found(client, method, other_district, escalated):
    other_admin = district_user(other_district, Organisation.Kind.DISTRICT_ADMIN, username="kreis-mettmann")
    client.force_login(other_admin)
    response = getattr(client, method)(_url(escalated), {"decide-kind": DecisionKind.PERMITTED, "decide-confirm": "on"})
    assert response.status_code == 404
    escalated.refresh_from_db()
    assert escalated.state == NoticeState.ESCALATED


def test_another_districts_admin_decides_only_their_own(client, other_district, coordinator, escalated):
    city = CityFactory(district=other_district, name="Ratingen", slug="ratingen")
    other_admin = district_user(other_district, Organisation.Kind.DISTRICT_ADMIN, username="kreis-mettmann")
    other_coordinator = district_user(other_district, Organisation.Kind.COORDINATION, username="koord-mettmann")
    own = _escalated(RegionalOfficeFactory(city=city), city_clerk(city, username="clerk-ratingen"), other_coordinator)
    client.force_login(other_admin)
    assert client.get(_url(own)).status_code == 200
    assert client.get(_url(escalated)).status_code == 404


@pytest.mark.parametrize("pk", [0, 999999, 2**40])
def test_unknown_numbers_are_not_found(client, district_admin, escalated, pk):
    client.force_login(district_admin)
    assert client.get(_url(pk)).status_code == 404
    assert client.post(_url(pk), {"decide-kind": DecisionKind.PERMITTED}).status_code == 404


def test_a_bad_number_in_the_address_is_not_found(client, district_admin):
    client.force_login(district_admin)
    assert client.get("/eskalationen/abc/entscheidung/").status_code == 404
    assert client.get("/eskalationen/-1/entscheidung/").status_code == 404


def test_a_notice_that_is_not_escalated_is_not_decided_here(client, district_admin, coordinator, witten_office,
                                                            clerk_witten):
    notice = PlacementNoticeFactory(position=PositionFactory(office=witten_office), created_by=clerk_witten)
    CandidateFactory(notice=notice)
    with time_machine.travel(NOV_25, tick=False):
        services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    client.force_login(district_admin)
    for state in ("informed", "consultation"):
        if state == "consultation":
            services.notice_raise_objection(notice_id=notice.pk, by=coordinator, kind="concerns", reason="PS-1.2")
        response = client.get(_url(notice))  # nothing to decide: back to the page, with a message
        assert response.status_code == 302 and response["Location"] == reverse("staffing:escalation_list")
        messages = [str(m) for m in client.get(reverse("staffing:escalation_list")).context["messages"]]
        assert "Zu dieser Mitteilung ist zurzeit keine Entscheidung des Kreises möglich." in messages
        response = client.post(_url(notice), {"decide-kind": DecisionKind.PERMITTED, "decide-confirm": "on"})
        assert response.status_code == 302
        notice.refresh_from_db()
        assert notice.state == state


def test_a_notice_decided_meanwhile_is_not_decided_twice(client, district_admin, escalated):
    client.force_login(district_admin)
    services.notice_decide(notice_id=escalated.pk, by=district_admin, kind=DecisionKind.REFUSED)
    _assert_refused_as_concurrent(client, escalated, seen_state=NoticeState.ESCALATED)
    escalated.refresh_from_db()
    assert escalated.decision_kind == DecisionKind.REFUSED


def test_a_citys_draft_is_not_found_for_the_district(client, district_admin, witten_office, clerk_witten):
    draft = PlacementNoticeFactory(position=PositionFactory(office=witten_office), created_by=clerk_witten)
    client.force_login(district_admin)
    assert client.get(_url(draft)).status_code == 404


@pytest.mark.parametrize("who", ["clerk_witten", "coordinator", "head"])
def test_who_may_not_decide_is_refused(client, request, who, escalated):
    client.force_login(request.getfixturevalue(who))
    response = client.post(_url(escalated), {"decide-kind": DecisionKind.PERMITTED, "decide-confirm": "on"})
    assert response.status_code in (302, 403, 404)
    escalated.refresh_from_db()
    assert escalated.state == NoticeState.ESCALATED


def test_the_page_builds_no_decision_form(client, district_admin, escalated):
    client.force_login(district_admin)
    html = client.get(reverse("staffing:escalation_list")).content.decode()
    assert 'name="decide-kind"' not in html
    assert f'href="{_url(escalated)}?next=/eskalationen/"' in html
