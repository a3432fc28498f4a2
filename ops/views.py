"""The health endpoint.

`/health/` answers 200 with JSON when the database and the broker answer and the deadline sweep ran
within HEALTH_BEAT_MAX_AGE seconds (beat scheduled it and a worker ran it), else 503 with the
failing check named. It shows no data, only the state of each check, so a load balancer may call it
without logging in.
"""
import logging

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import checks

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def health(request):
    """Health of the web process and what it depends on (JSON; 200 healthy, 503 otherwise)."""
    results = {}
    for name, check in checks.CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # a failing dependency is a result, not an error page
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    healthy = all(r["ok"] for r in results.values())
    if not healthy:
        logger.warning("health check failed: %s", {k: v for k, v in results.items() if not v["ok"]})
    return JsonResponse({"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503)
