"""PS-2.3: the deadline sweep runs every minute, scheduled in the database (django-celery-beat).

History: this migration used to create the PeriodicTask row "Fristen prüfen (Zustimmung durch Fristablauf,
Erinnerungen)". The schedule is now declared in one place, settings.CELERY_BEAT_SCHEDULE, under the same
entry name; beat's DatabaseScheduler writes it into that row when it starts (issue 11). Nothing to do here.
"""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("staffing", "0003_user_email_preferences"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
