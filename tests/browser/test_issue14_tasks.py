"""issue 14, points 7 and 8: the notice form and the decision form at 1280 and 1024 px, and each role's most
frequent task clicked through from its start page in Debian's chromium – counting the clicks and the page
loads it takes. The counts are the ones docs/usability.md states: the test reads that table and fails when
a task takes more (or fewer) clicks or page loads than the script says, or more than three page loads.
"""
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from staffing.models import NoticeState, PlacementNotice

from . import data
from .helpers import assert_accessible, login
from .test_issue14_header import HEADER_ROWS_JS, LINES_JS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

WIDTHS = [1280, 1024]
SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "usability.md"
MAX_PAGE_LOADS = 3


def assert_fits(page: Page, width: int, buttons: list[str], *, within=None) -> None:
    """No horizontal scroll on the body, the header in two rows at most, every named button on screen."""
    layout = page.evaluate("() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert layout["scroll"] <= layout["inner"], f"{page.url} at {width} px: body {layout['scroll']} px wide"
    assert page.evaluate(HEADER_ROWS_JS)["rows"] <= 2, f"{page.url} at {width} px: header wraps"
    scope = within if within is not None else page
    for name in buttons:
        button = scope.get_by_role("button", name=name, exact=True)
        button.scroll_into_view_if_needed()
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{name!r} off screen at {width} px: {box}"
        label = button.locator(".kern-label")
        lines = (label.first if label.count() else button).evaluate(LINES_JS)
        assert lines == 1, f"{name!r} squeezed into {lines} lines at {width} px"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_notice_form_fits_the_width_with_its_buttons_on_screen(demo, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, demo, "clerk-witten")
    page.goto(f"{demo}/mitteilungen/neu/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Neue Stellenbesetzungsmitteilung")
    assert_fits(page, width, ["Als Entwurf speichern", "Einreichen", "Weitere Person hinzufügen"])
    for label in ("Stelle", "Name", "Qualifikation"):  # the fields are as wide as they need, not wider
        box = page.get_by_label(label, exact=True).bounding_box()
        assert box["x"] + box["width"] <= width
    # refused (nothing filled): the error summary and the buttons still fit
    page.get_by_role("button", name="Einreichen", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Bitte prüfen Sie Ihre Angaben")).to_be_visible()
    assert_fits(page, width, ["Als Entwurf speichern", "Einreichen"])
    assert_accessible(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_decision_form_fits_the_width_and_names_what_belongs_together(demo, page, width):
    notice = data.escalated("Witten", name=f"Breite {width}")
    page.set_viewport_size({"width": width, "height": 900})
    login(page, demo, "kreis")
    page.goto(f"{demo}/mitteilungen/{notice.pk}/")
    decide = page.locator("form").filter(has=page.get_by_role("button", name="Entscheidung des Kreises", exact=True))
    assert_fits(page, width, ["Entscheidung des Kreises"], within=decide)
    for label in ("Kürzung für den Zeitraum von", "Kürzung für den Zeitraum bis"):
        field = decide.get_by_label(label)
        field.scroll_into_view_if_needed()
        box = field.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    expect(decide).to_contain_text("erforderlich bei „Besetzung mit Auflagen“")
    expect(decide).to_contain_text("bei einer Kürzung: Betrag oder Prozentsatz")
    assert_accessible(page)


class Task:
    """Counts what a person does: clicks (and key presses that act, like Enter on a menu) and the pages
    the browser loads in its main frame (a form post that redirects counts once, as the person sees it)."""

    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.clicks = 0
        self.inputs = 0
        self.loads = 0
        page.on("framenavigated", lambda frame: frame == page.main_frame and self._loaded())

    def _loaded(self):
        self.loads += 1

    def start(self):
        """Begin on the start page (not counted: the task starts there)."""
        self.page.goto(f"{self.base_url}/")
        self.clicks = self.inputs = self.loads = 0

    def click(self, locator):
        self.clicks += 1
        locator.click()

    def fill(self, locator, value: str):
        """Type into a field (one input)."""
        self.inputs += 1
        locator.fill(value)

    def choose(self, locator, **option):
        """Choose an option of a select (one input)."""
        self.inputs += 1
        locator.select_option(**option)

    def menu(self, group: str, link: str):
        """Open a group of the main navigation, then choose a link in it (two clicks)."""
        nav = self.page.get_by_role("navigation", name="Hauptnavigation")
        self.click(nav.locator("summary", has_text=group))
        self.click(nav.get_by_role("link", name=link, exact=True))


def script_counts() -> dict[str, tuple[int, int, int]]:
    """The table of docs/usability.md: task id -> (inputs, clicks, page loads)."""
    counts = {}
    for line in SCRIPT.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\|\s*`([a-z-]+)`\s*\|.*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*$", line)
        if match:
            counts[match.group(1)] = tuple(int(match.group(i)) for i in (2, 3, 4))
    return counts


def check_against_script(task_id: str, task: Task) -> None:
    expected = script_counts()
    assert task_id in expected, f"docs/usability.md has no row for `{task_id}`"
    assert task.loads <= MAX_PAGE_LOADS, f"{task_id}: {task.loads} page loads from the start page"
    measured = (task.inputs, task.clicks, task.loads)
    assert measured == expected[task_id], (
        f"{task_id}: measured {task.inputs} inputs, {task.clicks} clicks and {task.loads} page loads; "
        f"docs/usability.md says {expected[task_id]}")
    print(f"\n{task_id}: {task.inputs} inputs, {task.clicks} clicks, {task.loads} page loads")


def waiting_link(page: Page, notice: PlacementNotice):
    waiting = page.get_by_role("region", name="Wartet auf mich")
    return waiting.locator(f'a[href="/mitteilungen/{notice.pk}/"]').first


def action_form(page: Page, button: str):
    return page.locator("form").filter(has=page.get_by_role("button", name=button, exact=True))


def test_task_coordination_clears_a_notice(demo, page):
    notice = data.submitted_notice("Witten", name="Klara Freigabe")
    login(page, demo, "koordination")
    task = Task(page, demo)
    task.start()
    task.click(waiting_link(page, notice))
    form = action_form(page, "Ohne Bedenken freigeben")
    task.click(form.get_by_role("checkbox"))
    task.click(form.get_by_role("button", name="Ohne Bedenken freigeben"))
    expect(page.get_by_role("status")).to_be_visible()
    notice.refresh_from_db()
    assert notice.state == NoticeState.CLEARED
    check_against_script("koordination-freigeben", task)


def test_task_city_submits_a_notice(demo, page):
    login(page, demo, "clerk-witten")
    task = Task(page, demo)
    task.start()
    before = set(PlacementNotice.objects.values_list("pk", flat=True))
    task.click(page.get_by_role("main").get_by_role("link", name=re.compile("Neue Mitteilung")))
    task.choose(page.get_by_label("Stelle", exact=True), index=1)
    task.fill(page.get_by_label(re.compile("^geplanter Besetzungstermin", re.I)),
              (date.today() + timedelta(days=40)).strftime("%d.%m.%Y"))
    task.fill(page.get_by_label(re.compile("^Beitrag zu den Gesamtzielen")), "Die Stelle sichert die Vermittlung.")
    task.fill(page.get_by_label("Name", exact=True), "Tina Aufgabe")
    task.choose(page.get_by_label("Qualifikation", exact=True), label="Hochschul-/Fachhochschulabschluss")
    task.fill(page.get_by_label("Abschluss / Ausbildung"), "B.A. Soziale Arbeit")
    task.fill(page.get_by_label("Beruflicher Werdegang"), "Drei Jahre Fallmanagement.")
    task.fill(page.get_by_label("Monate einschlägiger Berufserfahrung"), "36")
    task.click(page.get_by_role("button", name="Einreichen", exact=True))
    expect(page.get_by_role("status")).to_contain_text("eingereicht")
    notice = PlacementNotice.objects.exclude(pk__in=before).get()
    assert notice.state == NoticeState.INFORMED
    check_against_script("stadt-einreichen", task)


def test_task_city_records_the_placement(demo, page):
    notice = data.approved_by_silence("Witten", name="Paula Besetzt")
    login(page, demo, "clerk-witten")
    task = Task(page, demo)
    task.start()
    task.click(waiting_link(page, notice))
    form = action_form(page, "Besetzung als durchgeführt eintragen")
    person = form.get_by_label("Paula Besetzt")
    if person.get_attribute("type") == "radio":  # one person: chosen for the clerk already
        if not person.is_checked():
            task.click(person)
    else:
        form.get_by_label(re.compile("Person")).select_option(label=re.compile("Paula Besetzt"))
    placed_on = form.get_by_label("besetzt am", exact=True)
    if not placed_on.input_value():
        task.fill(placed_on, date.today().strftime("%d.%m.%Y"))
    task.click(form.get_by_role("checkbox", name=re.compile("Ich bestätige, dass die Besetzung")))
    task.click(form.get_by_role("button", name="Besetzung als durchgeführt eintragen"))
    expect(page.get_by_role("status")).to_be_visible()
    notice.refresh_from_db()
    assert notice.state == NoticeState.PLACED
    check_against_script("stadt-besetzung", task)


def test_task_district_decides_an_escalation(demo, page):
    notice = data.escalated("Witten", name="Dora Entscheid")
    login(page, demo, "kreis")
    task = Task(page, demo)
    task.start()
    task.click(waiting_link(page, notice))
    decide = action_form(page, "Entscheidung des Kreises")
    task.click(decide.get_by_label("Besetzung zulässig", exact=True))
    task.click(decide.get_by_role("checkbox", name=re.compile("Ich bestätige die Entscheidung")))
    task.click(decide.get_by_role("button", name="Entscheidung des Kreises"))
    expect(page.get_by_role("status")).to_contain_text("Die Entscheidung des Kreises wurde festgehalten.")
    notice.refresh_from_db()
    assert notice.state == NoticeState.DECIDED
    check_against_script("kreis-entscheiden", task)


def test_task_head_gives_a_statement(demo, page):
    notice = data.escalated("Witten", name="Leo Stellung")
    PlacementNotice.objects.filter(pk=notice.pk).update(head_involved=True)  # a leadership post (PS-2.6)
    login(page, demo, "leitung")
    task = Task(page, demo)
    task.start()
    task.click(waiting_link(page, notice))
    form = page.locator("form").filter(has=page.get_by_role("button", name=re.compile("Stellungnahme|Kommentar")))
    task.fill(form.get_by_role("textbox").first, "Die Leitung hält die Besetzung für vertretbar.")
    task.click(form.get_by_role("button", name=re.compile("Stellungnahme|Kommentar")))
    expect(page.get_by_role("main")).to_contain_text("Die Leitung hält die Besetzung für vertretbar.")
    check_against_script("leitung-stellungnahme", task)
