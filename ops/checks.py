"""The checks of the health endpoint: database, broker, and that the deadline sweep ran recently."""
import time

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from jobagentur.celery import app

from .models import Heartbeat
from .services import SWEEP_HEARTBEAT, SWEEP_TASK


def check_database() -> dict:
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def check_broker() -> dict:
    started = time.monotonic()
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        transport = conn.transport_cls
    return {"ok": True, "transport": str(transport), "ms": round((time.monotonic() - started) * 1000, 1)}


def check_beat() -> dict:
    """The sweep ran recently: the worker's heartbeat, or beat's own record of the last run."""
    times = [t for t in (
        Heartbeat.objects.filter(name=SWEEP_HEARTBEAT).values_list("at", flat=True).first(),
        PeriodicTask.objects.filter(task=SWEEP_TASK, enabled=True).exclude(last_run_at=None)
        .order_by("-last_run_at").values_list("last_run_at", flat=True).first(),
    ) if t is not None]
    max_age = settings.HEALTH_BEAT_MAX_AGE
    if not times:
        return {"ok": False, "error": "the deadline sweep has never run", "max_age_s": max_age}
    age = (timezone.now() - max(times)).total_seconds()
    result = {"ok": age <= max_age, "last_run": max(times).isoformat(), "age_s": round(age), "max_age_s": max_age}
    if not result["ok"]:
        result["error"] = "the deadline sweep has not run recently (is beat or the worker down?)"
    return result


CHECKS = {"database": check_database, "broker": check_broker, "beat": check_beat}
