"""Production refuses to start with a secret key that is missing, published or weak (issue 15, point 3).

The system check below runs (without DEBUG) for every management command that runs checks (`migrate`,
`check`, `check --deploy`, `runserver`, `process_deadlines` …); `jobagentur.wsgi` asks the same function
before gunicorn serves a request. With DEBUG on (development, `make run`) the built-in development key is
allowed. Django's own `security.W009` only warns, and only under `--deploy`: this is an ERROR, always.
"""
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, register

# Django's W009 limits (django.core.checks.security.base): at least 50 characters, at least 5 different ones
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
# keys that were ever published in this repository: the example values of deploy/env.example (old and new)
PUBLISHED_KEYS = {
    "change-me-to-a-long-random-string-of-at-least-50-characters",
    "CHANGE-ME-generate-with-python3-c-import-secrets-print-secrets-token-urlsafe-64",
}
PLACEHOLDER_MARKERS = ("change-me", "changeme", "django-insecure")
HINT = ("Erzeugen Sie einen Schlüssel mit: python3 -c 'import secrets; print(secrets.token_urlsafe(64))' "
        "und setzen Sie ihn als Umgebungsvariable SECRET_KEY (README, Abschnitt Konfiguration).")


def example_keys() -> set[str]:
    """The published keys, plus the SECRET_KEY line of deploy/env.example as it is now (if the file is there)."""
    keys = set(PUBLISHED_KEYS)
    example = Path(settings.BASE_DIR) / "deploy" / "env.example"
    if example.is_file():
        for line in example.read_text(encoding="utf-8").splitlines():
            if line.startswith("SECRET_KEY="):
                keys.add(line.partition("=")[2].strip())
    return keys


def secret_key_errors() -> list[Error]:
    """Issue 15, point 3: without DEBUG, refuse no SECRET_KEY, the development key, the example key of
    deploy/env.example, and a key shorter than 50 characters or with fewer than 5 different characters."""
    if settings.DEBUG:
        return []
    key = getattr(settings, "SECRET_KEY", "") or ""
    if not getattr(settings, "SECRET_KEY_FROM_ENVIRONMENT", True) or not key:
        return [Error("SECRET_KEY ist nicht gesetzt: ohne DEBUG startet die Anwendung nicht mit dem eingebauten "
                      "Entwicklungsschlüssel.", hint=HINT, id="jobagentur.E001")]
    if key == getattr(settings, "DEVELOPMENT_SECRET_KEY", None):
        return [Error("SECRET_KEY ist der Entwicklungsschlüssel aus jobagentur/settings.py.", hint=HINT,
                      id="jobagentur.E002")]
    if key in example_keys() or any(marker in key.lower() for marker in PLACEHOLDER_MARKERS):
        return [Error("SECRET_KEY ist der veröffentlichte Beispielschlüssel aus deploy/env.example.", hint=HINT,
                      id="jobagentur.E003")]
    if len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return [Error(f"SECRET_KEY ist zu schwach: mindestens {SECRET_KEY_MIN_LENGTH} Zeichen, davon mindestens "
                      f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} verschiedene.", hint=HINT, id="jobagentur.E004")]
    return []


@register(Tags.security)
def check_secret_key(app_configs=None, **kwargs) -> list[Error]:
    """Registered without `deploy=True`: it runs for `check` and every management command, not only `--deploy`."""
    return secret_key_errors()
