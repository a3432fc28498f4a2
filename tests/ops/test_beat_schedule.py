"""The beat schedule is declared in one place (settings.CELERY_BEAT_SCHEDULE); beat's DatabaseScheduler
writes it into its PeriodicTask rows when it starts. No migration creates schedule rows any more, and rows
that the old migrations created are updated under the same entry names, never duplicated."""
import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from jobagentur.celery import app as celery_app

from ..conftest import start_beat_schedule

PROJECT = Path(__file__).resolve().parents[2]

# the rows as staffing 0004, staffing 0005 and planning 0002 created them before the schedule moved to settings
OLD_SWEEP = "Fristen prüfen (Zustimmung durch Fristablauf, Erinnerungen)"
OLD_RETENTION = "Datenschutz: personenbezogene Daten nach Ablauf der Aufbewahrungsfrist löschen"
OLD_REMINDER = "Quartalsmeldungen: überfällige Städte erinnern"
CELERY_OWN = "celery.backend_cleanup"  # celery's result clean-up, which beat has always added itself


@pytest.mark.django_db
def test_migrations_create_no_schedule_and_beat_creates_every_entry_of_the_settings():
    assert not PeriodicTask.objects.exists()
    start_beat_schedule()
    rows = {t.name: t for t in PeriodicTask.objects.select_related("interval", "crontab").exclude(name=CELERY_OWN)}
    assert set(rows) == set(settings.CELERY_BEAT_SCHEDULE) == {OLD_SWEEP, OLD_RETENTION, OLD_REMINDER}
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert rows[name].task == entry["task"] and rows[name].enabled
    assert rows[OLD_SWEEP].interval.schedule.run_every == datetime.timedelta(minutes=1)
    assert (rows[OLD_RETENTION].crontab.hour, rows[OLD_RETENTION].crontab.minute) == ("3", "15")
    assert (rows[OLD_REMINDER].crontab.hour, rows[OLD_REMINDER].crontab.minute) == ("7", "0")
    assert {str(rows[n].crontab.timezone) for n in (OLD_RETENTION, OLD_REMINDER)} == {"Europe/Berlin"}


@pytest.mark.django_db
def test_beat_updates_the_rows_of_an_existing_installation_instead_of_adding_new_ones():
    every_minute = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.MINUTES)
    nightly = CrontabSchedule.objects.create(minute="15", hour="3", timezone="Europe/Berlin")
    daily = CrontabSchedule.objects.create(minute="0", hour="7", timezone="Europe/Berlin")
    ran = timezone.now() - datetime.timedelta(seconds=30)
    old = {
        OLD_SWEEP: PeriodicTask.objects.create(name=OLD_SWEEP, task="staffing.tasks.sweep_deadlines",
                                               interval=every_minute, last_run_at=ran),
        OLD_RETENTION: PeriodicTask.objects.create(
            name=OLD_RETENTION, task="staffing.retention.erase_expired_personal_data_task", crontab=nightly),
        # an operator switched the reminder off in the admin
        OLD_REMINDER: PeriodicTask.objects.create(name=OLD_REMINDER, task="planning.tasks.remind_overdue_reports",
                                                  crontab=daily, enabled=False),
    }
    start_beat_schedule()
    start_beat_schedule()  # every start of beat does it again
    rows = {t.name: t for t in PeriodicTask.objects.exclude(name=CELERY_OWN)}
    assert {name: row.pk for name, row in rows.items()} == {name: row.pk for name, row in old.items()}
    assert rows[OLD_SWEEP].last_run_at == ran  # the health check reads it
    assert rows[OLD_SWEEP].interval.schedule.run_every == datetime.timedelta(minutes=1)
    assert rows[OLD_RETENTION].crontab_id == nightly.pk and rows[OLD_REMINDER].crontab_id == daily.pk
    assert not rows[OLD_REMINDER].enabled and rows[OLD_SWEEP].enabled


def test_every_scheduled_task_is_registered_with_the_worker():
    celery_app.loader.import_default_modules()  # what the worker does at start (autodiscovery of tasks.py)
    missing = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()} - set(celery_app.tasks)
    assert missing == set()


def test_no_migration_writes_a_schedule_row():
    offenders = [str(p.relative_to(PROJECT)) for p in sorted(PROJECT.glob("*/migrations/*.py"))
                 if re.search(r"get_model\(\s*[\"']django_celery_beat[\"']", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_signal_receivers_are_connected_in_ready_not_by_decorator_at_import():
    from celery.signals import task_postrun
    from django.contrib.auth.signals import user_login_failed

    decorated = [str(p.relative_to(PROJECT)) for p in sorted(PROJECT.glob("*/**/*.py"))
                 if "tests" not in p.parts and ".venv" not in p.parts and "@receiver(" in p.read_text(encoding="utf-8")]
    assert decorated == []
    assert any(key[0] == "ops.sweep_heartbeat" for key, *_ in task_postrun.receivers)
    assert any(key[0] == "ops.log_login_failed" for key, *_ in user_login_failed.receivers)
