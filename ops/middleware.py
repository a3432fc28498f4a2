"""Middleware of operations: denials go to the security log; a lost database answers 503; pages with
personal data are never stored by a browser or a proxy cache."""
import logging

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

from .pools import reset_stuck_pools
from .receivers import client_ip

logger = logging.getLogger(__name__)
security_log = logging.getLogger("jobagentur.security")

DENIAL_STATUSES = (403, 404)


class SecurityLogMiddleware:
    """Log denials (403/404 answered to a signed-in user) to the logger "jobagentur.security", so that an
    operator can see someone probing other cities' records."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code >= 500:
            return response
        try:
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                return response
        except DatabaseError:  # the database went away: the 503 page is already the answer
            return response
        if response.status_code in DENIAL_STATUSES:
            match = getattr(request, "resolver_match", None)
            view_name = match.view_name if match else ""
            security_log.warning(
                "access denied: status=%s user=%s method=%s path=%s view=%s ip=%s",
                response.status_code, user.pk, request.method, request.path, view_name or "-", client_ip(request),
                extra={"event": "access_denied", "status": response.status_code, "user_id": user.pk,
                       "path": request.path, "view": view_name},
            )
        return response


def needs_no_store(request) -> bool:
    """Issue 15, point 5: the one rule for `Cache-Control: no-store, private`. Every answer of the app's
    namespaces (settings.NO_STORE_NAMESPACES: pages, CSV/XLSX/PDF exports, the calendar feed, the admin) and
    of the views in settings.NO_STORE_VIEWS, whoever asks; and every answer to a signed-in user (a 404 or a
    redirect included). Not: static files (WhiteNoise answers them before this middleware) and the views
    in settings.NO_STORE_EXEMPT_VIEWS (health probe, favicon)."""
    if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return False
    match = getattr(request, "resolver_match", None)
    if match is not None:
        if match.view_name in settings.NO_STORE_EXEMPT_VIEWS:
            return False
        if set(match.namespaces) & set(settings.NO_STORE_NAMESPACES) or match.view_name in settings.NO_STORE_VIEWS:
            return True
    user = getattr(request, "user", None)
    try:
        return bool(user is not None and user.is_authenticated)
    except DatabaseError:  # the database went away while loading the user: the 503 page holds no personal data
        return False


class NoStoreMiddleware:
    """Issue 15, point 5: `Cache-Control: no-store, private` on every answer that may show personal data
    (`needs_no_store`), so that neither the browser's cache nor a shared proxy keeps a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if needs_no_store(request):
            patch_cache_control(response, no_store=True, private=True)
        return response


def _discard_broken_connections() -> None:
    """Close connections that no longer answer, so the next request opens a fresh one (Django does
    this at the end of each request too; doing it here also covers callers that skip that signal)."""
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
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable during %s %s: %s", request.method, request.path, exception,
                     extra={"event": "database_unavailable", "path": request.path})
        _discard_broken_connections()
        reset_stuck_pools(exception)  # issue 15, point 9: a pool stuck in its back-off would outlast the outage
        # the session cannot be read or saved now; without it the session middleware leaves the
        # cookie as it is, so the user is still signed in on the next request
        request.__dict__.pop("session", None)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response
