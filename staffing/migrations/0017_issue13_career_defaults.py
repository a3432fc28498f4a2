"""PS-1.1: every district starts with the default career-track table (the district edits it afterwards)."""
from django.db import migrations

# a copy, so that the migration keeps its meaning when the defaults in staffing.grades change
DEFAULTS = (
    [("A 5", "civil_servant", "lg1_1")]
    + [(f"A {n}", "civil_servant", "lg1_2") for n in range(6, 10)]
    + [(f"A {n}", "civil_servant", "lg2_1") for n in range(10, 14)]
    + [(f"A {n}", "civil_servant", "lg2_2") for n in range(14, 17)]
    + [(f"EG {n}", "employee", "al1") for n in range(5, 9)]
    + [(f"EG {g}", "employee", "al2") for g in ("9a", "9b", "9c", "10", "11", "12")]
    + [(f"EG {n}", "employee", "university") for n in range(13, 16)]
)


def seed(apps, schema_editor):
    District = apps.get_model("staffing", "District")
    GradeCareerTrack = apps.get_model("staffing", "GradeCareerTrack")
    for district in District.objects.all():
        existing = set(GradeCareerTrack.objects.filter(district=district).values_list("grade", flat=True))
        GradeCareerTrack.objects.bulk_create([
            GradeCareerTrack(district=district, grade=grade, employment=employment, track=track)
            for grade, employment, track in DEFAULTS if grade not in existing])


class Migration(migrations.Migration):
    dependencies = [("staffing", "0016_issue13_career")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
