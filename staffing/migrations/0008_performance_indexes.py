"""Indexes the national-scale benchmark needs (issue 7; EXPLAIN before/after in docs/performance.md).

* notice_informed_deadline_idx: partial index on (period_ends_at, id) of the notices whose period is
  running. The deadline sweep takes the due notices in batches ordered by (period_ends_at, id) with
  FOR UPDATE SKIP LOCKED; with 10,000 notices ending at the same moment, the (state, period_ends_at)
  index returned all of them and sorted them for every batch. The partial index is read in order and
  stops after the batch; it holds only the running notices (a few thousand of 200,000).
* candidate_name_trgm_idx: trigram GIN index on UPPER(full_name) (the expression Django's icontains
  uses). The notice list's text search asks EXISTS(candidate whose name contains the text); PostgreSQL
  answers it with a hashed subplan over all candidates (a sequential scan of ~400,000 rows per search);
  with the index that subplan is a bitmap index scan. Needs the pg_trgm extension (a trusted extension
  since PostgreSQL 13: the database owner may create it).

PostgreSQL only (SQLite, the embedded default, has neither partial-index ordering problems at its
scale nor trigram indexes); not part of the model state, so `makemigrations` does not see them.
"""
from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS notice_informed_deadline_idx ON staffing_placementnotice (period_ends_at, id) "
    "WHERE state = 'informed'",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS candidate_name_trgm_idx ON staffing_candidate "
    "USING gin (UPPER(full_name::text) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS candidate_name_trgm_idx",
    "DROP INDEX IF EXISTS notice_informed_deadline_idx",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("staffing", "0007_withdrawn_draft_has_no_period")]
    operations = [migrations.RunPython(forward, backward)]
