"""CandidateDataAccess, moved here from staffing (issue 11) in the state only: its table
`staffing_candidatedataaccess` was created by staffing 0005 and stays. Existing databases keep their rows;
the content type (and its permissions) is handed over to this app."""
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def hand_over_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="privacy", model="candidatedataaccess").exists():
        ContentType.objects.filter(app_label="staffing", model="candidatedataaccess").update(app_label="privacy")


def hand_back_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="staffing", model="candidatedataaccess").exists():
        ContentType.objects.filter(app_label="privacy", model="candidatedataaccess").update(app_label="staffing")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("staffing", "0009_move_privacy_and_ops_models"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CandidateDataAccess",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("candidate_ids", models.JSONField(default=list, verbose_name="Bewerber/innen")),
                        ("view", models.CharField(max_length=100, verbose_name="Seite")),
                        ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now,
                                                    verbose_name="Zeitpunkt")),
                        ("notice", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                     related_name="data_accesses", to="staffing.placementnotice",
                                                     verbose_name="Mitteilung")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                                   to=settings.AUTH_USER_MODEL, verbose_name="durch")),
                    ],
                    options={
                        "verbose_name": "Zugriff auf Bewerberdaten",
                        "verbose_name_plural": "Zugriffe auf Bewerberdaten",
                        "db_table": "staffing_candidatedataaccess",
                        "ordering": ["-at", "-pk"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(hand_over_content_type, hand_back_content_type),
    ]
