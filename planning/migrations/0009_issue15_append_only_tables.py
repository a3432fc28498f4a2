"""Issue 15, point 4: the append-only planning tables (quarterly reports, caps, cap proposals and statements)
take their time from the database and refuse UPDATE and DELETE (PostgreSQL; functions of staffing 0020)."""
import django.db.models.functions.datetime
import django.utils.timezone
from django.db import migrations, models

from staffing.dbtriggers import append_only_triggers, run_on_postgresql


TABLES = [("planning_quarterlyreport", "confirmed_at", True),
          ("planning_reimbursementcap", "set_at", True),
          ("planning_capproposal", None, True),
          ("planning_capstatement", "stated_at", True)]


CREATE, DROP = append_only_triggers(TABLES)


forward, backward = run_on_postgresql(CREATE), run_on_postgresql(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('planning', '0008_issue13_costs'),
        ('staffing', '0020_issue15_append_only_tables'),
    ]

    operations = [
        migrations.AlterField(
            model_name='capstatement',
            name='stated_at',
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), default=django.utils.timezone.now, verbose_name='abgegeben am'),
        ),
        migrations.AlterField(
            model_name='quarterlyreport',
            name='confirmed_at',
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), default=django.utils.timezone.now, verbose_name='bestätigt am'),
        ),
        migrations.AlterField(
            model_name='reimbursementcap',
            name='set_at',
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), default=django.utils.timezone.now, verbose_name='festgesetzt am'),
        ),
        migrations.RunPython(forward, backward),
    ]
