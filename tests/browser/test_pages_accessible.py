"""axe-core (vendored, never served) on every page a user reaches: no serious or critical violations
(WCAG 2.1 AA / BITV 2.0)."""
import pytest
from playwright.sync_api import expect

from .helpers import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def test_login_page_and_a_failed_login_are_accessible(demo, page):
    page.goto(f"{demo}/anmelden/")
    assert_accessible(page)
    page.get_by_label("Benutzername").fill("koordination")
    page.get_by_label("Passwort").fill("falsch")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("alert")).to_contain_text("Die Anmeldung ist fehlgeschlagen.")
    assert_accessible(page)

