# Issue 16: step 2 of 2 (after the backfill of 0024): every notice has its district; a district's lists read
# their own notices in the default order (-created_at, -id) from notice_district_created_idx.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('staffing', '0025_notice_district'),
    ]

    operations = [
        migrations.AlterField(
            model_name='placementnotice',
            name='district',
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name='notices', to='staffing.district', verbose_name='Kreis'),
        ),
        migrations.AddIndex(
            model_name='placementnotice',
            index=models.Index(fields=['district', '-created_at', '-id'], name='notice_district_created_idx'),
        ),
    ]
