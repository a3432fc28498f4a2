"""Production settings: check --deploy, Argon2, login throttling, CSP, cookies, session expiry,
security headers, demo logins refused in production, denials logged."""
import datetime
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse

from tests.factories import PlacementNoticeFactory, PositionFactory

pytestmark = pytest.mark.django_db
BASE_DIR = Path(settings.BASE_DIR)


def production_env(**extra) -> dict:
    """The environment an operator sets in production (README "Production set-up")."""
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests for Playwright in this process; never in production
    env = {k: v for k, v in os.environ.items()
           if k not in ("DEBUG", "DEMO_LOGINS_ENABLED", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "jobagentur.example",
                "STATIC_MANIFEST": "false"})  # the redirect to HTTPS is the default without DEBUG (issue 15)
    env.update(extra)
    return env


def manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=120)


def test_check_deploy_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_refuses_the_development_secret_key_and_debug():
    env = production_env(DEBUG="true")
    env.pop("SECRET_KEY")
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout  # SECRET_KEY
    assert "security.W018" in result.stderr + result.stdout  # DEBUG


def test_demo_logins_are_off_in_production_unless_explicitly_enabled():
    code = "from django.conf import settings; print(settings.DEMO_LOGINS_ENABLED, settings.DEBUG)"
    assert manage("shell", "-c", code, env=production_env()).stdout.split()[-2:] == ["False", "False"]
    dev = production_env(DEBUG="true")
    assert manage("shell", "-c", code, env=dev).stdout.split()[-2:] == ["True", "True"]


def test_demo_account_cannot_log_in_in_production_even_with_the_right_password(client, settings, clerk_witten):
    settings.DEMO_LOGINS_ENABLED = False
    clerk_witten.is_demo = True
    clerk_witten.set_password("demo")
    clerk_witten.save()
    response = client.post(reverse("login"), {"username": "clerk-witten", "password": "demo"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    settings.DEMO_LOGINS_ENABLED = True
    response = client.post(reverse("login"), {"username": "clerk-witten", "password": "demo"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(clerk_witten.pk)


def test_passwords_are_hashed_with_argon2(clerk_witten):
    clerk_witten.set_password("ein-langes-passwort-2026")
    assert identify_hasher(clerk_witten.password).algorithm == "argon2"
    assert clerk_witten.password.startswith("argon2$argon2id$")


def test_login_is_locked_after_five_failures_even_with_the_right_password(client, clerk_witten, caplog):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "clerk-witten", "password": "falsch"})
    assert response.status_code in (403, 429)
    response = client.post(reverse("login"), {"username": "clerk-witten", "password": "geheim-12345"})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    assert "vorübergehend gesperrt" in response.content.decode()
    assert any(r.name == "jobagentur.security" and "login failed" in r.getMessage() for r in caplog.records)


def test_another_user_name_is_not_locked_by_someone_elses_failures(client, clerk_witten, clerk_hattingen):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post(reverse("login"), {"username": "clerk-witten", "password": "falsch"})
    response = client.post(reverse("login"), {"username": "clerk-hattingen", "password": "geheim-12345"})
    assert response.status_code == 302


def test_login_through_the_page_still_works(client, clerk_witten):
    response = client.post(reverse("login"), {"username": "clerk-witten", "password": "geheim-12345"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(clerk_witten.pk)


def test_test_client_login_still_works_without_a_request(client, clerk_witten):
    assert client.login(username="clerk-witten", password="geheim-12345")


def test_pages_send_a_strict_content_security_policy_and_security_headers(client):
    response = client.get(reverse("login"), secure=True)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)
JS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']\s*javascript:", re.I)


def test_no_template_contains_inline_script_or_event_handlers():
    """CSP forbids inline script: every script is a file under static/."""
    offenders = []
    dirs = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
    for folder in dirs:
        for path in folder.rglob("*.html"):
            if "/email/" in str(path):  # e-mails are not served by the site
                continue
            text = path.read_text(encoding="utf-8")
            for pattern in (INLINE_SCRIPT, INLINE_HANDLER, JS_URL):
                for match in pattern.finditer(text):
                    offenders.append(f"{path.relative_to(BASE_DIR)}: {match.group(0)}")
    assert not offenders, "inline script (blocked by the CSP):\n" + "\n".join(offenders)


def test_session_cookie_is_secure_httponly_and_samesite_in_production(client, clerk_witten, settings):
    response = client.post(reverse("login"), {"username": "clerk-witten", "password": "geheim-12345"})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert not settings.DEBUG and settings.CSRF_COOKIE_SECURE


def test_session_ends_after_thirty_minutes_without_a_request(client, clerk_witten):
    assert settings.SESSION_COOKIE_AGE == 30 * 60  # renewed at most once a minute (issue 16, point 3)
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.post(reverse("login"), {"username": "clerk-witten", "password": "geheim-12345"})
        clock.move_to(start + datetime.timedelta(minutes=25))
        assert client.get(reverse("staffing:notice_list")).status_code == 200  # activity renews the session
        clock.move_to(start + datetime.timedelta(minutes=50))
        assert client.get(reverse("staffing:notice_list")).status_code == 200
        clock.move_to(start + datetime.timedelta(minutes=81))
        response = client.get(reverse("staffing:notice_list"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_access_to_another_citys_notice_is_denied_and_logged(client, clerk_witten, hattingen_office, caplog):
    notice = PlacementNoticeFactory(position=PositionFactory(office=hattingen_office))
    client.force_login(clerk_witten)
    with caplog.at_level("WARNING", logger="jobagentur.security"):
        response = client.get(reverse("staffing:notice_detail", args=[notice.pk]))
    assert response.status_code == 404
    records = [r for r in caplog.records if r.name == "jobagentur.security"]
    assert len(records) == 1
    assert records[0].status == 404 and records[0].user_id == clerk_witten.pk
    assert records[0].path == reverse("staffing:notice_detail", args=[notice.pk])
