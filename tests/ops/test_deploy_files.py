"""deploy/: the compose file and the systemd units start what the README says (web, worker, beat)."""
import configparser
from pathlib import Path

import pytest
from django.conf import settings

DEPLOY = Path(settings.BASE_DIR) / "deploy"


def test_compose_file_has_postgres_redis_web_worker_and_beat():
    import yaml  # PyYAML is a dev dependency: a missing one fails, never skips
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "jobagentur", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "jobagentur", "beat"]
    assert "/health/" in " ".join(services["web"]["healthcheck"]["test"])


@pytest.mark.parametrize("unit,command", [("web", "gunicorn jobagentur.wsgi"),
                                          ("worker", "celery -A jobagentur worker"),
                                          ("beat", "celery -A jobagentur beat")])
def test_systemd_units_start_each_process(unit, command):
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read(DEPLOY / "systemd" / f"jobagentur-{unit}.service")
    assert command in parser["Service"]["ExecStart"]
    assert parser["Service"]["EnvironmentFile"] == "/etc/jobagentur/env"
    assert parser["Install"]["WantedBy"] == "multi-user.target"


# --- issue 15, point 4: two database roles ------------------------------------------------------------

def _compose():
    import yaml
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def _db_user(url: str) -> str:
    return url.split("://", 1)[1].split(":", 1)[0]


def test_compose_runs_the_app_as_the_application_role_and_migrates_as_the_owner():
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        assert _db_user(services[name]["environment"]["DATABASE_URL"]) == "jobagentur_app", name
    migrate = services["migrate"]
    assert _db_user(migrate["environment"]["DATABASE_URL"]) == "jobagentur_owner"
    script = " ".join(migrate["command"])
    assert script.index("manage.py migrate") < script.index("manage.py grant_app_role jobagentur_app")
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    # PostgreSQL's superuser is not the application's user; it only runs the init script
    db = services["db"]
    assert db["environment"]["POSTGRES_USER"] == "postgres"
    assert "./postgres-init:/docker-entrypoint-initdb.d:ro" in db["volumes"]
    for name, service in services.items():
        url = (service.get("environment") or {}).get("DATABASE_URL", "")
        assert not url or _db_user(url) != "postgres", name


def test_postgres_init_script_creates_owner_and_application_role_without_superuser():
    script = (DEPLOY / "postgres-init" / "10-roles.sh").read_text()
    assert "CREATE ROLE jobagentur_owner LOGIN NOSUPERUSER" in script
    assert "CREATE ROLE jobagentur_app LOGIN NOSUPERUSER" in script
    assert "ALTER DATABASE :\"db\" OWNER TO jobagentur_owner" in script
    assert "SUPERUSER " not in script.replace("NOSUPERUSER ", "")
    for variable in ("DB_OWNER_PASSWORD", "DB_APP_PASSWORD"):
        assert variable in (DEPLOY / "env.example").read_text()


def test_systemd_migrates_as_owner_before_web_worker_and_beat_start():
    text = (DEPLOY / "systemd" / "jobagentur-migrate.service").read_text()
    assert "Type=oneshot" in text
    environment = [line.split("=", 1)[1] for line in text.splitlines() if line.startswith("EnvironmentFile=")]
    assert environment == ["/etc/jobagentur/env", "/etc/jobagentur/owner.env"]  # the owner's URL wins
    starts = [line for line in text.splitlines() if line.startswith("ExecStart=")]
    assert [s.split("manage.py ")[1] for s in starts] == ["migrate --no-input", "grant_app_role jobagentur_app"]
    for unit in ("web", "worker", "beat"):
        unit_text = (DEPLOY / "systemd" / f"jobagentur-{unit}.service").read_text()
        assert "Requires=jobagentur-migrate.service" in unit_text and "jobagentur-migrate.service" in \
            next(line for line in unit_text.splitlines() if line.startswith("After="))
        assert "owner.env" not in unit_text and "manage.py migrate" not in unit_text, unit
