"""DSGVO Art. 15: print (or write) as JSON every record held about one person."""
import json

from django.core.management.base import BaseCommand, CommandError

from privacy.selectors import personal_data_export


class Command(BaseCommand):
    help = "Auskunft nach Art. 15 DSGVO: alle Daten zu einer Person als JSON (Name wie erfasst, z. B. 'Anna Muster')."

    def add_arguments(self, parser):
        parser.add_argument("name", help="vollständiger Name der Person (Groß-/Kleinschreibung egal)")
        parser.add_argument("--output", "-o", help="Datei statt Standardausgabe")

    def handle(self, *args, name, output=None, **options):
        try:
            data = personal_data_export(name=name)
        except ValueError as exc:
            raise CommandError("Bitte einen Namen angeben.") from exc
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stdout.write(f"{output}: {len(data['candidates'])} Bewerbungen, {len(data['staff_records'])} "
                              f"Personaldatensätze, {len(data['user_accounts'])} Benutzerkonten")
        else:
            self.stdout.write(text)
