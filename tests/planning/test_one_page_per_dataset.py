"""One page per dataset (issue 11): the staff register and the vacancy list live at one address each
(planning's), the former addresses answer with a permanent redirect that keeps the query string, and the
vacancy flag follows one rule (open longer than VACANCY_FLAG_DAYS days) on every page that shows it."""
import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from staffing import selectors

from ..factories import PositionFactory, StaffMemberFactory, VacancyFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
TODAY = NOW.date()


@pytest.mark.parametrize("old,new", [
    ("/personal/", "/planung/personal/"),
    ("/personal/?ausgeschieden=1&seite=2", "/planung/personal/?ausgeschieden=1&seite=2"),
    ("/personal/42/", "/planung/personal/42/"),
    ("/vakanzen/", "/planung/vakanzen/"),
    ("/vakanzen/?wiederbesetzte=1", "/planung/vakanzen/?wiederbesetzte=1"),
])
def test_former_addresses_redirect_permanently_with_their_query(client, clerk_witten, old, new):
    for signed_in in (False, True):  # the redirect tells nothing; the page it leads to checks the user
        if signed_in:
            client.force_login(clerk_witten)
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new)


def test_the_vacancy_detail_stays_where_it_was(client, clerk_witten, witten_office):
    vacancy = VacancyFactory(position=PositionFactory(office=witten_office))
    client.force_login(clerk_witten)
    assert reverse("staffing:vacancy_detail", args=[vacancy.pk]) == f"/vakanzen/{vacancy.pk}/"
    assert client.get(f"/vakanzen/{vacancy.pk}/").status_code == 200


def test_the_navigation_links_each_dataset_once_and_no_former_address(client, coordinator, witten_office):
    client.force_login(coordinator)
    context = client.get(reverse("staffing:home")).context
    urls = [str(url) for url, _label in list(context["nav_items"]) + list(context["user_nav_items"])]
    assert urls.count(reverse("planning:staff_register")) == 1 and urls.count(reverse("planning:vacancies")) == 1
    assert not {"/personal/", "/vakanzen/"} & set(urls)


def test_the_staff_detail_shows_what_the_register_leaves_out(client, clerk_witten, clerk_hattingen, coordinator,
                                                             witten_office):
    member = StaffMemberFactory(position=PositionFactory(office=witten_office), last_name="Adler",
                                months_experience=37, joined_on=datetime.date(2019, 4, 1))
    url = reverse("planning:staff_detail", args=[member.pk])
    client.force_login(clerk_witten)
    html = client.get(url).content.decode()
    assert "37" in html and "01.04.2019" in html
    assert reverse("planning:staff_edit", args=[member.pk]) in html  # the own office keeps it
    assert url in client.get(reverse("planning:staff_register")).content.decode()  # the register links it
    client.force_login(coordinator)
    assert reverse("planning:staff_edit", args=[member.pk]) not in client.get(url).content.decode()
    client.force_login(clerk_hattingen)
    assert client.get(url).status_code == 404


@time_machine.travel(NOW)
def test_one_flag_rule_on_the_list_the_detail_and_the_start_page(client, settings, coordinator, witten_office):
    settings.VACANCY_FLAG_DAYS = 90
    exactly = VacancyFactory(position=PositionFactory(office=witten_office, title="Genau neunzig"),
                             vacated_on=TODAY - datetime.timedelta(days=90))
    longer = VacancyFactory(position=PositionFactory(office=witten_office, title="Einundneunzig"),
                            vacated_on=TODAY - datetime.timedelta(days=91))
    client.force_login(coordinator)
    rows = {r["vacancy"].pk: r for r in client.get(reverse("planning:vacancies")).context["rows"]}
    assert (rows[exactly.pk]["days"], rows[exactly.pk]["flagged"]) == (90, False)
    assert (rows[longer.pk]["days"], rows[longer.pk]["flagged"]) == (91, True)
    home = client.get(reverse("staffing:home")).content.decode()
    assert "Einundneunzig" in home and "Genau neunzig" not in home
    assert list(selectors.vacancies_open_longer_than(coordinator)) == [longer]
    assert "über 90 Tage" in client.get(reverse("staffing:vacancy_detail", args=[longer.pk])).content.decode()
    assert "über 90 Tage" not in client.get(reverse("staffing:vacancy_detail", args=[exactly.pk])).content.decode()


@time_machine.travel(NOW)
def test_refilled_vacancies_on_request_never_flagged(client, settings, clerk_witten, witten_office):
    settings.VACANCY_FLAG_DAYS = 90
    VacancyFactory(position=PositionFactory(office=witten_office, title="Offen"), vacated_on=datetime.date(2026, 11, 1))
    VacancyFactory(position=PositionFactory(office=witten_office, title="Besetzt"),
                   vacated_on=datetime.date(2025, 1, 1), refilled_on=datetime.date(2025, 12, 1))
    client.force_login(clerk_witten)
    default = client.get(reverse("planning:vacancies"))
    assert [r["vacancy"].position.title for r in default.context["rows"]] == ["Offen"]
    response = client.get(reverse("planning:vacancies"), {"wiederbesetzte": "1"})
    rows = {r["vacancy"].position.title: r for r in response.context["rows"]}
    assert list(rows) == ["Offen", "Besetzt"]  # the open ones first
    assert (rows["Besetzt"]["days"], rows["Besetzt"]["flagged"]) == (334, False)
    assert "01.12.2025" in response.content.decode()
