import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 (production) costs ~0.1 s a user; these tests create users by the dozen."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
