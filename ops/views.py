"""The health endpoint.

`/health/` answers 200 with JSON when the database and the broker answer and the deadline sweep ran
within HEALTH_BEAT_MAX_AGE seconds (beat scheduled it and a worker ran it), else 503 with the
failing check named. It shows no data, only the state of each check, so a load balancer may call it
without logging in.
"""
import logging

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from staffing.access import can

from . import checks, devmail

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


# --- issue 14: development mail viewer and favicon ---------------------------------------------------

def _dev_mail_allowed(request) -> None:
    """Outside DEBUG the viewer does not exist (404 for everybody); inside, `dev_mail.view` decides (403)."""
    if not settings.DEBUG:
        raise Http404
    if not can(request.user, "dev_mail.view"):
        raise PermissionDenied


@require_GET
def dev_mail_list(request):
    """The mails the worker sent in development, newest first (issue 14; rule `dev_mail.view`)."""
    if not settings.DEBUG:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _dev_mail_allowed(request)
    return render(request, "ops/dev_mail_list.html", {"mails": devmail.mails(), "folder": devmail.mail_dir()})


@require_GET
def dev_mail_detail(request, mail_id: str):
    """One mail as its recipient would read it: subject, sender, recipients, text, names of the attachments."""
    if not settings.DEBUG:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _dev_mail_allowed(request)
    mail = devmail.mail(mail_id)
    if mail is None:
        raise Http404
    return render(request, "ops/dev_mail_detail.html", {"mail": mail})


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the icon in static/."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
