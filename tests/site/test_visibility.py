"""PS-2 visibility rule: a city's people see their own city only, in the site and in the admin;
district people see all cities of their own district and nothing of another district."""
import pytest
from django.urls import reverse

from staffing import selectors
from staffing.models import Organisation

from ..factories import (
    CityFactory,
    PlacementNoticeFactory,
    PositionFactory,
    RegionalOfficeFactory,
    StaffMemberFactory,
    VacancyFactory,
    city_clerk,
    district_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hattingen_records(hattingen_office):
    position = PositionFactory(office=hattingen_office, title="Fachberater/in Hattingen")
    return {
        "staff": StaffMemberFactory(position=position, last_name="Hattinger"),
        "position": position,
        "vacancy": VacancyFactory(position=PositionFactory(office=hattingen_office, title="Vakanz Hattingen")),
        "notice": PlacementNoticeFactory(position=position),
    }


DETAIL_URLS = {
    "staff": "planning:staff_detail",
    "position": "staffing:position_detail",
    "vacancy": "staffing:vacancy_detail",
    "notice": "staffing:notice_detail",
}
ADMIN_URLS = {
    "staff": "admin:staffing_staffmember_change",
    "position": "admin:staffing_position_change",
    "vacancy": "admin:staffing_vacancy_change",
    "notice": "admin:staffing_placementnotice_change",
}


@pytest.mark.parametrize("kind", DETAIL_URLS)
def test_clerk_of_another_city_gets_404_on_detail_pages(client, clerk_witten, hattingen_records, kind):
    client.force_login(clerk_witten)
    response = client.get(reverse(DETAIL_URLS[kind], args=[hattingen_records[kind].pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("kind", DETAIL_URLS)
def test_clerk_of_own_city_opens_detail_pages(client, clerk_hattingen, hattingen_records, kind):
    client.force_login(clerk_hattingen)
    response = client.get(reverse(DETAIL_URLS[kind], args=[hattingen_records[kind].pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("url_name,text", [
    ("moved:staff_list", "Hattinger"),  # the former address, followed to the staff register
    ("staffing:position_list", "Fachberater/in Hattingen"),
    ("moved:vacancy_list", "Vakanz Hattingen"),  # the former address, followed to the vacancy list
    ("staffing:notice_list", "Fachberater/in Hattingen"),
])
def test_lists_show_own_city_only(client, clerk_witten, clerk_hattingen, hattingen_records, url_name, text):
    client.force_login(clerk_witten)
    assert text not in client.get(reverse(url_name), follow=True).content.decode()
    client.force_login(clerk_hattingen)
    assert text in client.get(reverse(url_name), follow=True).content.decode()


@pytest.mark.parametrize("kind", ADMIN_URLS)
def test_clerk_of_another_city_cannot_open_records_in_the_admin(client, clerk_witten, hattingen_records, kind):
    from django.contrib.auth.models import Permission

    clerk_witten.is_staff = True
    clerk_witten.save()
    clerk_witten.user_permissions.set(Permission.objects.filter(content_type__app_label="staffing"))
    client.force_login(clerk_witten)
    response = client.get(reverse(ADMIN_URLS[kind], args=[hattingen_records[kind].pk]))
    # Django's admin answers a pk outside get_queryset() with a redirect to the index and a message
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    changelist = reverse(ADMIN_URLS[kind].replace("_change", "_changelist"))
    page = client.get(changelist)
    assert page.status_code == 200
    assert str(hattingen_records[kind].pk) not in [str(pk) for pk in page.context["cl"].result_list.values_list(
        "pk", flat=True)]


def test_district_staff_see_every_city_of_their_district_and_none_of_another(
        district, other_district, witten_office, hattingen_office):
    foreign_office = RegionalOfficeFactory(city=CityFactory(district=other_district, name="Ratingen"))
    own = [PositionFactory(office=witten_office), PositionFactory(office=hattingen_office)]
    foreign = PositionFactory(office=foreign_office)
    for kind in (Organisation.Kind.COORDINATION, Organisation.Kind.DISTRICT_ADMIN, Organisation.Kind.MANAGEMENT):
        user = district_user(district, kind)
        visible = set(selectors.positions_visible_to(user))
        assert visible == set(own), kind
        assert foreign not in visible


def test_user_without_organisation_sees_nothing(witten_office):
    from ..factories import UserFactory

    PositionFactory(office=witten_office)
    assert not selectors.positions_visible_to(UserFactory()).exists()


def test_clerk_sees_only_the_own_city_in_the_selector(witten, hattingen_office, witten_office):
    clerk = city_clerk(witten)
    PositionFactory(office=hattingen_office)
    mine = PositionFactory(office=witten_office)
    assert list(selectors.positions_visible_to(clerk)) == [mine]
