"""Issue 15, point 4: the record of access takes its time from the database and refuses UPDATE and DELETE
(PostgreSQL; the functions are those of staffing 0020). Its notice is PROTECTed: no cascade deletes it."""
import django.db.models.deletion
import django.db.models.functions.datetime
import django.utils.timezone
from django.db import migrations, models


TABLES = [("staffing_candidatedataaccess", "at", True)]


def _triggers(tables):
    """CREATE and DROP of the triggers of (table, time column or None, refuse UPDATE/DELETE)."""
    create, drop = [], []
    for table, column, refuse in tables:
        if column:
            create.append(f"CREATE TRIGGER {table}_database_time BEFORE INSERT ON {table} "
                          f"FOR EACH ROW EXECUTE FUNCTION jobagentur_database_time('{column}');")
            drop.append(f"DROP TRIGGER IF EXISTS {table}_database_time ON {table};")
        if refuse:
            create.append(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                          f"FOR EACH ROW EXECUTE FUNCTION jobagentur_append_only();")
            drop.append(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    return "\n".join(create), "\n".join(drop)


CREATE, DROP = _triggers(TABLES)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


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
