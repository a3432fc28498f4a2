"""Issue 12, points 5 and 6 through the pages: the ledger of administrative-cost cuts per city and year
(a city sees its own, the district all its cities), the goals page of the JobAgentur EN, and the notice
page showing the coordination office the goals statement and the kind of change."""
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from staffing.models import AdministrativeCostCut, JobAgenturGoal, NoticeEvent, NoticeKind, NoticeState

from ..factories import PlacementNoticeFactory, PositionFactory

pytestmark = pytest.mark.django_db


def cut_for(office, admin, *, year=2027, amount="1500.00", revoked=False):
    notice = PlacementNoticeFactory(position=PositionFactory(office=office), state=NoticeState.DECIDED,
                                    received_at=timezone.now(), period_ends_at=timezone.now())
    event = NoticeEvent.objects.create(notice=notice, transition="decide", from_state=NoticeState.ESCALATED,
                                       to_state=NoticeState.DECIDED, actor=admin)
    cut = AdministrativeCostCut.objects.create(
        city=office.city, notice=notice, decided_event=event, amount=amount, period_from=date(year, 1, 1),
        period_to=date(year, 12, 31), legal_basis="§ 4 Abs. 1 der Heranziehungssatzung", created_by=admin)
    if revoked:
        cut.revoked_at, cut.revoked_by, cut.revoke_reason, cut.revoked_event = event.at, admin, "Versehen", event
        cut.save()
    return cut


def test_the_ledger_shows_a_city_its_own_cuts_and_the_district_all(client, witten_office, hattingen_office,
                                                                    clerk_witten, coordinator, district_admin):
    own = cut_for(witten_office, district_admin)
    other = cut_for(hattingen_office, district_admin, revoked=True)
    client.force_login(clerk_witten)
    html = client.get(reverse("staffing:cost_cut_ledger"), {"jahr": 2027}).content.decode()
    assert f'id="kuerzung-{own.pk}"' in html and f'id="kuerzung-{other.pk}"' not in html
    assert "1.500,00 €" in html and "wirksam" in html
    client.force_login(coordinator)
    html = client.get(reverse("staffing:cost_cut_ledger"), {"jahr": 2027}).content.decode()
    assert f'id="kuerzung-{own.pk}"' in html and f'id="kuerzung-{other.pk}"' in html
    assert "aufgehoben" in html and "Versehen" in html


@pytest.mark.parametrize("year", ["2026", "abc", "99999"])
def test_the_ledger_shows_only_cuts_whose_period_touches_the_year(client, witten_office, clerk_witten,
                                                                  district_admin, year):
    cut = cut_for(witten_office, district_admin, year=2027)
    client.force_login(clerk_witten)
    response = client.get(reverse("staffing:cost_cut_ledger"), {"jahr": year})
    assert response.status_code == 200
    assert f'id="kuerzung-{cut.pk}"' not in response.content.decode()  # other years (or bad input: this year)


def test_the_goals_page_lets_the_coordination_office_keep_the_goals(client, district, coordinator, clerk_witten):
    client.force_login(coordinator)
    response = client.post(reverse("staffing:goal_list"), {"title": "Junge Menschen in Ausbildung"})
    assert response.status_code == 302
    goal = JobAgenturGoal.objects.get()
    assert goal.district == district and goal.active
    assert client.post(reverse("staffing:goal_list"), {"title": ""}).status_code == 400
    client.post(reverse("staffing:goal_list"), {"ziel": goal.pk, "aktiv": "0"})
    goal.refresh_from_db()
    assert not goal.active
    assert client.post(reverse("staffing:goal_list"), {"ziel": "x"}).status_code == 404
    client.force_login(clerk_witten)
    assert client.get(reverse("staffing:goal_list")).status_code == 200
    assert client.post(reverse("staffing:goal_list"), {"title": "Ziel der Stadt"}).status_code == 403


def test_the_notice_page_shows_the_goals_statement_and_the_kind_to_the_coordination_office(
        client, district, witten_office, coordinator):
    goal = JobAgenturGoal.objects.create(district=district, title="Langzeitleistungsbezug abbauen")
    notice = PlacementNoticeFactory(position=PositionFactory(office=witten_office), state=NoticeState.INFORMED,
                                    notice_kind=NoticeKind.TRANSFER, goals_statement="Stärkt die Fallsteuerung.",
                                    received_at=timezone.now(), period_ends_at=timezone.now() + timedelta(days=7))
    notice.goals.add(goal)
    client.force_login(coordinator)
    html = client.get(reverse("staffing:notice_detail", args=[notice.pk])).content.decode()
    assert "Stärkt die Fallsteuerung." in html and "Langzeitleistungsbezug abbauen" in html
    assert "Umsetzung / Funktionswechsel" in html
    listing = client.get(reverse("staffing:notice_list")).content.decode()
    assert "Umsetzung / Funktionswechsel" in listing
    csv = client.get(reverse("staffing:notice_export")).getvalue().decode("utf-8-sig")
    assert "Art der Veränderung" in csv.splitlines()[0] and "Umsetzung / Funktionswechsel" in csv


def test_the_form_refuses_a_past_start_and_asks_for_the_reason_of_an_early_one(client, witten_office, clerk_witten):
    position = PositionFactory(office=witten_office)
    client.force_login(clerk_witten)
    base = {"position": position.pk, "notice_kind": "new", "reason": "x", "goals_statement": "y",
            "personen-TOTAL_FORMS": "1", "personen-INITIAL_FORMS": "0", "personen-MIN_NUM_FORMS": "1",
            "personen-MAX_NUM_FORMS": "1000", "personen-0-full_name": "Dana", "personen-0-qualification": "degree",
            "personen-0-qualification_detail": "B.A.", "personen-0-professional_background": "Beratung",
            "personen-0-months_experience": "12"}
    past = client.post(reverse("staffing:notice_create"), {
        **base, "planned_start": (date.today() - timedelta(days=1)).isoformat(), "aktion": "entwurf"})
    assert past.status_code == 400 and "darf nicht in der Vergangenheit liegen" in past.content.decode()
    early = client.post(reverse("staffing:notice_create"), {
        **base, "planned_start": date.today().isoformat(), "aktion": "einreichen"})
    assert early.status_code == 400 and "vor dem Ende der Wochenfrist" in early.content.decode()
    done = client.post(reverse("staffing:notice_create"), {
        **base, "planned_start": date.today().isoformat(), "early_start_reason": "Vertretung endet",
        "aktion": "einreichen"})
    assert done.status_code == 302
