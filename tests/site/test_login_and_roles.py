"""Login in German, demo logins only in development, and a start page for each role."""
import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

DEMO_USERS = ["clerk-witten", "clerk-hattingen", "koordination", "kreis", "leitung"]


def test_login_page_is_german(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="de"' in html
    assert "Anmelden" in html and "Passwort" in html


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("staffing:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("username,expected", [
    ("clerk-witten", "Stadt Witten"),
    ("clerk-hattingen", "Stadt Hattingen"),
    ("koordination", "Koordinierungsstelle"),
    ("kreis", "Kreisverwaltung"),
    ("leitung", "Leitung der JobAgentur"),
])
def test_each_demo_user_logs_in_and_lands_on_the_role_start_page(client, settings, username, expected):
    settings.DEMO_LOGINS_ENABLED = True
    call_command("seed_demo", verbosity=0)
    response = client.post(reverse("login"), {"username": username, "password": "demo"}, follow=True)
    assert response.status_code == 200
    assert response.wsgi_request.user.username == username
    html = response.content.decode()
    assert "Wartet auf mich" in html
    assert expected in html


def test_demo_logins_are_refused_when_disabled(client, settings):
    settings.DEMO_LOGINS_ENABLED = False
    call_command("seed_demo", verbosity=0)
    response = client.post(reverse("login"), {"username": "koordination", "password": "demo"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert "Die Anmeldung ist fehlgeschlagen" in response.content.decode()


def test_seed_demo_twice_changes_nothing(django_assert_num_queries):
    from django.apps import apps

    call_command("seed_demo", verbosity=0)
    models = list(apps.get_app_config("staffing").get_models()) + list(apps.get_app_config("planning").get_models())
    before = {m.__name__: m.objects.count() for m in models}
    from staffing.models import User

    hashes = dict(User.objects.values_list("username", "password"))
    call_command("seed_demo", verbosity=0)
    assert {m.__name__: m.objects.count() for m in models} == before
    assert dict(User.objects.values_list("username", "password")) == hashes


def test_seed_demo_creates_the_nine_cities_with_one_regional_office_each():
    from staffing.models import City, Office

    call_command("seed_demo", verbosity=0)
    en = {"district__slug": "en-kreis"}  # issue 17: the second demo district has cities of its own
    assert sorted(City.objects.filter(**en).values_list("name", flat=True)) == sorted([
        "Breckerfeld", "Ennepetal", "Gevelsberg", "Hattingen", "Herdecke", "Schwelm", "Sprockhövel",
        "Wetter (Ruhr)", "Witten"])
    assert Office.objects.filter(kind=Office.Kind.REGIONAL, **en).count() == 9
    assert Office.objects.filter(kind=Office.Kind.COORDINATION, **en).count() == 1
