"""Operations: /health/ checks database, broker and the deadline sweep's heartbeat; JSON logs."""
import datetime
import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.utils import timezone

from jobagentur.celery import app as celery_app
from ops.logging import JsonFormatter
from ops.models import Heartbeat
from ops.services import beat_heartbeat

pytestmark = pytest.mark.django_db


def test_health_is_503_until_the_sweep_has_run_and_says_why(client):
    response = client.get("/health/")
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "error"
    assert data["checks"]["database"]["ok"] and data["checks"]["broker"]["ok"]
    assert not data["checks"]["beat"]["ok"] and "never run" in data["checks"]["beat"]["error"]


def test_health_is_200_when_the_sweep_ran_recently(client):
    beat_heartbeat()
    response = client.get("/health/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


def test_health_is_503_when_the_sweep_stopped_running(client):
    Heartbeat.objects.create(name="deadline-sweep",
                             at=timezone.now() - datetime.timedelta(seconds=settings.HEALTH_BEAT_MAX_AGE + 60))
    data = client.get("/health/").json()
    assert data["status"] == "error" and "not run recently" in data["checks"]["beat"]["error"]


def test_beat_records_its_last_run_of_the_sweep_too(client, beat_schedule):
    assert beat_schedule.filter(task="staffing.tasks.sweep_deadlines").update(last_run_at=timezone.now()) == 1
    assert client.get("/health/").status_code == 200


def test_a_sweep_run_by_the_worker_writes_the_heartbeat():
    from staffing.tasks import sweep_deadlines

    sweep_deadlines.delay()  # eager in unit tests: the same signals as in the worker
    assert Heartbeat.objects.get(name="deadline-sweep").at > timezone.now() - datetime.timedelta(seconds=10)


def test_health_is_503_when_the_broker_is_unreachable(client):
    beat_heartbeat()
    previous = celery_app.conf.get("broker_write_url")
    celery_app.conf.broker_write_url = "redis://127.0.0.1:6397/0"  # nothing listens there
    try:
        data = client.get("/health/").json()
    finally:
        celery_app.conf.broker_write_url = previous
    assert data["status"] == "error" and not data["checks"]["broker"]["ok"]
    assert data["checks"]["database"]["ok"]


def test_health_needs_no_login_and_shows_no_data(client):
    beat_heartbeat()
    body = client.get("/health/").content.decode()
    assert set(json.loads(body)) == {"status", "checks"}
    assert "SECRET" not in body and "postgres://" not in body


def test_json_formatter_writes_one_object_per_line_with_extras():
    record = logging.LogRecord("jobagentur.security", logging.WARNING, __file__, 1, "denied %s", ("x",), None)
    record.user_id = 7
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert data["level"] == "WARNING" and data["logger"] == "jobagentur.security"
    assert data["message"] == "denied x" and data["user_id"] == 7 and "\n" not in line


def test_log_format_json_switches_the_whole_process_to_json_lines():
    env = {**os.environ, "LOG_FORMAT": "json"}
    code = "import logging; logging.getLogger('jobagentur.security').warning('probe', extra={'user_id': 3})"
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=60)
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    probe = [line for line in lines if line["message"] == "probe"]
    assert probe and probe[0]["user_id"] == 3 and probe[0]["logger"] == "jobagentur.security"
