"""Issue 14, point 5: the development mail viewer, and a `make run` without warnings a newcomer cannot act on.

In DEBUG the worker's mails are kept as .eml files (ops.devmail.DevMailBackend) and listed at
/entwicklung/mails/ for staff, superusers and the demo logins; outside DEBUG the pages do not exist (404).
"""
import fnmatch
import re
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from kombu.utils.url import parse_url

from ops import devmail
from staffing import services
from staffing.management.commands.seed_demo import DEMO_USERS
from staffing.models import Function

from ..factories import CandidateFactory, FunctionFactory, PositionFactory, VacancyFactory

ROOT = Path(django_settings.BASE_DIR)
MAIL_ID = "20260101-000000000000-00000000"


@pytest.fixture
def debug_mail(settings, tmp_path):
    """DEBUG as `make run` sets it: mails go to the development store in a fresh folder."""
    settings.DEBUG = True
    settings.DEMO_LOGINS_ENABLED = True  # follows DEBUG
    settings.EMAIL_BACKEND = "ops.devmail.DevMailBackend"
    settings.DEV_MAIL_DIR = tmp_path / "mail"
    return settings.DEV_MAIL_DIR


def submit_a_notice(office, clerk, django_capture_on_commit_callbacks):
    """The real pipeline: a clerk submits a notice; the coordination office is notified in the app and by mail
    (the task runs eagerly in tests, the mail carries the deadline as an iCalendar attachment)."""
    position = PositionFactory(office=office, function=FunctionFactory(code=Function.Code.PLACEMENT),
                               title="Arbeitsvermittler/in")
    VacancyFactory(position=position)
    notice = services.notice_create(by=clerk, position=position,
                                    planned_start=timezone.localdate() + timedelta(days=60),
                                    reason="Nachbesetzung nach Ruhestand",
                                    goals_statement="Sichert die Vermittlung in Arbeit.")
    CandidateFactory(notice=notice)
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_submit(notice_id=notice.pk, by=clerk)
    return notice


def test_in_debug_a_mail_sent_by_the_pipeline_is_listed_and_shown(
        debug_mail, client, witten_office, clerk_witten, coordinator, django_capture_on_commit_callbacks):
    submit_a_notice(witten_office, clerk_witten, django_capture_on_commit_callbacks)
    kept = devmail.mails()
    assert kept, "the pipeline's mail was not kept"
    mail = next(m for m in kept if coordinator.email in m.to)
    coordinator.is_demo = True  # the demo login `koordination`, as after `make run`
    coordinator.save()
    client.force_login(coordinator)

    html = client.get(reverse("dev_mail_list")).content.decode()
    assert mail.subject and mail.subject in html
    assert coordinator.email in html
    assert reverse("dev_mail_detail", args=[mail.id]) in html

    response = client.get(reverse("dev_mail_detail", args=[mail.id]))
    assert response.status_code == 200
    detail = response.content.decode()
    full = devmail.mail(mail.id)
    assert full.body.strip() and full.body.strip().splitlines()[0] in detail
    assert full.attachments and all(name.endswith(".ics") for name in full.attachments)
    assert full.attachments[0] in detail
    assert "JobAgentur EN" in detail  # the sender


def test_the_header_links_the_viewer_only_in_debug_for_whom_may_see_it(debug_mail, client, settings, clerk_witten):
    clerk_witten.is_demo = True
    clerk_witten.save()
    client.force_login(clerk_witten)
    assert reverse("dev_mail_list") in client.get(reverse("staffing:home")).content.decode()
    settings.DEBUG = False
    assert reverse("dev_mail_list") not in client.get(reverse("staffing:home")).content.decode()


def test_without_debug_the_viewer_does_not_exist_even_for_a_superuser(client, settings, admin_user):
    settings.DEBUG = False
    assert client.get(reverse("dev_mail_list")).status_code == 404  # anonymous: not even a login redirect
    client.force_login(admin_user)
    assert client.get(reverse("dev_mail_list")).status_code == 404
    assert client.get(reverse("dev_mail_detail", args=[MAIL_ID])).status_code == 404


def test_in_debug_anonymous_is_sent_to_the_login(debug_mail, client):
    for url in (reverse("dev_mail_list"), reverse("dev_mail_detail", args=[MAIL_ID])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_in_debug_an_ordinary_account_is_refused(debug_mail, client, clerk_witten):
    client.force_login(clerk_witten)  # neither staff nor a demo login
    assert client.get(reverse("dev_mail_list")).status_code == 403


def test_unknown_or_malformed_mail_ids_are_404_never_a_file_outside_the_folder(debug_mail, client, admin_user):
    client.force_login(admin_user)
    (debug_mail.parent / "secret.eml").write_text("Subject: geheim\n\nx")
    for mail_id in (MAIL_ID, "secret", "..", "..%2Fsecret", "%2e%2e"):
        assert client.get(f"/entwicklung/mails/{mail_id}/").status_code == 404, mail_id


def test_an_empty_store_says_so_in_german(debug_mail, client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("dev_mail_list")).content.decode()
    assert "Noch keine E-Mails verschickt" in html


# --- make run: nothing to puzzle over -------------------------------------------------------------------

def test_pyproject_declares_the_fonts_as_package_data_of_a_found_package():
    """setuptools warned "Package 'integrations.fonts' is absent from the packages configuration": the
    packages are found (with the data-only folder as a namespace package) and the fonts declared."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "packages" not in config or isinstance(config["packages"], dict)  # no fixed list that misses folders
    find = config["packages"]["find"]
    assert find.get("namespaces", True) is True
    for app in ("jobagentur", "staffing", "integrations", "planning", "privacy", "ops", "reports"):
        assert any(fnmatch.fnmatch(f"{app}.migrations", pattern) for pattern in find["include"]), app
    patterns = config["package-data"]["integrations.fonts"]
    fonts = [p.name for p in (ROOT / "integrations" / "fonts").iterdir() if p.is_file()]
    assert fonts and all(any(fnmatch.fnmatch(name, pattern) for pattern in patterns) for name in fonts)


def test_the_default_broker_url_names_a_host():
    """kombu warned "No hostname was supplied. Reverting to default 'localhost'" for `filesystem://`."""
    assert parse_url(django_settings.CELERY_BROKER_URL)["hostname"]
    default = re.search(r'CELERY_BROKER_URL = env\.str\("CELERY_BROKER_URL", default="([^"]+)"\)',
                        (ROOT / "jobagentur" / "settings.py").read_text()).group(1)
    assert parse_url(default)["transport"] == "filesystem" and parse_url(default)["hostname"] == "localhost"


def test_a_favicon_is_linked_and_served(client, clerk_witten):
    assert (ROOT / "static" / "favicon.svg").is_file()
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
    client.force_login(clerk_witten)
    html = client.get(reverse("staffing:home")).content.decode()
    assert re.search(r'<link rel="icon" href="[^"]*favicon\.svg"', html)


def test_run_dev_ends_with_the_login_address_and_every_demo_login():
    """The last lines of `make run` (after the server answers) say where to log in and with which logins."""
    script = (ROOT / "scripts" / "run_dev.sh").read_text()
    tail = script[script.index("create_connection"):]  # printed once the server answers
    assert "/anmelden/" in tail and reverse("login") == "/anmelden/"
    for username, *_rest in DEMO_USERS:
        assert username in tail, username
    assert "DJANGO_RUNSERVER_HIDE_WARNING=true" in script
