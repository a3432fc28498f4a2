"""German first, English second: the language switch in the header changes the page text."""
import os

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .helpers import assert_accessible, header_link, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture
def compiled_catalogues(settings):
    """Compile locale/*/LC_MESSAGES/django.po (as `make setup` does) and let Django load them afresh."""
    call_command("compilemessages_py", stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)  # setting_changed: drop the cached translations


def test_switching_to_english_and_back(demo, page, compiled_catalogues):
    login(page, demo, "koordination")
    expect(page.get_by_role("heading", level=1)).to_have_text("Übersicht")
    expect(page.locator("html")).to_have_attribute("lang", "de")

    page.get_by_label("Sprache").select_option("en")
    page.get_by_role("button", name="Wechseln").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
    expect(page.get_by_role("heading", name="Waiting for me")).to_be_visible()
    notices = header_link(page, "Notices", within="nav[aria-label='Main navigation']")  # its group opened
    expect(notices).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert_accessible(page)

    # the choice holds on the next page
    notices.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Filter", exact=True)).to_be_visible()

    page.get_by_label("Language").select_option("de")
    page.get_by_role("button", name="Switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
