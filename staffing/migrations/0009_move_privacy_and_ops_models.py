"""CandidateDataAccess moved to the app `privacy`, Heartbeat to the app `ops` (issue 11): removed from
staffing's state only. The tables stay where they are (`staffing_candidatedataaccess`, `staffing_heartbeat`);
privacy 0001 and ops 0001 take them over in their state with `db_table`."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("staffing", "0008_performance_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="CandidateDataAccess"),
                migrations.DeleteModel(name="Heartbeat"),
            ],
            database_operations=[],
        ),
    ]
