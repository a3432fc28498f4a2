"""PS-4.3: open vacancies with days open, whether a notice exists, flagged after VACANCY_FLAG_DAYS;
the planning pages are in the navigation of the roles that need them."""
import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from ..factories import PlacementNoticeFactory, PositionFactory, VacancyFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime.datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")))
def test_vacancies_show_days_open_notice_and_flag(client, settings, clerk_witten, witten_office):
    settings.VACANCY_FLAG_DAYS = 90
    old = VacancyFactory(position=PositionFactory(office=witten_office, title="Alte Vakanz"),
                         vacated_on=datetime.date(2026, 8, 1))  # 116 days
    VacancyFactory(position=PositionFactory(office=witten_office, title="Neue Vakanz"),
                   vacated_on=datetime.date(2026, 11, 1))  # 24 days
    VacancyFactory(position=PositionFactory(office=witten_office, title="Besetzte Vakanz"),
                   vacated_on=datetime.date(2026, 1, 1), refilled_on=datetime.date(2026, 3, 1))
    PlacementNoticeFactory(position=old.position)
    client.force_login(clerk_witten)
    response = client.get(reverse("planning:vacancies"))
    rows = {r["vacancy"].position.title: r for r in response.context["rows"]}
    assert set(rows) == {"Alte Vakanz", "Neue Vakanz"}
    assert (rows["Alte Vakanz"]["days"], rows["Alte Vakanz"]["flagged"]) == (116, True)
    assert (rows["Neue Vakanz"]["days"], rows["Neue Vakanz"]["flagged"]) == (24, False)
    assert rows["Alte Vakanz"]["vacancy"].has_notice and not rows["Neue Vakanz"]["vacancy"].has_notice
    assert "1 Vakanz ist länger als 90 Tage offen." in response.content.decode()


def _nav(client, user):
    client.force_login(user)
    return {str(label) for _url, label in client.get(reverse("planning:capacity")).context["nav_sections"]["planning"]}


def test_navigation_per_role(client, clerk_witten, coordinator, district_admin, head, witten_office):
    common = {"Personalverzeichnis", "Quartalsmeldung", "Kapazitätsplan", "Vakanzen",
              "Stellenplan"}  # issue 13: the district's staff plan (PS-4.2), every role reads it
    # no "Nachrichten": planning messages are notifications (the header's "Benachrichtigungen")
    assert _nav(client, clerk_witten) == common | {"Fortbildung", "Coaching", "Erstattung"}
    assert _nav(client, coordinator) == common | {"Fortbildung", "Coaching", "Coaching-Auswertung", "Erstattung"}
    assert _nav(client, district_admin) == common | {"Fortbildung", "Coaching", "Coaching-Auswertung", "Erstattung"}
    assert _nav(client, head) == common | {"Coaching-Auswertung"}  # PS-3.3: aggregated evaluations only


def _groups(client, user):
    client.force_login(user)
    return {str(group.label): [str(label) for _url, label in group.items]
            for group in client.get(reverse("planning:capacity")).context["nav_groups"]}


def test_navigation_is_grouped_by_task(client, clerk_witten, coordinator, district_admin, head, witten_office):
    """issue 14: the planning items sit in the groups of their task, next to the core's items."""
    groups = _groups(client, district_admin)
    assert list(groups) == ["Übersicht", "Mitteilungen", "Personal & Stellen", "Planung & Berichte", "Erstattung"]
    assert groups["Personal & Stellen"] == ["Stellen", "Laufbahnen", "Personalverzeichnis", "Vakanzen",
                                            "Fortbildung", "Coaching"]
    assert groups["Planung & Berichte"] == ["Ziele", "Stellenplan", "Kapazitätsplan", "Quartalsmeldung",
                                            "Coaching-Auswertung", "Verfahrensstatistik"]  # issue 17
    assert "Erstattung" in groups["Erstattung"]
    head_groups = _groups(client, head)
    assert "Coaching" not in head_groups["Personal & Stellen"]
    assert head_groups["Planung & Berichte"][-1] == "Coaching-Auswertung"  # PS-3.3: aggregated only
    assert head_groups["Erstattung"] == ["Kürzungen"]  # the cut ledger only, no reimbursement


def test_every_navigation_item_opens(client, clerk_witten, coordinator, district_admin, head, witten_office):
    for user in (clerk_witten, coordinator, district_admin, head):
        client.force_login(user)
        for url, label in client.get(reverse("planning:capacity")).context["nav_sections"]["planning"]:
            assert client.get(url).status_code == 200, (user.username, label)


def test_page_frame_renders_the_planning_navigation(client, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("staffing:home")).content.decode()
    assert f'href="{reverse("planning:capacity")}"' in html and "Kapazitätsplan" in html


def test_a_newly_added_position_without_staff_is_listed_as_unfilled(client, clerk_witten, witten_plan):
    new = PositionFactory(office=witten_plan["office"], title="Neue Stelle 2027")
    client.force_login(clerk_witten)
    unfilled = list(client.get(reverse("planning:vacancies")).context["unfilled"])
    assert unfilled == [new]  # filled positions and the one with an open vacancy are not listed
