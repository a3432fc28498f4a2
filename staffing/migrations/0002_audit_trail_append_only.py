"""PS-2 audit trail: on PostgreSQL the database itself refuses UPDATE and DELETE on notice events.

TRUNCATE (used by test-database flushes and full restores) is statement-level and stays possible for
the database owner; row-level changes from the application are refused.
"""
from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION staffing_noticeevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.id = OLD.id AND NEW.notice_id = OLD.notice_id AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.transition = OLD.transition AND NEW.from_state = OLD.from_state
       AND NEW.to_state = OLD.to_state AND NEW.at = OLD.at AND NEW.reason = OLD.reason
       AND OLD.notifications_sent_at IS NULL THEN
        -- the only permitted change: stamping the outbox once the notifications went out
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'staffing_noticeevent is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER staffing_noticeevent_append_only
    BEFORE UPDATE OR DELETE ON staffing_noticeevent
    FOR EACH ROW EXECUTE FUNCTION staffing_noticeevent_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS staffing_noticeevent_append_only ON staffing_noticeevent;
DROP FUNCTION IF EXISTS staffing_noticeevent_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("staffing", "0001_initial_domain_model")]
    operations = [migrations.RunPython(forward, backward)]
