"""Operations: the health endpoint, the sweep's heartbeat and the JSON log format.

`/health/` answers 200 with JSON when the database and the broker answer and the deadline sweep ran
within HEALTH_BEAT_MAX_AGE seconds (beat scheduled it and a worker ran it), else 503 with the
failing check named. It shows no data, only the state of each check, so a load balancer may call it
without logging in.
"""
from __future__ import annotations

import datetime
import json
import logging
import time

from celery.signals import task_postrun
from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

SWEEP_TASK = "staffing.tasks.sweep_deadlines"
SWEEP_HEARTBEAT = "deadline-sweep"


class JsonFormatter(logging.Formatter):
    """One JSON object per line (LOG_FORMAT=json): time, level, logger, message and extras."""

    _standard = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        for key, value in vars(record).items():
            if key not in self._standard and not key.startswith("_"):
                data[key] = value if isinstance(value, str | int | float | bool | type(None)) else str(value)
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def beat_heartbeat(name: str = SWEEP_HEARTBEAT) -> None:
    """Record that a periodic job has just run (written by the worker after each sweep)."""
    from django.utils import timezone

    from .models import Heartbeat

    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})


@task_postrun.connect
def _sweep_heartbeat(sender=None, state=None, **kwargs):
    if getattr(sender, "name", None) == SWEEP_TASK and state == "SUCCESS":
        try:
            beat_heartbeat()
        except Exception:  # the health check will report the missing heartbeat
            logger.exception("could not write the sweep heartbeat")


def check_database() -> dict:
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def check_broker() -> dict:
    from jobagentur.celery import app

    started = time.monotonic()
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        transport = conn.transport_cls
    return {"ok": True, "transport": str(transport), "ms": round((time.monotonic() - started) * 1000, 1)}


def check_beat() -> dict:
    """The sweep ran recently: the worker's heartbeat, or beat's own record of the last run."""
    from django.utils import timezone
    from django_celery_beat.models import PeriodicTask

    from .models import Heartbeat

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


def _discard_broken_connections() -> None:
    """Close connections that no longer answer, so the next request opens a fresh one (Django does
    this at the end of each request too; doing it here also covers callers that skip that signal)."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        try:
            if conn.connection is not None and not conn.is_usable():
                conn.close()
        except Exception:
            logger.warning("could not close a broken database connection", exc_info=True)


class DatabaseUnavailableMiddleware:
    """A lost database connection answers 503 with a German page (nothing was saved: the request's
    transaction is gone); Django discards the broken connection, so the next request reconnects."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError
        from django.http import HttpResponse
        from django.template.loader import render_to_string

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable during %s %s: %s", request.method, request.path, exception,
                     extra={"event": "database_unavailable", "path": request.path})
        _discard_broken_connections()
        # the session cannot be read or saved now; without it the session middleware leaves the
        # cookie as it is, so the user is still signed in on the next request
        request.__dict__.pop("session", None)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response


CHECKS = {"database": check_database, "broker": check_broker, "beat": check_beat}


@never_cache
@require_GET
def health(request):
    """Health of the web process and what it depends on (JSON; 200 healthy, 503 otherwise)."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # a failing dependency is a result, not an error page
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    healthy = all(r["ok"] for r in results.values())
    if not healthy:
        logger.warning("health check failed: %s", {k: v for k, v in results.items() if not v["ok"]})
    return JsonResponse({"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503)
