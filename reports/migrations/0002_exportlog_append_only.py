"""Issue 17, point 3: the record of exports is an audit record: it takes its time from the database and
refuses UPDATE and DELETE (PostgreSQL; the trigger functions are those of staffing 0020), like the other
append-only tables of ops.dbroles."""
from django.db import migrations

from staffing.dbtriggers import append_only_triggers, run_on_postgresql

CREATE, DROP = append_only_triggers([("reports_exportlog", "at", True)])
forward, backward = run_on_postgresql(CREATE), run_on_postgresql(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0001_initial"),
        ("staffing", "0020_issue15_append_only_tables"),
    ]

    operations = [migrations.RunPython(forward, backward)]
