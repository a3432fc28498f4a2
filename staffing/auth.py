"""Authentication backend: demo logins work only while DEMO_LOGINS_ENABLED (follows DEBUG); the signed-in
user of each request is loaded with organisation and unread count in one query (issue 16, point 3)."""
from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class SignedInUserMixin:
    """issue 16, point 3: `get_user` (called once per request by the authentication middleware) loads user,
    organisation (the role), its district and city and the unread-notification count in one query
    (`selectors.signed_in_user`) instead of three."""

    def get_user(self, user_id):
        from .selectors import signed_in_user  # the selectors need the app registry (models)

        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class DemoAwareModelBackend(SignedInUserMixin, ModelBackend):
    """Django's model backend, refusing accounts flagged `is_demo` outside development."""

    def user_can_authenticate(self, user):
        if getattr(user, "is_demo", False) and not settings.DEMO_LOGINS_ENABLED:
            return False
        return super().user_can_authenticate(user)
