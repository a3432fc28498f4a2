"""What the browser tests do again and again: log in, check a page with axe-core, check focus."""
import json
import re
from pathlib import Path

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).with_name("vendor") / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
PASSWORD = "demo"
BLOCKING_IMPACTS = ("serious", "critical")


def login(page: Page, base_url: str, username: str) -> None:
    """Log in through the login form, as a person would; ends on the start page."""
    page.goto(f"{base_url}/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"/anmelden/"))


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


def assert_accessible(page: Page, checked: list[str] | None = None) -> None:
    """axe-core finds no serious or critical violation on the current page."""
    violations = axe_violations(page)
    if checked is not None:
        checked.append(page.url)
    assert not violations, f"axe-core on {page.url}:\n{format_violations(violations)}"


def focus_outline(page: Page) -> dict:
    """Tag, text and computed focus indicator of the focused element."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        const s = getComputedStyle(el);
        return {tag: el.tagName, text: (el.innerText || el.value || el.name || '').trim().slice(0, 60),
                outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth, boxShadow: s.boxShadow,
                focusVisible: el.matches(':focus-visible')};
    }""")


def assert_focus_visible(page: Page) -> dict:
    """The focused element shows a focus indicator (computed outline not 'none', non-zero width)."""
    info = focus_outline(page)
    assert info["tag"] not in ("BODY", "HTML"), f"nothing has the focus: {info}"
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
    """A full-page screenshot for the README (docs/screenshots/<name>.png, 1280 px wide)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
