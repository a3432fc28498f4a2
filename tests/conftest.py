"""Shared fixtures. Tests marked `services` need PostgreSQL/Redis: they run in the second pass of
.ci/run (REQUIRE_SERVICES=1) and there they fail, never skip, when a service is missing."""
import os
from unittest import mock

import pytest
from django.db import connection

from jobagentur.celery import app as celery_app
from staffing.models import Organisation

from .factories import CityFactory, DistrictFactory, RegionalOfficeFactory, city_clerk, district_user

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
# issue 15, point 3: the suite runs with DEBUG off, as production does, so it needs a key the secret-key check
# (ops/deploy_checks.py) accepts; a fixed one, published here, for tests only (never a production key)
TEST_SECRET_KEY = "jobagentur-en-test-suite-only-7Qm2xV9pL4sT8wK3nB6cR1yH5dF0gJ"


def pytest_configure(config):
    """The test environment: a valid test SECRET_KEY (also for the worker processes the tests start, which
    inherit the environment), unless one is set; and no redirect to HTTPS, because the test client speaks
    plain HTTP (the redirect's default is tested in a subprocess: tests/security/test_issue15_deploy_checks.py)."""
    from django.conf import settings

    if not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = TEST_SECRET_KEY
        settings.SECRET_KEY = TEST_SECRET_KEY
        settings.SECRET_KEY_FROM_ENVIRONMENT = True
    settings.SECURE_SSL_REDIRECT = False


def pytest_collection_modifyitems(config, items):
    on_postgres = connection.vendor == "postgresql"
    if REQUIRE_SERVICES:
        if not on_postgres:
            raise pytest.UsageError("REQUIRE_SERVICES=1 but DATABASE_URL is not PostgreSQL")
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL and Redis: runs in the second pass of .ci/run "
                                   "(REQUIRE_SERVICES=1), where a missing service fails")
    for item in items:
        if item.get_closest_marker("services") is not None and not on_postgres:  # the marker, not a folder name
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _eager_celery():
    """Unit tests run tasks in-process; the worker tests switch this off themselves."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
    # issue 15, point 9: a test that made a hand-off fail must not leave the broker "down" for the next
    from staffing.notifications import reset_broker_state

    reset_broker_state()


def start_beat_schedule():
    """What beat does when it starts: django-celery-beat's DatabaseScheduler writes the entries of
    settings.CELERY_BEAT_SCHEDULE into its PeriodicTask rows (update_or_create by entry name)."""
    from django_celery_beat.schedulers import DatabaseScheduler

    scheduler = DatabaseScheduler(app=celery_app, lazy=True)
    # beat closes old connections between its reads (and in its exit hook); inside a test's transaction
    # that would drop the test's connection, so only that is left out here
    scheduler._finalize.cancel()
    with mock.patch("django_celery_beat.schedulers.close_old_connections"):
        scheduler.setup_schedule()


@pytest.fixture
def beat_schedule(db):
    """The PeriodicTask rows as beat creates them from settings when it starts (no migration creates them)."""
    from django_celery_beat.models import PeriodicTask

    start_beat_schedule()
    return PeriodicTask.objects.all()


@pytest.fixture
def district(db):
    return DistrictFactory(name="Ennepe-Ruhr-Kreis", slug="en-kreis")


@pytest.fixture
def other_district(db):
    return DistrictFactory(name="Kreis Mettmann", slug="me-kreis")


@pytest.fixture
def witten(district):
    return CityFactory(district=district, name="Witten", slug="witten")


@pytest.fixture
def hattingen(district):
    return CityFactory(district=district, name="Hattingen", slug="hattingen")


@pytest.fixture
def witten_office(witten):
    return RegionalOfficeFactory(city=witten)


@pytest.fixture
def hattingen_office(hattingen):
    return RegionalOfficeFactory(city=hattingen)


@pytest.fixture
def clerk_witten(witten):
    return city_clerk(witten, username="clerk-witten")


@pytest.fixture
def clerk_hattingen(hattingen):
    return city_clerk(hattingen, username="clerk-hattingen")


@pytest.fixture
def coordinator(district):
    return district_user(district, Organisation.Kind.COORDINATION, username="koordination")


@pytest.fixture
def district_admin(district):
    return district_user(district, Organisation.Kind.DISTRICT_ADMIN, username="kreis")


@pytest.fixture
def head(district):
    return district_user(district, Organisation.Kind.MANAGEMENT, username="leitung")


@pytest.fixture
def district_staff(district, client):
    """A staff account (Django admin) of the district's coordination office with every view and change right of
    the core, signed in on `client`."""
    from django.contrib.auth.models import Permission

    user = district_user(district, Organisation.Kind.COORDINATION, username="koordination-admin")
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="staffing"))
    client.force_login(user)
    return user


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests do not run collectstatic; serve static names unhashed."""
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """issue 15: the resolver fuzz prints how many requests it sent and how many got a 5xx, per database."""
    from .security import resolver_fuzz_stats

    for line in resolver_fuzz_stats.summary_lines():
        terminalreporter.write_line(line)
