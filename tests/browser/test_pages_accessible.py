"""axe-core (vendored in tests/browser/vendor, never served) on every page a user reaches: no violation
of impact serious or critical (WCAG 2.1 AA / BITV 2.0). Each role's pages are crawled from its start
page (one page per URL pattern), plus the notice detail in every state and the pages with errors."""
import re
from pathlib import Path

import pytest
from django.test import RequestFactory
from playwright.sync_api import expect

from staffing import selectors
from staffing.context_processors import navigation
from staffing.models import NoticeState

from . import data
from .helpers import assert_accessible, crawl, header_link, login, nav_link, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

ROLES = ["clerk-witten", "koordination", "kreis", "leitung"]


def test_login_page_and_a_failed_login_are_accessible(site, page):
    page.goto(f"{site}/anmelden/")
    assert_accessible(page)
    screenshot(page, "login")
    page.get_by_label("Benutzername").fill("koordination")
    page.get_by_label("Passwort").fill("falsch")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("alert")).to_contain_text("Die Anmeldung ist fehlgeschlagen.")
    assert_accessible(page)


def detail_paths_in_every_state(username: str) -> list[str]:
    """One notice of each state the user can see."""
    user = data.user(username)
    paths = {}
    for notice in selectors.notices_visible_to(user).order_by("pk"):
        paths.setdefault(notice.state, f"/mitteilungen/{notice.pk}/")
    return list(paths.values())


def planning_paths(username: str) -> list[str]:
    """The planning pages this role's navigation offers."""
    request = RequestFactory().get("/")
    request.user = data.user(username)
    return [str(url) for url, _label in navigation(request)["nav_sections"]["planning"]]


@pytest.mark.parametrize("username", ROLES)
def test_every_page_of_every_role_is_accessible(demo, page, username):
    data.a_notice_in_every_state()
    details = detail_paths_in_every_state(username)
    assert len(details) >= (6 if username != "leitung" else 1)
    checked: list[str] = []
    login(page, demo, username)
    visited = crawl(page, demo, ["/", "/mitteilungen/?status=informed&sortierung=frist",
                                 "/benachrichtigungen/", "/einstellungen/", *details, *planning_paths(username)],
                    checked=checked, max_pages=60)
    print(f"{username}: axe-core passed on {len(checked)} pages: {' '.join(visited)}")
    assert "/einstellungen/" in visited and "/benachrichtigungen/" in visited
    if username in ("koordination", "kreis"):
        assert "/eskalationen/" in visited


def test_pages_with_errors_are_accessible(demo, page):
    """The error summary and the messages at the fields, on the notice form and on a detail page."""
    notices = data.a_notice_in_every_state()
    login(page, demo, "clerk-witten")
    page.goto(f"{demo}/mitteilungen/neu/")
    page.get_by_role("button", name="Einreichen", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Bitte prüfen Sie Ihre Angaben")).to_be_visible()
    assert_accessible(page)

    # an action without its confirmation and reason: the detail page with the error summary
    page.goto(f"{demo}/mitteilungen/{notices['approved_by_silence'].pk}/")
    expect(page.get_by_role("main")).to_contain_text(str(NoticeState.APPROVED_BY_SILENCE.label))
    page.get_by_role("button", name="Besetzung als durchgeführt eintragen").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Bitte bestätigen Sie diesen Schritt.")
    expect(summary).to_contain_text("Bitte geben Sie das Datum der Besetzung an.")
    assert_accessible(page)


@pytest.mark.parametrize(("username", "path", "button", "first_field"), [
    ("clerk-witten", "/planung/personal/neu/", "Speichern", "Funktion"),
    ("koordination", "/planung/fortbildung/", "Angebot anlegen", "Titel"),
    ("kreis", "/planung/erstattung/hoechstrahmen/neu/", "Festsetzen", "Stadt"),
    ("clerk-witten", "/integration/vertretung/", "Vertretung benennen", "Vertretung"),
], ids=["staff-form", "training-offer", "cap-form", "substitute"])
def test_planning_and_integration_forms_with_errors_share_the_error_summary(demo, page, username, path, button,
                                                                           first_field):
    """The one field include and error summary on the other apps' forms: the summary takes the focus,
    its links lead to the fields, and each error is read with its field (WCAG 3.3.1)."""
    login(page, demo, username)
    page.goto(f"{demo}{path}")
    page.get_by_role("button", name=button, exact=True).click()
    summary = page.locator("#fehlerliste")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Bitte prüfen Sie Ihre Angaben")
    assert_accessible(page)
    summary.get_by_role("link").filter(has_text=f"{first_field}:").first.click()
    field = page.get_by_label(first_field, exact=True)
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    error_id = field.get_attribute("aria-describedby").split()[-1]
    expect(page.locator(f"#{error_id}")).to_have_class(re.compile("kern-error"))


def test_notice_list_with_filters(demo, page):
    data.a_notice_in_every_state()
    login(page, demo, "koordination")
    nav_link(page, "Mitteilungen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stellenbesetzungsmitteilungen")
    screenshot(page, "notice-list")
    page.get_by_label("Status").select_option(label=str(NoticeState.CONSULTATION.label))
    page.get_by_label("Stadt").select_option(label="Witten")
    page.get_by_role("button", name=re.compile("Filtern|Anwenden|Suchen")).click()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.nth(1)).to_contain_text(str(NoticeState.CONSULTATION.label))
    expect(page).to_have_url(re.compile(r"status=consultation"))
    texts = rows.all_inner_texts()[1:]
    assert texts
    for text in texts:
        assert str(NoticeState.CONSULTATION.label) in text and "Witten" in text, text
    assert_accessible(page)

    # the CSV holds the filtered list
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("CSV")).click()
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Nr.;Stadt;")
    assert len(lines) == 1 + len(texts)
    assert all(";Witten;" in line and str(NoticeState.CONSULTATION.label) in line for line in lines[1:])


def test_email_settings_per_kind_are_kept(demo, page):
    login(page, demo, "koordination")
    header_link(page, "Einstellungen").click()  # issue 14: in the menu behind the user's name
    expect(page.get_by_role("heading", level=1)).to_have_text("Persönliche Einstellungen")
    reminder = page.get_by_role("checkbox", name="Frist endet bald")
    expect(reminder).to_be_checked()
    reminder.uncheck()
    page.get_by_role("button", name="Einstellungen speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Ihre Einstellungen wurden gespeichert.")
    expect(page.get_by_role("checkbox", name="Frist endet bald")).not_to_be_checked()
    expect(page.get_by_role("checkbox", name="Neue Mitteilung eingegangen")).to_be_checked()
    assert data.user("koordination").muted_email_kinds == ["reminder"]
    assert_accessible(page)
