"""Compile the gettext catalogues (locale/*/LC_MESSAGES/django.po) in pure Python with Babel,
so that set-up needs no GNU gettext on the machine."""
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Übersetzungskataloge ohne GNU gettext kompilieren."
    # compiles files only: runs in `make setup` and the image build before any SECRET_KEY exists (issue 15)
    requires_system_checks = []

    def handle(self, *args, **options):
        count = 0
        for base in settings.LOCALE_PATHS:
            for po_path in Path(base).glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                with po_path.open("rb") as po_file:
                    catalog = read_po(po_file, locale=po_path.parent.parent.name)
                with mo_path.open("wb") as mo_file:
                    write_mo(mo_file, catalog, use_fuzzy=False)
                count += 1
        self.stdout.write(f"{count} Katalog(e) kompiliert.")
