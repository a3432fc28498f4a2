"""What the browser tests do again and again: log in, check a page with axe-core, check focus."""
import json
import os
import re
import tempfile
import warnings
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).with_name("vendor") / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
SCRATCH_SCREENSHOTS = Path(tempfile.gettempdir()) / "jobagentur-screenshots"
PASSWORD = "demo"
BLOCKING_IMPACTS = ("serious", "critical")


def login(page: Page, base_url: str, username: str) -> None:
    """Log in through the login form, as a person would; ends on the start page."""
    page.goto(f"{base_url}/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    with page.expect_response(lambda r: r.request.method == "GET" and r.request.resource_type == "document") as r:
        page.get_by_role("button", name="Anmelden").click()
    assert r.value.status == 200, f"start page of {username} answered {r.value.status}"
    expect(page).not_to_have_url(re.compile(r"/anmelden/"))
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core (all rules) on the page; the violations with impact serious or critical."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await window.axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


# Known violations in pages outside the browser tests' ownership, reported to their owners: (URL path
# pattern as in page_key, axe rule id) -> why. They are reported as warnings, never silently passed.
KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {}


def assert_accessible(page: Page, checked: list[str] | None = None) -> None:
    """axe-core finds no serious or critical violation on the current page (known ones warn)."""
    violations = axe_violations(page)
    if checked is not None:
        checked.append(page.url)
    key = page_key(urlsplit(page.url).path)
    known = [v for v in violations if (key, v["id"]) in KNOWN_VIOLATIONS]
    if known:
        warnings.warn(f"known axe-core violations on {page.url} (see KNOWN_VIOLATIONS):\n"
                      f"{format_violations(known)}", stacklevel=2)
    violations = [v for v in violations if v not in known]
    assert not violations, f"axe-core on {page.url}:\n{format_violations(violations)}"


NATIVE_SEGMENTED_INPUTS = ("date", "time", "datetime-local", "month", "week")


def focus_outline(page: Page) -> dict:
    """Tag, text and computed focus indicator of the focused element."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        const s = getComputedStyle(el);
        return {tag: el.tagName, type: el.type || '',
                text: (el.innerText || el.value || el.name || '').trim().slice(0, 60),
                outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth, boxShadow: s.boxShadow,
                focusVisible: el.matches(':focus-visible')};
    }""")


def assert_focus_visible(page: Page) -> dict:
    """The focused element shows a focus indicator (computed outline not 'none', non-zero width)."""
    info = focus_outline(page)
    assert info["tag"] not in ("BODY", "HTML"), f"nothing has the focus: {info}"
    if info["tag"] == "INPUT" and info["type"] in NATIVE_SEGMENTED_INPUTS:
        return info  # Chromium focuses and highlights a segment (e.g. the month) inside the control
    assert info["outlineStyle"] != "none" and info["outlineWidth"] not in ("0px", ""), (
        f"focus not visible on {info}")
    return info


def tab_to(page: Page, predicate_js: str, *, limit: int = 40) -> dict:
    """Press Tab until the focused element satisfies `predicate_js` (a JS function of the element);
    every stop on the way must show a visible focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert_focus_visible(page)
        if page.evaluate(f"() => ({predicate_js})(document.activeElement)"):
            return focus_outline(page)
    raise AssertionError(f"{predicate_js} not reached with {limit} presses of Tab")


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot (1280 px wide). With UPDATE_SCREENSHOTS=1 it replaces the README's
    docs/screenshots/<name>.png; otherwise it goes to the temp folder, so test runs leave the tree clean."""
    folder = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else SCRATCH_SCREENSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# Links the crawl does not follow: logout, admin, language switch, downloads, feeds.
NOT_CRAWLED = re.compile(r"/abmelden/|/admin/|/i18n/|\.(csv|xlsx|ics|pdf)$|/export|/feed|/health/|/static/")


def page_key(path: str) -> str:
    """Pages of the same kind share a key: numbers in the path become N (one visit per URL pattern)."""
    return re.sub(r"/\d+(?=/|$)", "/N", path)


def crawl(page: Page, base_url: str, start_paths: list[str], *, checked: list[str], max_pages: int = 40) -> list[str]:
    """Visit the start paths and, breadth first, every same-site link (one page per URL pattern; the
    start paths are always visited); each page answers 200 and passes axe-core. Returns the paths."""
    queue = list(start_paths)
    forced = set(start_paths)
    seen_keys: set[str] = set()
    visited: list[str] = []
    while queue and len(visited) < max_pages:
        path = queue.pop(0)
        key = page_key(path)
        if path in visited or (path not in forced and key in seen_keys):
            continue
        seen_keys.add(key)
        response = page.goto(base_url + path)
        assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
        assert_accessible(page, checked)
        visited.append(path)
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            if not href.startswith(base_url):
                continue
            target = href[len(base_url):].split("#")[0].split("?")[0] or "/"
            if NOT_CRAWLED.search(target) or page_key(target) in seen_keys or target in queue:
                continue
            queue.append(target)
    return visited


def header_link(page: Page, name: str, *, within: str = "header.app-header"):
    """A link of the page header (issue 14: the navigation's groups and the menu behind the user's name
    are disclosures, <details>), its menu opened first – as a person would: open "Personal & Stellen",
    then choose "Vakanzen"."""
    link = page.locator(within).get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        # `has=` is relative to the <details>: a fresh locator, not one anchored at the header
        (page.locator(within).locator("details")
         .filter(has=page.locator("a", has_text=re.compile(rf"^\s*{re.escape(name)}\s*$"))).first
         .locator("summary").click())
    return link


def nav_link(page: Page, name: str):
    """A link of the main navigation, its group opened first (see header_link)."""
    return header_link(page, name, within="nav[aria-label='Hauptnavigation']")
