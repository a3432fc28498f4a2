"""The interface speaks German first; English only when the user chooses it with the switch."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_english_browser_still_gets_the_german_login_page(client):
    response = client.get(reverse("login"), headers={"Accept-Language": "en-US,en;q=0.9"})
    html = response.content.decode()
    assert 'lang="de"' in html
    assert "Passwort" in html


def test_the_language_switch_turns_the_pages_english(client):
    from django.core.management import call_command

    call_command("compilemessages_py", verbosity=0)  # .mo files are built by the set-up, not committed
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")}, follow=True)
    html = response.content.decode()
    assert 'lang="en"' in html
    assert "Password" in html
