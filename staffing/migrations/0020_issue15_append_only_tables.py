"""Issue 15, point 4: append-only tables take their time from the database and refuse UPDATE and DELETE.

On PostgreSQL:
- `jobagentur_database_time()` (BEFORE INSERT, argument: the time column) sets the column to the database's
  clock_timestamp() for every role without the table owner's rights (the application role), whatever the
  INSERT says, so no past-dated row can be inserted. The owner (migrations, the operator's seed commands,
  the test suite as superuser) keeps the value it writes: it could drop the trigger anyway.
- `jobagentur_append_only()` (BEFORE UPDATE OR DELETE) refuses every row change for every role (defence in
  depth besides the missing privileges; the audit trail keeps its own trigger of 0002/0006 with the outbox
  stamp). TRUNCATE is refused by privileges only (the application role has none; test flushes use it).
The columns get `DEFAULT now()` (db_default), which also makes Django read the stored value back
(RETURNING) after an INSERT. SQLite has no roles: there Django sets the time, no trigger.
"""
import django.db.models.deletion
import django.db.models.functions.datetime
import django.utils.timezone
from django.db import migrations, models

from staffing.dbtriggers import append_only_triggers


FUNCTIONS = """
CREATE OR REPLACE FUNCTION jobagentur_database_time() RETURNS trigger AS $$
BEGIN
    IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[0], clock_timestamp()));
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION jobagentur_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS jobagentur_database_time();
DROP FUNCTION IF EXISTS jobagentur_append_only();
"""

TABLES = [("staffing_noticeevent", "at", False),  # UPDATE/DELETE: the trigger of 0002/0006
          ("staffing_positionchange", "at", True),
          ("staffing_gradecareertrackchange", "at", True)]


CREATE, DROP = append_only_triggers(TABLES)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS + CREATE, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP + DROP_FUNCTIONS, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('staffing', '0019_issue13_staffplan'),
    ]

    operations = [
        migrations.AlterField(
            model_name='gradecareertrackchange',
            name='at',
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), default=django.utils.timezone.now, verbose_name='Zeitpunkt'),
        ),
        migrations.AlterField(
            model_name='gradecareertrackchange',
            name='district',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='career_track_changes', to='staffing.district', verbose_name='Kreis'),
        ),
        migrations.AlterField(
            model_name='noticeevent',
            name='at',
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), default=django.utils.timezone.now, verbose_name='Zeitpunkt'),
        ),
        migrations.AlterField(
            model_name='positionchange',
            name='at',
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), default=django.utils.timezone.now, verbose_name='Zeitpunkt'),
        ),
        migrations.RunPython(forward, backward),
    ]
