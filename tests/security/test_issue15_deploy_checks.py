"""Issue 15, point 3: production refuses to start with no SECRET_KEY, the development key, the example key of
deploy/env.example or a weak key (a system check at ERROR level: `check --deploy` and every management command
fail, and the WSGI application does not load); HTTPS redirect on by default without DEBUG unless
BEHIND_TLS_PROXY; `check --deploy --fail-level WARNING` clean with only the README's production variables.

The commands run in a subprocess with a clean environment (nothing of this test process leaks in)."""
import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from ops.deploy_checks import secret_key_errors

BASE_DIR = Path(settings.BASE_DIR)


def example_key() -> str:
    lines = (BASE_DIR / "deploy" / "env.example").read_text(encoding="utf-8").splitlines()
    return next(line.partition("=")[2] for line in lines if line.startswith("SECRET_KEY="))


def readme_env(**changes) -> dict:
    """Only the variables of the README's "Production set-up" (and PATH); a change of None removes one."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
           "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "jobagentur.example",
           "DATABASE_URL": "postgres://jobagentur@db/jobagentur", "CELERY_BROKER_URL": "redis://redis:6379/0",
           "EMAIL_URL": "smtp+tls://user:pw@mail.example:587"}
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run(*args, env) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True,
                            timeout=120)
    result.output = result.stdout + result.stderr
    return result


def deploy_check(env) -> subprocess.CompletedProcess:
    return run("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)


def test_check_deploy_passes_with_only_the_readme_variables():
    result = deploy_check(readme_env())
    assert result.returncode == 0, result.output
    assert "System check identified no issues (0 silenced)." in result.output


def test_check_deploy_passes_behind_a_tls_proxy_with_the_redirect_left_to_the_proxy():
    result = deploy_check(readme_env(BEHIND_TLS_PROXY="true"))
    assert result.returncode == 0, result.output
    assert "(1 silenced)" in result.output  # security.W008, see SILENCED_SYSTEM_CHECKS in settings


def test_check_deploy_fails_with_the_example_key_of_env_example():
    result = deploy_check(readme_env(SECRET_KEY=example_key()))
    assert result.returncode != 0
    assert "jobagentur.E003" in result.output and "ERRORS" in result.output


def test_check_deploy_fails_without_a_secret_key():
    result = deploy_check(readme_env(SECRET_KEY=None))
    assert result.returncode != 0
    assert "jobagentur.E001" in result.output and "ERRORS" in result.output


def test_even_a_plain_check_without_deploy_fails_at_error_level_without_a_key():
    result = run("manage.py", "check", env=readme_env(SECRET_KEY=None))
    assert result.returncode != 0
    assert "SystemCheckError" in result.output and "jobagentur.E001" in result.output


def test_migrate_refuses_to_run_without_a_key_and_creates_no_table(tmp_path):
    database = tmp_path / "never.sqlite3"
    result = run("manage.py", "migrate", "--no-input", env=readme_env(SECRET_KEY=None,
                                                                        DATABASE_URL=f"sqlite:///{database}"))
    assert result.returncode != 0
    assert "jobagentur.E001" in result.output
    # migrate's own database checks may open (and so create) the SQLite file, but no migration ran
    tables = sqlite3.connect(database).execute("SELECT name FROM sqlite_master").fetchall() if database.exists() else []
    assert tables == []


def test_the_wsgi_application_refuses_to_load_with_the_example_key_and_loads_with_a_real_one():
    code = "import jobagentur.wsgi; print('loaded')"
    refused = run("-c", code, env=readme_env(SECRET_KEY=example_key()))
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.output and "jobagentur.E003" in refused.output
    loaded = run("-c", code, env=readme_env())
    assert loaded.returncode == 0, loaded.output
    assert loaded.stdout.strip().endswith("loaded")


@pytest.mark.parametrize("command", ["worker", "beat"])
def test_the_celery_worker_and_beat_refuse_to_start_with_the_example_key(command, tmp_path):
    """Celery runs Django's checks without failing on errors: worker and beat ask the key check themselves."""
    env = readme_env(SECRET_KEY=example_key(), CELERY_BROKER_URL="memory://", DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    args = ["-m", "celery", "-A", "jobagentur", command, "--loglevel", "WARNING"]
    if command == "worker":
        args += ["--pool", "solo"]
    else:
        # the file scheduler keeps this test free of a database; the hook runs before any scheduler ticks
        args += ["--scheduler", "celery.beat:PersistentScheduler", "--schedule", str(tmp_path / "beat-schedule")]
    refused = run(*args, env=env)
    assert refused.returncode != 0
    assert "jobagentur.E003" in refused.output


def test_the_start_hook_of_worker_and_beat_passes_a_real_key(settings):
    from jobagentur.celery import refuse_insecure_start

    settings.DEBUG = False
    settings.SECRET_KEY = secrets.token_urlsafe(64)
    refuse_insecure_start()  # a real key: no exception
    settings.SECRET_KEY = example_key()
    with pytest.raises(SystemExit, match="jobagentur.E003"):
        refuse_insecure_start()


def test_https_redirect_is_on_without_debug_unless_a_tls_proxy_redirects():
    code = ("from django.conf import settings as s; "
            "print(s.SECURE_SSL_REDIRECT, getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.SILENCED_SYSTEM_CHECKS)")
    direct = run("manage.py", "shell", "-c", code, env=readme_env()).stdout.strip().splitlines()[-1]
    assert direct == "True None []"
    proxied = run("manage.py", "shell", "-c", code, env=readme_env(BEHIND_TLS_PROXY="true")).stdout.strip()
    assert proxied.splitlines()[-1] == "False ('HTTP_X_FORWARDED_PROTO', 'https') ['security.W008']"
    development = run("manage.py", "shell", "-c", code, env=readme_env(DEBUG="true", SECRET_KEY=None)).stdout
    assert development.strip().splitlines()[-1] == "False None []"


@pytest.mark.parametrize("key,error", [
    ("django-insecure-dev-only-jobagentur-en-change-me", "jobagentur.E002"),
    ("change-me-to-a-long-random-string-of-at-least-50-characters", "jobagentur.E003"),  # the former example
    ("x" * 10 + secrets.token_hex(19), "jobagentur.E004"),  # 48 characters
    ("ab" * 40, "jobagentur.E004"),  # long, but only two different characters
])
def test_the_check_rejects_published_and_weak_keys(settings, key, error):
    settings.DEBUG = False
    settings.SECRET_KEY = key
    settings.SECRET_KEY_FROM_ENVIRONMENT = True
    assert [e.id for e in secret_key_errors()] == [error]


def test_the_check_accepts_a_random_key_and_anything_in_development(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = secrets.token_urlsafe(64)
    settings.SECRET_KEY_FROM_ENVIRONMENT = True
    assert secret_key_errors() == []
    settings.SECRET_KEY_FROM_ENVIRONMENT = False
    assert [e.id for e in secret_key_errors()] == ["jobagentur.E001"]
    settings.DEBUG = True
    assert secret_key_errors() == []


@pytest.mark.django_db
def test_with_the_redirect_on_plain_http_is_redirected_except_the_health_probe(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/anmelden/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/anmelden/"
    assert client.get("/health/").status_code != 301
