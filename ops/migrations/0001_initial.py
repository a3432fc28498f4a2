"""Heartbeat, moved here from staffing (issue 11) in the state only: its table `staffing_heartbeat` was
created by staffing 0005 and stays. The content type (and its permissions) is handed over to this app."""
from django.db import migrations, models


def hand_over_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="ops", model="heartbeat").exists():
        ContentType.objects.filter(app_label="staffing", model="heartbeat").update(app_label="ops")


def hand_back_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="staffing", model="heartbeat").exists():
        ContentType.objects.filter(app_label="ops", model="heartbeat").update(app_label="staffing")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("staffing", "0009_move_privacy_and_ops_models"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Heartbeat",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("name", models.CharField(max_length=60, unique=True, verbose_name="Name")),
                        ("at", models.DateTimeField(verbose_name="Zeitpunkt")),
                    ],
                    options={
                        "verbose_name": "Lebenszeichen",
                        "verbose_name_plural": "Lebenszeichen",
                        "db_table": "staffing_heartbeat",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(hand_over_content_type, hand_back_content_type),
    ]
