"""Authentication backend: demo logins work only while DEMO_LOGINS_ENABLED (follows DEBUG)."""
from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class DemoAwareModelBackend(ModelBackend):
    """Django's model backend, refusing accounts flagged `is_demo` outside development."""

    def user_can_authenticate(self, user):
        if getattr(user, "is_demo", False) and not settings.DEMO_LOGINS_ENABLED:
            return False
        return super().user_can_authenticate(user)
