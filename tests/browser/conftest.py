"""Browser tests: Playwright for Python drives Debian's chromium against pytest-django's live server.

`playwright install` cannot download browsers here, so the tests use the system `chromium`. Without
it they skip locally with the reason printed; with CI=true a missing chromium is a failure.
"""
import os
import shutil

import pytest
from django.core.management import call_command

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}


def _chromium_or_skip() -> str:
    path = shutil.which("chromium")
    if path:
        return path
    message = ("Debian's chromium is not installed (apt-get install chromium); "
               "`playwright install` cannot download browsers here")
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI=true: {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    """One chromium per test module (closed afterwards, so Playwright's loop does not outlive it)."""
    executable = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make between
    # page actions (seeding, the sweep) are synchronous and safe there. Only while the browser lives.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """A factory of pages, each in its own browser context (own cookies: one per role)."""
    contexts = []

    def make(*, locale="de-DE"):
        context = browser.new_context(viewport=VIEWPORT, locale=locale, timezone_id="Europe/Berlin",
                                      bypass_csp=True)  # axe is injected as a script tag
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def site(transactional_db, live_server):
    """The live server without data (for the login page); returns the base URL."""
    return live_server.url


@pytest.fixture
def demo(transactional_db, live_server, settings):
    """The demo data of `seed_demo` behind the live server, demo logins on; returns the base URL."""
    settings.DEMO_LOGINS_ENABLED = True
    # Argon2 is slow on purpose; hashing "demo" for five accounts and every login would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return live_server.url
