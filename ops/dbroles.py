"""Two database roles (issue 15, point 4): the owner runs the migrations, the application role may only
read and append on the append-only tables and has ordinary rights everywhere else.

The append-only tables are those whose rows the code writes once and never changes or deletes:

- `staffing_noticeevent` (the audit trail, PS-2): SELECT and INSERT, plus UPDATE of the single column
  `notifications_sent_at` (the outbox stamp, set once; the trigger of staffing 0002/0006 refuses every
  other change and a second stamp);
- `staffing_positionchange` (PS-4.2, the staff plan's audit) and `staffing_gradecareertrackchange`
  (PS-1.1, the career-track table's audit), `staffing_agreementruleset` (issue 17: a district's
  agreement settings; a change is a new version);
- `staffing_candidatedataaccess` (DSGVO record of access): the retention job (privacy.services) blanks
  candidates' personal data but keeps the record of access, which holds only ids, a page name and a time;
- `planning_quarterlyreport` (PS-6.1, the confirmed snapshot), `planning_reimbursementcap` (PS-5.1, a
  change is a new row), `planning_capproposal` and `planning_capstatement` (PS-5.1, the consultation's
  proposals and the cities' statements, each given once); `reports_exportlog` (issue 17, point 3: the record
  of exports for auditors).

Not append-only, although they record history: the cost-cut ledger (`staffing_administrativecostcut`,
revoked by setting `revoked_at`), the cap consultation (fixed once by an UPDATE), notifications (read and
mailed stamps), the heartbeat (overwritten every minute).

The migrations staffing 0020, privacy 0002 and planning 0009 (issue 15) add, on PostgreSQL, a trigger
that sets each table's time column to the database clock on INSERT for every role that lacks the table
owner's rights, and a trigger refusing UPDATE and DELETE for every role (the audit trail keeps its own).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AppendOnlyTable:
    table: str
    time_column: str | None = None  # set from the database clock on INSERT (None: the table has no time)
    updatable_columns: tuple[str, ...] = ()  # the only columns the application role may UPDATE


APPEND_ONLY_TABLES = (
    AppendOnlyTable("staffing_noticeevent", "at", ("notifications_sent_at",)),
    AppendOnlyTable("staffing_positionchange", "at"),
    AppendOnlyTable("staffing_gradecareertrackchange", "at"),
    AppendOnlyTable("staffing_agreementruleset", "created_at"),  # issue 17: a change is a new version
    AppendOnlyTable("staffing_candidatedataaccess", "at"),
    AppendOnlyTable("planning_quarterlyreport", "confirmed_at"),
    AppendOnlyTable("planning_reimbursementcap", "set_at"),
    AppendOnlyTable("planning_capproposal"),
    AppendOnlyTable("planning_capstatement", "stated_at"),
    AppendOnlyTable("reports_exportlog", "at"),  # issue 17, point 3: the record of exports
)


def _ident(name: str) -> str:
    """A quoted SQL identifier (role, table or column name)."""
    return '"' + name.replace('"', '""') + '"'


def grant_statements(role: str, *, database: str, schema: str = "public",
                     existing_tables: set[str] | None = None) -> list[str]:
    """The SQL that gives `role` the application's rights (issue 15, point 4). Run by the owner after every
    `migrate`; idempotent (every statement can be repeated). `existing_tables` limits the per-table
    statements to tables that exist (None: all of APPEND_ONLY_TABLES)."""
    r, s = _ident(role), _ident(schema)
    sql = [
        f"GRANT CONNECT ON DATABASE {_ident(database)} TO {r}",
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"REVOKE CREATE ON SCHEMA {s} FROM {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {s} FROM {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        # tables and sequences the owner creates later (a new migration) get the ordinary rights at once;
        # a new append-only table is narrowed when this command runs again after that migrate
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT USAGE, SELECT ON SEQUENCES TO {r}",
    ]
    for spec in APPEND_ONLY_TABLES:
        if existing_tables is not None and spec.table not in existing_tables:
            continue
        t = f"{s}.{_ident(spec.table)}"
        # revoking the table-level UPDATE also removes earlier column grants; then the one column again
        sql.append(f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {t} FROM {r}")
        sql.append(f"GRANT SELECT, INSERT ON {t} TO {r}")
        if spec.updatable_columns:
            columns = ", ".join(_ident(c) for c in spec.updatable_columns)
            sql.append(f"GRANT UPDATE ({columns}) ON {t} TO {r}")
    return sql
