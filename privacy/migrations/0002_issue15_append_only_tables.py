"""Issue 15, point 4: the record of access takes its time from the database and refuses UPDATE and DELETE
(PostgreSQL; the functions are those of staffing 0020). Its notice is PROTECTed: no cascade deletes it."""
import django.db.models.deletion
import django.db.models.functions.datetime
import django.utils.timezone
from django.db import migrations, models

from staffing.dbtriggers import append_only_triggers, run_on_postgresql


TABLES = [("staffing_candidatedataaccess", "at", True)]


CREATE, DROP = append_only_triggers(TABLES)


forward, backward = run_on_postgresql(CREATE), run_on_postgresql(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0001_initial'),
        ('staffing', '0020_issue15_append_only_tables'),
        ('staffing', '0020_issue15_append_only_tables'),
    ]

    operations = [
        migrations.AlterField(
            model_name='candidatedataaccess',
            name='at',
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), db_index=True, default=django.utils.timezone.now, verbose_name='Zeitpunkt'),
        ),
        migrations.AlterField(
            model_name='candidatedataaccess',
            name='notice',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='data_accesses', to='staffing.placementnotice', verbose_name='Mitteilung'),
        ),
        migrations.RunPython(forward, backward),
    ]
