"""Issue 14, point 3 in a real browser at 1280 px on the demo data: the staff register and the notice list
choose their columns, so no page body is wider than the viewport and every action (edit, leaving, the
notice links) is on screen without horizontal scrolling; a long table scrolls inside its own box, so its
scrollbar is on screen too. axe-core stays clean."""
import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import VIEWPORT
from .helpers import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def body_width(page: Page) -> int:
    return page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def assert_on_screen(page: Page, locator) -> None:
    """The element's box lies inside the viewport horizontally and inside its table's scroll box."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box is not None, locator
    assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"], (locator, box)
    region = locator.evaluate("""el => { const r = el.closest('.kern-table-responsive');
        if (!r) return null; const b = r.getBoundingClientRect(); return {left: b.left, right: b.right}; }""")
    if region:
        assert box["x"] >= region["left"] - 1 and box["x"] + box["width"] <= region["right"] + 1, (locator, box)


def table_region(page: Page):
    return page.get_by_role("region", name="Tabelle, waagerecht scrollbar")


def test_staff_register_fits_1280_px_with_its_actions_on_screen(demo, page):
    login(page, demo, "clerk-witten")
    page.goto(f"{demo}/planung/personal/")
    expect(page.get_by_role("heading", name="Personalverzeichnis")).to_be_visible()
    assert body_width(page) <= VIEWPORT["width"]
    region = table_region(page)
    assert region.evaluate("el => el.scrollWidth <= el.clientWidth"), "the register needs no horizontal scrolling"
    edits = page.get_by_role("link", name=re.compile(r"^Bearbeiten "))
    leavings = page.get_by_role("link", name=re.compile(r"^Austritt "))
    assert edits.count() > 3 and edits.count() == leavings.count()
    for locator in (edits.first, leavings.first, edits.last, leavings.last):
        assert_on_screen(page, locator)
    # the box scrolls itself: its bottom edge (and scrollbar) is on screen once its top is
    region.scroll_into_view_if_needed()
    box = region.bounding_box()
    assert box["height"] <= VIEWPORT["height"], box
    assert_accessible(page)


def test_staff_register_of_the_whole_district_fits_1280_px(demo, page):
    login(page, demo, "kreis")
    page.goto(f"{demo}/planung/personal/")
    expect(page.get_by_role("heading", name="Personalverzeichnis")).to_be_visible()
    assert body_width(page) <= VIEWPORT["width"]
    assert table_region(page).evaluate("el => el.scrollWidth <= el.clientWidth")
    assert_on_screen(page, page.get_by_role("rowheader").first.get_by_role("link").first)
    assert_accessible(page)


@pytest.mark.parametrize("username", ["clerk-witten", "koordination"])
def test_notice_list_fits_1280_px_with_its_links_on_screen(demo, page, username):
    login(page, demo, username)
    page.goto(f"{demo}/mitteilungen/")
    expect(page.get_by_role("heading", name="Stellenbesetzungsmitteilungen")).to_be_visible()
    assert body_width(page) <= VIEWPORT["width"]
    assert table_region(page).evaluate("el => el.scrollWidth <= el.clientWidth")
    links = page.locator("#ergebnis tbody").get_by_role("link")
    assert links.count() > 0
    assert_on_screen(page, links.first)
    assert_on_screen(page, links.last)
    assert_on_screen(page, page.get_by_role("button", name="Filtern"))
    if username == "clerk-witten":
        assert_on_screen(page, page.get_by_role("link", name="Neue Mitteilung"))
    assert_accessible(page)


def test_mark_as_read_buttons_fit_on_one_line(demo, page):
    login(page, demo, "koordination")
    page.goto(f"{demo}/benachrichtigungen/")
    buttons = page.get_by_role("button", name=re.compile("^Als gelesen markieren"))
    if buttons.count() == 0:
        pytest.skip("no unread notification in the demo data")
    height = buttons.first.evaluate("""el => { const l = el.querySelector('.kern-label');
        return {h: l.getBoundingClientRect().height, lh: parseFloat(getComputedStyle(l).lineHeight)}; }""")
    assert height["h"] < 2 * height["lh"], height
    assert body_width(page) <= VIEWPORT["width"]


@pytest.mark.parametrize("username", ["koordination", "kreis"])
def test_continuity_table_on_the_start_page_shows_all_its_columns_at_1280_px(demo, page, username):
    """The start page's table of figures (PS-4.1) wraps its column heads instead of scrolling: its last
    column ("noch offen") is on screen without horizontal scrolling."""
    login(page, demo, username)
    page.goto(f"{demo}/")
    table = page.get_by_role("table", name=re.compile("^Kontinuität des Personals"))
    expect(table).to_be_visible()
    assert body_width(page) <= VIEWPORT["width"]
    region = table.locator("xpath=ancestor::div[contains(@class, 'kern-table-responsive')]")
    assert region.evaluate("el => el.scrollWidth <= el.clientWidth"), "the continuity table needs no scrolling"
    assert_on_screen(page, table.get_by_role("columnheader", name="noch offen"))
