"""PS-2.3: the deadline sweep runs every minute, scheduled in the database (django-celery-beat)."""
from django.db import migrations


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(
        name="Fristen prüfen (Zustimmung durch Fristablauf, Erinnerungen)",
        defaults={"task": "staffing.tasks.sweep_deadlines", "interval": every_minute, "enabled": True},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task="staffing.tasks.sweep_deadlines").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("staffing", "0003_user_email_preferences"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
