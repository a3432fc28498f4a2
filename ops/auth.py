"""Login throttling: django-axes' backend, for logins through the web, and the client address it keys on."""
import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings


def client_ip_address(request) -> str | None:
    """Issue 15, point 6: the client's address for django-axes (AXES_CLIENT_IP_CALLABLE) and the security log.

    Directly on the network (BEHIND_TLS_PROXY off) it is REMOTE_ADDR, and X-Forwarded-For is ignored: anybody
    can send that header. Behind TRUSTED_PROXY_COUNT proxies each appends the address it received the
    request from, so the client is the TRUSTED_PROXY_COUNT-th entry from the right; entries left of it were
    written by the client and may be forged, and they are never used. A header with fewer entries, or an entry
    that is no IP address, falls back to REMOTE_ADDR (the proxy's address: locks then hit the proxy, never a
    chosen victim's address).
    """
    remote = request.META.get("REMOTE_ADDR") or None
    if not getattr(settings, "BEHIND_TLS_PROXY", False):
        return remote
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 1)
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if count < 1 or len(entries) < count:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-count]))
    except ValueError:
        return remote


class ThrottledBackend(AxesStandaloneBackend):
    """django-axes' lockout check for logins through the web (the only place that has a request).

    Calls without a request (shell, management commands, the test client's `login`) have nothing to
    throttle and skip the check instead of failing; the login page always passes its request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
