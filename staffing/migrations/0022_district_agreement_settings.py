"""Issue 17, point 1: per-district agreement settings (AgreementRuleSet, append-only) and the rule set each
notice keeps from its receipt. Every existing district gets its initial rule set from the current settings
(valid for every receipt since 2000-01-01); every received notice points at its district's. On PostgreSQL
the new table gets the append-only triggers of staffing 0020 (created_at from the database clock, no
UPDATE or DELETE)."""
import datetime

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.datetime
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from staffing.dbtriggers import append_only_triggers, run_on_postgresql


INITIAL_VALID_FROM = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
CREATE, DROP = append_only_triggers([("staffing_agreementruleset", "created_at", True)])


def initial_rule_sets(apps, schema_editor):
    """Each district's first rule set from the settings in force; its received notices point at it."""
    District = apps.get_model("staffing", "District")
    AgreementRuleSet = apps.get_model("staffing", "AgreementRuleSet")
    PlacementNotice = apps.get_model("staffing", "PlacementNotice")
    statute = getattr(settings, "STATUTE_DATE", "2007-04-18")
    values = {
        "holiday_region": getattr(settings, "PUBLIC_HOLIDAYS_SUBDIVISION", "NW") or "NW",
        "catholic_holidays": bool(getattr(settings, "PUBLIC_HOLIDAYS_CATHOLIC", False)),
        "period_weeks": int(getattr(settings, "OBJECTION_PERIOD_WEEKS", 1)),
        "reminder_working_days": int(getattr(settings, "REMINDER_WORKING_DAYS", 1)),
        "vacancy_flag_days": int(getattr(settings, "VACANCY_FLAG_DAYS", 90)),
        "qualification_min_months": int(getattr(settings, "QUALIFICATION_MIN_MONTHS", 6)),
        "statute_date": datetime.date.fromisoformat(statute) if statute else None,
        "statute_reference": getattr(settings, "STATUTE_REFERENCE",
                                     "§ 4 Abs. 1 der Heranziehungssatzung des Ennepe-Ruhr-Kreises"),
    }
    for district in District.objects.all():
        rule_set = AgreementRuleSet.objects.create(district=district, version=1, valid_from=INITIAL_VALID_FROM,
                                                   reason="Voreinstellung", **values)
        PlacementNotice.objects.filter(office__district=district, received_at__isnull=False).update(
            rule_set=rule_set)


triggers, drop_triggers = run_on_postgresql(CREATE), run_on_postgresql(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('staffing', '0021_notice_created_idx'),
    ]

    operations = [
        migrations.CreateModel(
            name='AgreementRuleSet',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(verbose_name='Fassung')),
                ('valid_from', models.DateTimeField(verbose_name='gilt für Eingänge ab')),
                ('holiday_region', models.CharField(choices=[('BW', 'Baden-Württemberg'), ('BY', 'Bayern'), ('BE', 'Berlin'), ('BB', 'Brandenburg'), ('HB', 'Bremen'), ('HH', 'Hamburg'), ('HE', 'Hessen'), ('MV', 'Mecklenburg-Vorpommern'), ('NI', 'Niedersachsen'), ('NW', 'Nordrhein-Westfalen'), ('RP', 'Rheinland-Pfalz'), ('SL', 'Saarland'), ('SN', 'Sachsen'), ('ST', 'Sachsen-Anhalt'), ('SH', 'Schleswig-Holstein'), ('TH', 'Thüringen'), ('Augsburg', 'Bayern: Stadt Augsburg (mit Augsburger Hohem Friedensfest)')], help_text='Die gesetzlichen Feiertage dieses Landes verschieben das Fristende (§ 193 BGB).', max_length=20, verbose_name='Feiertage des Landes')),
                ('catholic_holidays', models.BooleanField(default=False, help_text='Nur in Bayern (Mariä Himmelfahrt), Sachsen und Thüringen (Fronleichnam).', verbose_name='mit den Feiertagen überwiegend katholischer Gemeinden')),
                ('period_weeks', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(8)], verbose_name='Dauer der Frist in Wochen')),
                ('reminder_working_days', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)], verbose_name='Erinnerung (Arbeitstage vor Fristende)')),
                ('vacancy_flag_days', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(730)], verbose_name='Vakanz hervorheben nach (Tagen)')),
                ('qualification_min_months', models.PositiveSmallIntegerField(validators=[django.core.validators.MaxValueValidator(60)], verbose_name='Mindestens einschlägige Berufserfahrung (Monate)')),
                ('statute_date', models.DateField(blank=True, null=True, verbose_name='Heranziehungssatzung vom')),
                ('statute_reference', models.CharField(blank=True, help_text='z. B. § 4 Abs. 1 der Heranziehungssatzung des Kreises', max_length=200, verbose_name='Fundstelle der Kürzungsregel')),
                ('reason', models.TextField(blank=True, verbose_name='Begründung der Änderung')),
                ('changes', models.JSONField(blank=True, default=dict, verbose_name='Änderungen (vorher → nachher)')),
                ('created_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), default=django.utils.timezone.now, verbose_name='festgelegt am')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='festgelegt von')),
                ('district', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rule_sets', to='staffing.district', verbose_name='Kreis')),
            ],
            options={
                'verbose_name': 'Regelwerk des Kreises',
                'verbose_name_plural': 'Regelwerke der Kreise',
                'ordering': ['district', '-valid_from', '-version'],
            },
        ),
        migrations.AddField(
            model_name='placementnotice',
            name='rule_set',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='notices', to='staffing.agreementruleset', verbose_name='Regelwerk bei Eingang'),
        ),
        migrations.AddConstraint(
            model_name='agreementruleset',
            constraint=models.UniqueConstraint(fields=('district', 'version'), name='rule_set_version_unique_in_district'),
        ),
        migrations.AddConstraint(
            model_name='agreementruleset',
            constraint=models.CheckConstraint(condition=models.Q(('period_weeks__gte', 1)), name='rule_set_period_at_least_a_week'),
        ),
        migrations.RunPython(initial_rule_sets, migrations.RunPython.noop),
        migrations.RunPython(triggers, drop_triggers),
    ]
