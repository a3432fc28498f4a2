"""Issue 17, acceptance: the demo has two districts in different Länder, each with its own agreement
settings, shown on the district administration's pages; each district's people see only their own."""
import pytest
from django.core.management import call_command
from django.urls import reverse

from staffing.models import AgreementRuleSet, District, PlacementNotice, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEMO_LOGINS_ENABLED = True  # the demo logins are refused otherwise
    call_command("seed_demo", verbosity=0)


def test_the_demo_has_two_districts_in_different_laender_with_their_own_settings(demo):
    en = District.objects.get(slug="en-kreis")
    lka = District.objects.get(slug="lk-augsburg")
    assert AgreementRuleSet.objects.get(district=en).holiday_region == "NW"
    bavarian = AgreementRuleSet.objects.get(district=lka)
    assert (bavarian.holiday_region, bavarian.catholic_holidays, bavarian.qualification_min_months) == ("BY", True, 12)
    assert set(lka.cities.values_list("name", flat=True)) == {"Gersthofen", "Königsbrunn", "Neusäß"}
    received = PlacementNotice.objects.filter(office__district=lka, received_at__isnull=False)
    assert received.count() == 3 and all(n.rule_set_id == bavarian.pk for n in received)
    assert all(n.rule_set.holiday_region == "NW"
               for n in PlacementNotice.objects.filter(office__district=en, received_at__isnull=False))
    for username in ("clerk-gersthofen", "koordination-lka", "kreis-lka"):
        assert User.objects.get(username=username).organisation.district == lka


def test_each_district_administration_sees_its_own_settings_and_may_change_them(demo, client):
    lka = District.objects.get(slug="lk-augsburg")
    en = District.objects.get(slug="en-kreis")
    client.force_login(User.objects.get(username="kreis-lka"))
    page = client.get(reverse("staffing:rule_sets")).content.decode()
    assert "Landkreis Augsburg" in page and "Bayern mit katholischen Feiertagen" in page
    assert 'id="regelwerk-lk-augsburg"' in page and 'id="regelwerk-en-kreis"' not in page
    assert reverse("staffing:rule_set_edit", args=[lka.pk]) in page
    assert reverse("staffing:rule_sets") in client.get(reverse("staffing:home")).content.decode()  # navigation
    client.force_login(User.objects.get(username="kreis"))
    page = client.get(reverse("staffing:rule_sets")).content.decode()
    assert 'id="regelwerk-en-kreis"' in page and "Nordrhein-Westfalen" in page
    assert "Landkreis Augsburg" not in page
    assert client.get(reverse("staffing:rule_set_edit", args=[lka.pk])).status_code == 404
    assert client.get(reverse("staffing:rule_set_edit", args=[en.pk])).status_code == 200


def test_a_bavarian_notice_names_its_rule_set(demo, client):
    notice = PlacementNotice.objects.get(reference="DEMO-GER-1")
    client.force_login(User.objects.get(username="koordination-lka"))
    page = client.get(reverse("staffing:notice_detail", args=[notice.pk])).content.decode()
    assert "Regelwerk Fassung 1: Bayern mit katholischen Feiertagen, Wochenfrist 1 Woche" in page
    client.force_login(User.objects.get(username="koordination"))
    assert client.get(reverse("staffing:notice_detail", args=[notice.pk])).status_code == 404
