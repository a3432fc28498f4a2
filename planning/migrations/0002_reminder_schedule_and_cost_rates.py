"""PS-5.1: a starting cost table per grade (annual personnel costs of one FTE, guide values in the manner of
the KGSt report "Kosten eines Arbeitsplatzes"; the district adjusts them in the admin).

History: this migration also created the PeriodicTask row "Quartalsmeldungen: überfällige Städte erinnern"
(PS-6.1, daily 07:00). The schedule is now declared in settings.CELERY_BEAT_SCHEDULE under the same entry
name; beat writes it into that row when it starts (issue 11).
"""
from decimal import Decimal

from django.db import migrations

COST_RATES = {
    "A 6": "61500", "A 7": "65800", "A 8": "71200", "A 9": "77900", "A 10": "85400", "A 11": "94100",
    "A 12": "103600", "A 13": "114900", "A 14": "125300",
    "EG 5": "57400", "EG 6": "60300", "EG 8": "65200", "EG 9a": "69800", "EG 9b": "73600", "EG 9c": "77500",
    "EG 10": "82700", "EG 11": "88300", "EG 12": "94900", "EG 13": "100400", "EG 14": "106800",
    "S 11b": "79900", "S 12": "82300", "S 14": "86900",
}


def forwards(apps, schema_editor):
    CostRate = apps.get_model("planning", "CostRate")
    for grade, cost in COST_RATES.items():
        CostRate.objects.get_or_create(grade=grade, defaults={"annual_cost": Decimal(cost)})


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0001_planning_models"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
