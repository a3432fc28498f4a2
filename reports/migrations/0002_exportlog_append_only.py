"""Issue 17, point 3: the record of exports is an audit record: it takes its time from the database and
refuses UPDATE and DELETE (PostgreSQL; the trigger functions are those of staffing 0020), like the other
append-only tables of ops.dbroles."""
from django.db import migrations

TABLE = "reports_exportlog"
CREATE = (f"CREATE TRIGGER {TABLE}_database_time BEFORE INSERT ON {TABLE} "
          f"FOR EACH ROW EXECUTE FUNCTION jobagentur_database_time('at');\n"
          f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
          f"FOR EACH ROW EXECUTE FUNCTION jobagentur_append_only();")
DROP = (f"DROP TRIGGER IF EXISTS {TABLE}_database_time ON {TABLE};\n"
        f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0001_initial"),
        ("staffing", "0020_issue15_append_only_tables"),
    ]

    operations = [migrations.RunPython(forward, backward)]
