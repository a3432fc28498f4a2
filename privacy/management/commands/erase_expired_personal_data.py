"""DSGVO: erase candidates' personal data past RETENTION_DAYS now (beat runs it daily)."""
from django.core.management.base import BaseCommand

from privacy.services import erase_expired_personal_data


class Command(BaseCommand):
    help = "Löscht personenbezogene Daten von Bewerber/innen nach Ablauf der Aufbewahrungsfrist (RETENTION_DAYS)."

    def handle(self, *args, **options):
        self.stdout.write(f"{erase_expired_personal_data()} Bewerber/innen gelöscht")
