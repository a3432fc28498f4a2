"""issue 17, points 4 and 5, in Chromium: the accessibility statement, the feedback form (submitted), imprint
and data protection as a visitor who is not signed in; every help page as each role; axe-core clean on each;
every link of the help pages and every contextual help link leads to a page that answers below 400 and
whose #anchor exists.

The pages visited come from guide/data/accessibility_audit.json, the file the statement is rendered from:
the statement cannot name a page these tests do not check."""
import ast
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from guide import selectors
from guide.models import Feedback

from . import data
from .helpers import ROOT, assert_accessible, header_link, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

AUDIT = selectors.accessibility_audit()
ROLES = ["clerk-witten", "koordination", "kreis", "leitung"]
IDS = re.compile(r'\sid="([^"]+)"')


def test_every_check_the_statement_names_exists():
    """The statement lists tests as its evidence: each file exists, and each named test is defined there."""
    for check in AUDIT["checked"]:
        path, _, name = check["test"].partition("::")
        source = ROOT / path
        assert source.is_file(), f"{path} named in guide/data/accessibility_audit.json does not exist"
        if name:
            functions = {node.name for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
                         if isinstance(node, ast.FunctionDef)}
            assert name in functions, f"{check['test']} named in the statement does not exist"


def _check_links(page, base_url: str, hrefs: list[str], *, cache: dict) -> int:
    """Every same-site link answers below 400 (through the page's cookies) and its #anchor exists there."""
    checked = 0
    for href in hrefs:
        if not href.startswith(base_url):
            continue
        parts = urlsplit(href)
        if parts.path.startswith(("/abmelden/", "/i18n/", "/admin/")):
            continue
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        if target not in cache:
            response = page.request.get(base_url + target)
            assert response.status < 400, f"{href} answered {response.status}"
            cache[target] = set(IDS.findall(response.text())) if "html" in response.headers.get(
                "content-type", "") else set()
        if parts.fragment:
            assert parts.fragment in cache[target], f"{href}: #{parts.fragment} does not exist on {target}"
        checked += 1
    return checked


def test_statement_feedback_imprint_and_privacy_as_a_visitor_without_login(site, page):
    for path in AUDIT["public_pages"]:
        response = page.goto(site + path)
        assert response.status == 200, path
        footer = page.locator("footer")
        for name in ("Barrierefreiheit", "Barriere melden", "Impressum", "Datenschutz"):
            expect(footer.get_by_role("link", name=name, exact=True)).to_be_visible()
        assert_accessible(page)

    page.goto(site + "/barrierefreiheit/")
    expect(page.locator("#konformitaet")).to_contain_text("teilweise barrierefrei")
    expect(page.locator("#schlichtungsstelle")).to_contain_text("Ombudsstelle")
    screenshot(page, "accessibility-statement")
    page.get_by_role("link", name="Formular für Rückmeldungen zur Barrierefreiheit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Barriere melden")
    expect(page.get_by_label("Betroffene Seite")).to_have_value("/barrierefreiheit/")  # from the Referer

    # without a message: the German error, the typed name kept, still accessible
    page.get_by_label("Ihr Name").fill("Erika Muster")
    page.get_by_role("button", name="Rückmeldung senden").click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte schreiben Sie Ihre Nachricht.")
    expect(page.get_by_label("Ihr Name")).to_have_value("Erika Muster")
    assert_accessible(page)
    screenshot(page, "accessibility-feedback-error")

    page.get_by_label("Ihre Nachricht").fill("Die Tabelle der Mitteilungen ist mit dem Screenreader schwer lesbar.")
    page.get_by_label("Ihre E-Mail-Adresse").fill("erika@example.org")
    page.get_by_role("button", name="Rückmeldung senden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank für Ihre Rückmeldung")
    assert_accessible(page)
    feedback = Feedback.objects.get()
    assert feedback.name == "Erika Muster" and feedback.page_url == "/barrierefreiheit/"
    assert any("Screenreader" in m.body for m in mail.outbox)

    # the login page and an error page carry the footer too
    page.goto(site + "/anmelden/")
    expect(page.locator("footer").get_by_role("link", name="Barrierefreiheit")).to_be_visible()
    page.goto(site + "/gibt-es-nicht/")
    expect(page.locator("footer").get_by_role("link", name="Barrierefreiheit")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("username", ROLES)
def test_every_help_page_as_each_role_is_accessible_and_none_of_its_links_is_broken(demo, page, username):
    login(page, demo, username)
    header_link(page, "Hilfe").click()  # from the menu behind the user's name
    expect(page.get_by_role("heading", level=1)).to_have_text("Hilfe")
    expect(page.get_by_text("(Ihre Rolle)").first).to_be_visible()
    cache: dict[str, set] = {}
    links = 0
    for path in AUDIT["help_pages"]:
        response = page.goto(demo + path)
        assert response.status == 200, path
        assert_accessible(page)
        hrefs = page.eval_on_selector_all("main a[href], footer a[href]", "els => els.map(e => e.href)")
        links += _check_links(page, demo, hrefs, cache=cache)
    assert links > 30
    print(f"{username}: {len(AUDIT['help_pages'])} help pages axe-clean, {links} links followed")


@pytest.mark.parametrize(("username", "paths"), [
    ("koordination", ["/mitteilungen/", "informed", "consultation", "/planung/kapazitaet/"]),
    ("kreis", ["escalated", "decided"]),
    ("clerk-witten", ["/mitteilungen/", "approved_by_silence", "consultation"]),
    ("leitung", ["informed"]),
])
def test_the_contextual_help_links_lead_to_their_sections(demo, page, username, paths):
    notices = data.a_notice_in_every_state()
    login(page, demo, username)
    cache: dict[str, set] = {}
    found = 0
    for path in paths:
        url = demo + (path if path.startswith("/") else f"/mitteilungen/{notices[path].pk}/")
        assert page.goto(url).status == 200
        hrefs = page.eval_on_selector_all("a.app-help-link", "els => els.map(e => e.href)")
        names = page.eval_on_selector_all("a.app-help-link", "els => els.map(e => e.textContent.trim())")
        assert all(name.startswith("Hilfe") for name in names), names
        found += len(hrefs)
        _check_links(page, demo, hrefs, cache=cache)
    assert found >= len(paths)

    # as a person would: follow the help next to the deadline, land on the section
    page.goto(demo + (paths[0] if paths[0].startswith("/") else f"/mitteilungen/{notices[paths[0]].pk}/"))
    link = page.get_by_role("link", name=re.compile("^Hilfe")).first
    target = Path(urlsplit(link.get_attribute("href")).path)
    link.click()
    expect(page).to_have_url(re.compile(re.escape(str(target))))
    fragment = urlsplit(page.url).fragment
    assert fragment and page.locator(f"#{fragment}").is_visible()
    assert_accessible(page)
