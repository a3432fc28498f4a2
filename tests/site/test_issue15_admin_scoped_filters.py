"""Issue 15, point 7: the admin's filter sidebars, autocomplete lists and foreign-key choices follow the same
access rule as its rows (staffing.access via the selectors). A staff user of district A's coordination office
sees no city, district, office, organisation or account of district B anywhere in the admin."""
import json

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.urls import reverse

from staffing.admin import ScopedRelatedFieldListFilter

from ..factories import (
    CityFactory,
    PlacementNoticeFactory,
    PositionFactory,
    RegionalOfficeFactory,
    StaffMemberFactory,
    UserFactory,
    VacancyFactory,
    city_clerk,
)

pytestmark = pytest.mark.django_db
FOREIGN = ("Ratingen", "Kreis Mettmann", "Jobcenter Ratingen", "clerk-ratingen")  # district B's names


def records_of(office):
    position = PositionFactory(office=office)
    StaffMemberFactory(position=position)
    VacancyFactory(position=position)
    PlacementNoticeFactory(position=PositionFactory(office=office))


@pytest.fixture
def two_districts(district, other_district, witten_office, hattingen_office):
    ratingen = CityFactory(district=other_district, name="Ratingen", slug="ratingen")
    foreign_office = RegionalOfficeFactory(city=ratingen, name="Jobcenter Ratingen")
    for office in (witten_office, hattingen_office, foreign_office):
        records_of(office)
    city_clerk(ratingen, username="clerk-ratingen")
    city_clerk(witten_office.city, username="clerk-witten")
    return ratingen


def filter_choices(response) -> list[str]:
    """Every choice of every filter in the changelist's sidebar, as displayed."""
    changelist = response.context["cl"]
    return [str(choice["display"]) for spec in changelist.filter_specs for choice in spec.choices(changelist)]


def changelists_with_filters():
    return [(model, model_admin) for model, model_admin in admin.site._registry.items()
            if model._meta.app_label == "staffing" and model_admin.list_filter]


def test_every_relation_filter_of_every_admin_is_scoped():
    """A new ModelAdmin cannot bring back an unscoped sidebar: every list_filter over a relation uses the
    scoped filter (all apps)."""
    unscoped = []
    for model, model_admin in admin.site._registry.items():
        for entry in [*model_admin.list_filter, *getattr(model_admin, "national_list_filter", [])]:
            if isinstance(entry, str) and get_fields_from_path(model, entry)[-1].is_relation:
                unscoped.append(f"{model.__name__}: {entry}")
            elif (isinstance(entry, tuple) and not issubclass(entry[1], ScopedRelatedFieldListFilter)
                  and get_fields_from_path(model, entry[0])[-1].is_relation):
                unscoped.append(f"{model.__name__}: {entry[0]} ({entry[1].__name__})")
    assert not unscoped


@pytest.mark.parametrize("model,model_admin", changelists_with_filters(),
                         ids=[m.__name__ for m, _ in changelists_with_filters()])
def test_the_filter_sidebar_offers_no_record_of_another_district(client, two_districts, district_staff, model,
                                                                  model_admin):
    response = client.get(reverse(f"admin:staffing_{model._meta.model_name}_changelist"))
    assert response.status_code == 200
    choices = filter_choices(response)
    assert not [choice for choice in choices for name in FOREIGN if name in choice], choices
    page = response.content.decode()
    assert not [name for name in FOREIGN if name in page]


def test_the_city_filters_still_offer_the_own_district_cities(client, two_districts, district_staff):
    # (a filter with a single choice left, such as the own district, is not shown by Django at all)
    for url in ("admin:staffing_position_changelist", "admin:staffing_office_changelist",
                "admin:staffing_staffmember_changelist", "admin:staffing_vacancy_changelist"):
        choices = filter_choices(client.get(reverse(url)))
        assert {"Witten", "Hattingen"} <= set(choices), (url, choices)


def test_a_superuser_sees_both_districts_in_the_sidebar(client, two_districts):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    choices = filter_choices(client.get(reverse("admin:staffing_position_changelist")))
    assert {"Witten", "Hattingen", "Ratingen"} <= set(choices)


def autocomplete(client, model_name, field_name, term=""):
    response = client.get(reverse("admin:autocomplete"), {"app_label": "staffing", "model_name": model_name,
                                                          "field_name": field_name, "term": term})
    assert response.status_code == 200, response.content
    return [item["text"] for item in json.loads(response.content)["results"]]


@pytest.mark.parametrize("model_name,field_name,own", [
    ("office", "city", {"Witten", "Hattingen"}),
    ("organisation", "city", {"Witten", "Hattingen"}),
    ("city", "district", {"Ennepe-Ruhr-Kreis"}),
    ("office", "district", {"Ennepe-Ruhr-Kreis"}),
])
def test_the_autocomplete_list_offers_no_record_of_another_district(client, two_districts, district_staff,
                                                                     model_name, field_name, own):
    texts = autocomplete(client, model_name, field_name)
    assert own <= set(texts)
    assert not [t for t in texts for name in FOREIGN if name in t]
    # a search term naming the other district's city finds nothing either
    assert autocomplete(client, model_name, field_name, term="Ratingen") == []


def test_the_autocomplete_of_organisations_and_accounts_stays_in_the_district(client, two_districts, district_staff):
    organisations = autocomplete(client, "user", "organisation")
    assert organisations and not [t for t in organisations for name in FOREIGN if name in t]
    assert all("Ratingen" not in t for t in autocomplete(client, "user", "organisation", term="Ratingen"))
    users = client.get(reverse("admin:staffing_user_changelist"), {"q": "clerk"})
    usernames = [u.username for u in users.context["cl"].result_list]
    assert "clerk-witten" in usernames and "clerk-ratingen" not in usernames


def test_the_form_choices_offer_no_city_of_another_district(client, two_districts, district_staff, witten_office):
    response = client.get(reverse("admin:staffing_office_change", args=[witten_office.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "Ratingen" not in [c.name for c in form.fields["city"].queryset]
    assert {d.name for d in form.fields["district"].queryset} == {"Ennepe-Ruhr-Kreis"}

