"""Keyboard-only operation with visible focus (WCAG 2.1.1, 2.4.1, 2.4.7)."""
import re

import pytest
from playwright.sync_api import expect

from staffing.deadlines import format_period_end
from staffing.models import NoticeState

from . import data
from .helpers import PASSWORD, assert_focus_visible, login, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def test_skip_link_is_the_first_stop_and_moves_to_the_content(site, page):
    page.goto(f"{site}/anmelden/")
    page.keyboard.press("Tab")
    info = assert_focus_visible(page)
    assert info["text"] == "Zum Inhalt springen"
    expect(page.get_by_role("link", name="Zum Inhalt springen")).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#inhalt$"))
    assert page.evaluate("() => document.activeElement.id") == "inhalt"


def test_login_and_navigation_with_the_keyboard_only(demo, page):
    page.goto(f"{demo}/anmelden/")
    tab_to(page, "el => el.id === 'id_username'")
    page.keyboard.type("koordination")
    page.keyboard.press("Tab")
    assert_focus_visible(page)
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Übersicht")
    expect(page.get_by_text("Koordinierungsstelle beim Ennepe-Ruhr-Kreis").first).to_be_visible()
    # issue 14: "Mitteilungen" is a group of the navigation (<details>): open it, then choose the list
    tab_to(page, "el => el.tagName === 'SUMMARY' && el.textContent.trim().startsWith('Mitteilungen')")
    page.keyboard.press("Enter")
    tab_to(page, "el => el.tagName === 'A' && el.getAttribute('href') === '/mitteilungen/'")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/mitteilungen/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_clerk_opens_and_submits_a_draft_with_the_keyboard_only(demo, page):
    draft = data.complete_draft("Witten", name="Karla Tastatur")
    page.goto(f"{demo}/anmelden/")
    tab_to(page, "el => el.id === 'id_username'")
    page.keyboard.type("clerk-witten")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Übersicht")

    # the draft waits on the start page; Tab to its link and open it
    tab_to(page, f"el => el.getAttribute('href') === '/mitteilungen/{draft.pk}/'", limit=80)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/mitteilungen/{draft.pk}/$"))
    expect(page.get_by_role("main")).to_contain_text("Karla Tastatur")

    # confirm with Space, submit with Enter
    tab_to(page, "el => el.type === 'checkbox' && el.name === 'submit-confirm'", limit=80)
    page.keyboard.press("Space")
    assert page.evaluate("() => document.activeElement.checked") is True
    tab_to(page, "el => el.tagName === 'BUTTON' && el.textContent.trim() === 'Einreichen'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Die Mitteilung wurde eingereicht.")
    draft.refresh_from_db()
    assert draft.state == NoticeState.INFORMED
    expect(page.get_by_role("main")).to_contain_text(f"endet am {format_period_end(draft)}")


def test_error_summary_takes_the_focus_and_its_links_lead_to_the_fields(demo, page):
    login(page, demo, "clerk-witten")
    page.goto(f"{demo}/mitteilungen/neu/")
    tab_to(page, "el => el.tagName === 'BUTTON' && el.textContent.trim() === 'Einreichen'", limit=80)
    page.keyboard.press("Enter")
    expect(page.locator("#fehlerliste")).to_be_focused()
    assert_focus_visible(page)
    tab_to(page, "el => el.tagName === 'A' && el.getAttribute('href') === '#id_position'", limit=5)
    page.keyboard.press("Enter")
    expect(page.get_by_label("Stelle", exact=True)).to_be_focused()
    assert_focus_visible(page)
