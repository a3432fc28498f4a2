# Notifications for any page (the one pipeline, issue 11): a notification without a notice leads to `url`;
# its kinds come from staffing.hooks (the workflow's plus those the other apps register).

import django.db.models.deletion
import staffing.hooks
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('staffing', '0009_move_privacy_and_ops_models'),
    ]

    operations = [
        migrations.AddField(
            model_name='notification',
            name='url',
            field=models.CharField(blank=True, help_text='Adresse in der Anwendung, wenn die Benachrichtigung keine Mitteilung betrifft.', max_length=300, verbose_name='Seite'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='kind',
            field=models.CharField(choices=staffing.hooks.notification_kind_choices, max_length=30, verbose_name='Art'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='notice',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='staffing.placementnotice', verbose_name='Mitteilung'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.CheckConstraint(condition=models.Q(('notice__isnull', False), models.Q(('url', ''), _negated=True), _connector='OR'), name='notification_about_a_notice_or_a_page'),
        ),
    ]
