"""issue 14, point 1: the page frame's header in two rows and the main navigation grouped by task – at most
seven top-level entries, each dataset once, organisation and role shown once, a group opens by keyboard and
without JavaScript (<details>); the start page shows the work first and the long vacancy table collapsed."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from staffing import hooks
from staffing.context_processors import header_identity
from staffing.models import Notification

from ..factories import PositionFactory, VacancyFactory

pytestmark = pytest.mark.django_db
ROLES = ("clerk_witten", "coordinator", "district_admin", "head")


def _home(client, user):
    client.force_login(user)
    return client.get(reverse("staffing:home"))


@pytest.mark.parametrize("role", ROLES)
def test_at_most_seven_top_level_entries_and_each_dataset_once(client, request, role, witten_office):
    context = _home(client, request.getfixturevalue(role)).context
    groups = context["nav_groups"]
    assert 1 <= len(groups) <= 7
    urls = [str(url) for group in groups for url, _label in group.items] + \
           [str(url) for url, _label in context["user_nav_items"]]
    assert len(urls) == len(set(urls)), urls
    labels = [str(label) for group in groups for _url, label in group.items]
    assert len(labels) == len(set(labels)), labels  # no "Vakanzen" next to "Offene Vakanzen"
    assert "Offene Vakanzen" not in labels


def test_a_group_of_several_items_is_a_disclosure_and_a_single_item_a_plain_link(client, coordinator, head):
    html = _home(client, coordinator).content.decode()
    assert '<details class="app-menu app-nav__menu" data-nav-group="staff">' in html
    assert '<summary class="app-nav__top">Personal &amp; Stellen</summary>' in html
    assert f'<a class="kern-link app-nav__top" href="{reverse("staffing:home")}" aria-current="page">Übersicht</a>' \
        in html  # the only item of its group: a plain link, marked as the current page
    head_html = _home(client, head).content.decode()  # the head's "Erstattung" holds the cut ledger only
    assert 'data-nav-group="reimbursement"' not in head_html
    assert f'<a class="kern-link app-nav__top" href="{reverse("staffing:cost_cut_ledger")}">Kürzungen</a>' in head_html


def test_the_group_of_the_current_page_is_marked(client, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("planning:capacity")).content.decode()
    assert '<summary class="app-nav__top app-nav__top--current">Planung &amp; Berichte</summary>' in html
    assert f'href="{reverse("planning:capacity")}" aria-current="page"' in html


def test_an_item_in_an_unknown_group_is_refused():
    with pytest.raises(ValueError, match="unknown navigation group"):
        hooks.navigation_groups({"x": [("/x/", "X", "elsewhere")]})


def test_a_dataset_offered_twice_is_linked_once_in_its_first_place():
    groups = hooks.navigation_groups({"a": [("/p/", "Personal", "staff")], "b": [("/p/", "Personal", "planning")]})
    assert [(g.key, g.urls) for g in groups] == [("staff", ["/p/"])]


def test_organisation_and_role_are_named_once(client, coordinator, clerk_witten):
    coordinator.organisation.name = "Koordinierungsstelle beim Ennepe-Ruhr-Kreis"
    coordinator.organisation.save()
    assert header_identity(coordinator) == "Koordinierungsstelle beim Ennepe-Ruhr-Kreis"
    html = _home(client, coordinator).content.decode()
    assert "Koordinierungsstelle · Koordinierungsstelle" not in html
    header = html[:html.index('aria-label="Hauptnavigation"')]
    assert header.count(">Koordinierungsstelle beim Ennepe-Ruhr-Kreis<") == 1
    assert f"Angemeldet: {coordinator.get_full_name()}" in header  # the name in the menu behind it


def test_a_user_without_organisation_is_named_by_role(admin_user):
    assert header_identity(admin_user) == "Administration"


def test_the_unread_count_is_one_unbreakable_badge_and_the_language_switch_in_the_utility_row(client, clerk_witten):
    for subject in ("Eins", "Zwei"):
        Notification.objects.create(recipient=clerk_witten, kind="submitted", subject=subject, body="…", url="/")
    html = _home(client, clerk_witten).content.decode()
    utility = html[html.index('class="kern-kopfzeile app-utility"'):html.index('aria-label="Hauptnavigation"')]
    assert 'app-nowrap"><span class="kern-label">2 ungelesen</span>' in utility
    assert 'name="language"' in utility and "Abmelden" in utility
    assert f'href="{reverse("staffing:user_settings")}"' in utility  # in the menu behind the user's name


def test_the_start_page_shows_the_work_first_and_the_long_vacancies_collapsed(client, settings, district_admin,
                                                                              witten_office):
    settings.VACANCY_FLAG_DAYS = 90
    today = timezone.localdate()
    for i in range(3):
        VacancyFactory(position=PositionFactory(office=witten_office, title=f"Lange offen {i}"),
                       vacated_on=today - datetime.timedelta(days=120 + i))
    html = _home(client, district_admin).content.decode()
    assert html.index('id="wartet"') < html.index('id="zahlen"') < html.index('id="vakanzen"')
    assert '<details class="app-collapsed">' in html and "3 Vakanzen anzeigen" in html
    assert "Lange offen 2" in html  # inside the disclosure, not lost


def test_the_long_vacancy_count_is_exact_beyond_the_rows_shown(client, settings, district_admin, witten_office):
    settings.VACANCY_FLAG_DAYS = 90
    today = timezone.localdate()
    for _ in range(22):
        VacancyFactory(position=PositionFactory(office=witten_office), vacated_on=today - datetime.timedelta(days=100))
    response = _home(client, district_admin)
    assert response.context["long_vacancy_count"] == 22 and len(response.context["long_vacancies"]) == 20
    assert "22 Vakanzen anzeigen" in response.content.decode()
