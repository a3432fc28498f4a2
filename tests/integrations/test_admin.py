"""The integrations' admin pages are for superusers only."""
import pytest

from ..factories import UserFactory

pytestmark = pytest.mark.django_db
PAGES = ["/admin/integrations/externalidentity/", "/admin/integrations/substitution/",
         "/admin/integrations/calendarfeed/"]


@pytest.mark.parametrize("url", PAGES)
def test_superuser_sees_the_pages(client, url):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_staff_of_the_district_do_not(client, coordinator, url):
    coordinator.is_staff = True
    coordinator.save()
    client.force_login(coordinator)
    assert client.get(url).status_code == 403
