"""Run the deadline sweep once (the same code beat runs every minute)."""
from django.core.management.base import BaseCommand

from staffing.tasks import run_sweep


class Command(BaseCommand):
    help = ("Fristen prüfen: Wochenfrist ohne Reaktion abgelaufen (Besetzung kann vollzogen werden), Erinnerungen, "
            "ausstehende Benachrichtigungen.")

    def handle(self, *args, **options):
        result = run_sweep()
        self.stdout.write(
            f"Wochenfrist ohne Reaktion abgelaufen: {result['approved']}, Erinnerungen: {result['reminded']}, "
            f"nachgeholte Benachrichtigungen: {result['outbox']}, E-Mails: {result['mailed']}")
