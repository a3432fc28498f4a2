"""Issue 15, point 4: the append-only planning tables (quarterly reports, caps, cap proposals and statements)
take their time from the database and refuse UPDATE and DELETE (PostgreSQL; functions of staffing 0020)."""
import django.db.models.functions.datetime
import django.utils.timezone
from django.db import migrations, models


TABLES = [("planning_quarterlyreport", "confirmed_at", True),
          ("planning_reimbursementcap", "set_at", True),
          ("planning_capproposal", None, True),
          ("planning_capstatement", "stated_at", True)]


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
