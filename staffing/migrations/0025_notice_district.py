# Issue 16 (no page's time grows with the number of districts): the notice carries its office's district.
# Step 1 of 2: the column, nullable, and its value for every existing notice in one UPDATE. The NOT NULL and the
# index follow in 0025, in a transaction of their own (PostgreSQL refuses to ALTER a table with the deferred
# foreign-key checks of this UPDATE still pending in the same transaction).

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_office_district(apps, schema_editor):
    """One UPDATE: each notice's district is its office's (a correlated subquery; SQLite and PostgreSQL)."""
    notice = apps.get_model("staffing", "PlacementNotice")
    office = apps.get_model("staffing", "Office")
    notice.objects.using(schema_editor.connection.alias).filter(district__isnull=True).update(
        district_id=Subquery(office.objects.filter(pk=OuterRef("office_id")).values("district_id")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('staffing', '0024_notification_inbox_idx'),
    ]

    operations = [
        migrations.AddField(
            model_name='placementnotice',
            name='district',
            field=models.ForeignKey(db_index=False, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name='notices',
                                    to='staffing.district', verbose_name='Kreis'),
        ),
        migrations.RunPython(copy_office_district, migrations.RunPython.noop, elidable=False),
    ]
