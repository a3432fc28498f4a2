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
