"""Issue 15, point 4 (append-only audit tables): the PostgreSQL triggers that the migrations of every app put
on an append-only table, written once. The trigger functions themselves (`jobagentur_database_time(column)`,
`jobagentur_append_only()`) are created by staffing 0020; `ops.dbroles.APPEND_ONLY_TABLES` lists the tables.

Migrations import only `append_only_triggers` and `run_on_postgresql` from here: keep both stable (a change
to the SQL they write needs a new migration, not an edit here)."""
from __future__ import annotations

from collections.abc import Iterable


def append_only_triggers(tables: Iterable[tuple[str, str | None, bool]]) -> tuple[str, str]:
    """CREATE and DROP statements of the triggers of `(table, time column or None, refuse UPDATE/DELETE)`:
    the time column is set from the database clock on INSERT; UPDATE and DELETE are refused."""
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


def run_on_postgresql(sql: str):
    """A RunPython function that executes `sql` on PostgreSQL and does nothing on SQLite (no triggers there)."""
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)
    return run
