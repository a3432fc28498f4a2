"""Abwesenheitsvertretung (issue 8): the audit record names the absent colleague a substitute acted for.

On PostgreSQL the append-only trigger of 0002 is widened so that `on_behalf_of_id` is immutable too.
"""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FUNCTION = """
CREATE OR REPLACE FUNCTION staffing_noticeevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.id = OLD.id AND NEW.notice_id = OLD.notice_id AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.on_behalf_of_id IS NOT DISTINCT FROM OLD.on_behalf_of_id
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
"""

FUNCTION_BEFORE = """
CREATE OR REPLACE FUNCTION staffing_noticeevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.id = OLD.id AND NEW.notice_id = OLD.notice_id AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.transition = OLD.transition AND NEW.from_state = OLD.from_state
       AND NEW.to_state = OLD.to_state AND NEW.at = OLD.at AND NEW.reason = OLD.reason
       AND OLD.notifications_sent_at IS NULL THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'staffing_noticeevent is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION_BEFORE, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('staffing', '0005_privacy_access_log_and_heartbeat'),
    ]

    operations = [
        migrations.AddField(
            model_name='noticeevent',
            name='on_behalf_of',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name='+', to=settings.AUTH_USER_MODEL,
                                    verbose_name='in Vertretung für'),
        ),
        migrations.RunPython(forward, backward),
    ]
