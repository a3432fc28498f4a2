# The planning side's own message model goes: its rows are notifications of the core now (0003).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('planning', '0003_planning_messages_into_notifications'),
    ]

    operations = [
        migrations.DeleteModel(
            name='PlanningMessage',
        ),
    ]
