"""Login throttling: django-axes' backend, for logins through the web."""
from axes.backends import AxesStandaloneBackend


class ThrottledBackend(AxesStandaloneBackend):
    """django-axes' lockout check for logins through the web (the only place that has a request).

    Calls without a request (shell, management commands, the test client's `login`) have nothing to
    throttle and skip the check instead of failing; the login page always passes its request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
