"""Security plumbing: a log of denials and failed logins, and the login-throttling backend.

Denials (403/404 answered to a signed-in user) go to the logger "jobagentur.security", so that an
operator can see someone probing other cities' records. Views that show candidates' personal data
are recorded in the access log (staffing.retention.record_candidate_access).
"""
from __future__ import annotations

import logging

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import DatabaseError
from django.dispatch import receiver

security_log = logging.getLogger("jobagentur.security")

DENIAL_STATUSES = (403, 404)


class ThrottledBackend(AxesStandaloneBackend):
    """django-axes' lockout check for logins through the web (the only place that has a request).

    Calls without a request (shell, management commands, the test client's `login`) have nothing to
    throttle and skip the check instead of failing; the login page always passes its request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


class SecurityLogMiddleware:
    """Log denials for signed-in users; record who viewed candidates' personal data (DSGVO)."""

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
        match = getattr(request, "resolver_match", None)
        view_name = match.view_name if match else ""
        if response.status_code in DENIAL_STATUSES:
            security_log.warning(
                "access denied: status=%s user=%s method=%s path=%s view=%s ip=%s",
                response.status_code, user.pk, request.method, request.path, view_name or "-",
                _client_ip(request),
                extra={"event": "access_denied", "status": response.status_code, "user_id": user.pk,
                       "path": request.path, "view": view_name},
            )
        elif (response.status_code == 200 and request.method == "GET"
              and view_name in getattr(settings, "CANDIDATE_DATA_VIEWS", ())):
            from .retention import record_candidate_access

            notice_id = match.kwargs.get("pk") or match.kwargs.get("object_id") or match.kwargs.get("notice_id")
            if notice_id is not None:
                record_candidate_access(user=user, notice_id=notice_id, view=view_name)
        return response


@receiver(user_login_failed)
def _log_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")
    security_log.warning("login failed: username=%r ip=%s", str(username)[:150], _client_ip(request),
                         extra={"event": "login_failed", "username": str(username)[:150]})
