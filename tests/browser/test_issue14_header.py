"""issue 14, points 1 and 7: every demo role's start page at 1280 and 1024 px in Debian's chromium – the body
no wider than the viewport, the header in at most two rows, the unread count on one line, every group of
the navigation opens by keyboard with its links inside the viewport, the work ("Wartet auf mich") before
the overviews, and axe-core clean."""
import re

import pytest
from playwright.sync_api import expect

from staffing.models import Notification, User

from .helpers import assert_accessible, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

ROLES = ["clerk-witten", "clerk-hattingen", "koordination", "kreis", "leitung"]
WIDTHS = [1280, 1024]

# the visible things in the header, clustered into rows by their vertical centre
HEADER_ROWS_JS = """() => {
    const header = document.querySelector('header.app-header');
    const boxes = [...header.querySelectorAll('a, summary, button, select, .app-identity')]
        .filter(el => el.offsetParent !== null && !el.closest('details:not([open]) > ul'))
        .map(el => el.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0);
    const rows = [];
    for (const r of boxes.sort((a, b) => a.top - b.top)) {
        const centre = r.top + r.height / 2;
        if (!rows.some(c => Math.abs(c - centre) < 14)) rows.push(centre);
    }
    return {rows: rows.length, bottom: header.getBoundingClientRect().bottom};
}"""

# how many lines the text of an element takes (its line boxes)
LINES_JS = """el => {
    const range = document.createRange(); range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
}"""


def _give_unread_notifications(username: str, n: int = 12) -> None:
    user = User.objects.get(username=username)
    Notification.objects.bulk_create(
        Notification(recipient=user, kind="submitted", subject=f"Hinweis {i}", body="…", url="/") for i in range(n))


@pytest.mark.parametrize("username", ROLES)
def test_the_start_page_fits_both_widths_with_a_two_row_header(demo, page, username):
    _give_unread_notifications(username)  # at least two digits, as after a holiday
    login(page, demo, username)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{demo}/")
        layout = page.evaluate("() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
        assert layout["scroll"] <= layout["inner"], f"{username} at {width} px: body {layout['scroll']} px wide"
        rows = page.evaluate(HEADER_ROWS_JS)
        assert rows["rows"] <= 2, f"{username} at {width} px: header in {rows['rows']} rows"

        badge = page.locator(".app-inbox .kern-badge .kern-label")
        expect(badge).to_have_text(re.compile(r"^\d\d+ ungelesen$"))
        assert badge.evaluate(LINES_JS) == 1, f"{username} at {width} px: the unread count breaks"
        identity = page.locator("summary.app-identity")  # the organisation (it says the role), in full
        assert identity.locator(".app-identity__text").evaluate(LINES_JS) == 1
        assert identity.evaluate("el => el.scrollWidth <= el.clientWidth"), f"{username} at {width} px: cut"
        assert "Koordinierungsstelle · Koordinierungsstelle" not in identity.inner_text()
        identity.focus()
        page.keyboard.press("Enter")  # the menu behind the name: settings and the other apps' links
        expect(page.locator(".app-account").get_by_role("link", name="Einstellungen")).to_be_visible()
        page.keyboard.press("Enter")
        expect(page.get_by_label("Sprache")).to_be_visible()

        nav = page.get_by_role("navigation", name="Hauptnavigation")
        tops = nav.locator(".app-nav__top")
        assert 1 <= tops.count() <= 7
        nav_box = nav.bounding_box()
        assert nav_box["x"] + nav_box["width"] <= width
        for summary in nav.locator("summary").all():  # each group opens by keyboard, its links on screen
            summary.focus()
            page.keyboard.press("Enter")
            links = summary.locator("xpath=..").get_by_role("link")
            assert links.count() >= 2
            for link in links.all():
                expect(link).to_be_visible()
                box = link.bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (username, width, link.inner_text())
            page.keyboard.press("Enter")  # and closes again
            expect(links.first).to_be_hidden()

        main = page.get_by_role("main")
        waiting = main.get_by_role("heading", name="Wartet auf mich")
        overview = main.get_by_role("heading", name="Mitteilungen nach Status")
        assert waiting.bounding_box()["y"] < overview.bounding_box()["y"]
        assert_accessible(page)
        if username in ("koordination", "clerk-witten", "kreis"):
            screenshot(page, f"issue14-start-{username}-{width}")


def test_the_district_sees_its_long_vacancies_behind_a_count(demo, page):
    login(page, demo, "kreis")
    page.goto(f"{demo}/")
    section = page.get_by_role("region", name="Vakanzen, die länger als 90 Tage offen sind")
    summary = section.locator("summary")
    expect(summary).to_have_text(re.compile(r"^\d+ Vakanzen? anzeigen$"))
    table = section.get_by_role("table")
    expect(table).to_be_hidden()
    summary.focus()
    page.keyboard.press("Enter")
    expect(table).to_be_visible()
    assert_accessible(page)
