"""The deadline lives in the database and beat sweeps every minute (PS-2.3): no long timers in the broker,
where Redis' visibility timeout would re-deliver them (docs/workflow.md)."""
import re
from datetime import timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
APP_PACKAGES = [p for p in PROJECT.iterdir() if (p / "apps.py").exists() or (p / "celery.py").exists()]


def test_beat_runs_the_sweep_every_minute_from_the_database_schedule(settings, beat_schedule):
    task = beat_schedule.get(task="staffing.tasks.sweep_deadlines")
    assert task.enabled
    assert task.interval.schedule.run_every == timedelta(minutes=1)
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"


def test_no_code_schedules_a_task_with_a_countdown_or_eta():
    """A short retry delay (minutes at most) may be marked `# short timer` on its line."""
    offenders = []
    for package in APP_PACKAGES:
        for path in package.rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if re.search(r"\b(countdown|eta)\s*=", line) and "# short timer" not in line:
                    offenders.append(f"{path.relative_to(PROJECT)}:{number}: {line.strip()}")
    assert APP_PACKAGES and offenders == []
