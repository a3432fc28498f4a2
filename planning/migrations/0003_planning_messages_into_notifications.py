"""The planning side's messages become notifications of the core's one pipeline (issue 11): every
PlanningMessage is copied into staffing's Notification (kind `cap_changed`, the only message planning
ever sent; leading to the costs page), keeping its times and read/mailed marks. Messages whose mail
never went out are mailed by the next deadline sweep. The model goes in 0004."""
from django.db import migrations

COSTS_PAGE = "/planung/erstattung/"  # planning:costs when this migration was written
BATCH = 500


def messages_to_notifications(apps, schema_editor):
    PlanningMessage = apps.get_model("planning", "PlanningMessage")
    Notification = apps.get_model("staffing", "Notification")
    for message in PlanningMessage.objects.order_by("pk").iterator(chunk_size=BATCH):
        notification = Notification.objects.create(
            recipient_id=message.recipient_id, notice=None, kind="cap_changed", url=COSTS_PAGE,
            subject=message.subject[:200], body=message.body, read_at=message.read_at, emailed_at=message.emailed_at)
        # created_at is auto_now_add: the message's own time is set afterwards
        Notification.objects.filter(pk=notification.pk).update(created_at=message.created_at)


def notifications_to_messages(apps, schema_editor):
    PlanningMessage = apps.get_model("planning", "PlanningMessage")
    Notification = apps.get_model("staffing", "Notification")
    copied = Notification.objects.filter(kind="cap_changed", notice__isnull=True)
    for n in copied.order_by("pk").iterator(chunk_size=BATCH):
        PlanningMessage.objects.create(recipient_id=n.recipient_id, subject=n.subject, body=n.body,
                                       created_at=n.created_at, read_at=n.read_at, emailed_at=n.emailed_at)
    copied.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("planning", "0002_reminder_schedule_and_cost_rates"),
        ("staffing", "0010_notification_without_notice"),
    ]

    operations = [
        migrations.RunPython(messages_to_notifications, notifications_to_messages),
    ]
