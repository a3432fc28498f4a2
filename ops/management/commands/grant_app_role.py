"""Give the application's database role its rights (issue 15, point 4); the owner runs it after `migrate`."""
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from ops.dbroles import grant_statements


class Command(BaseCommand):
    help = ("Rechte der Anwendungsrolle setzen (PostgreSQL): gewöhnliche Rechte auf allen Tabellen, auf den "
            "nur fortschreibbaren Tabellen (Verlauf, Zugriffsprotokoll, Quartalsmeldungen, Höchstrahmen) nur "
            "SELECT und INSERT. Als Eigentümerrolle nach jedem `migrate` ausführen; wiederholbar.")

    def add_arguments(self, parser):
        parser.add_argument("role", help="Name der Anwendungsrolle (LOGIN, kein Superuser, nicht Eigentümerin)")
        parser.add_argument("--sql", action="store_true", help="Nur die SQL-Befehle ausgeben, nichts ausführen")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, role, sql, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("Datenbankrollen gibt es nur mit PostgreSQL (DATABASE_URL=postgres://…).")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_database()")
            current, dbname = cursor.fetchone()
            tables = set(connection.introspection.table_names(cursor))
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            row = cursor.fetchone()
        statements = grant_statements(role, database=dbname, existing_tables=tables)
        if sql:
            self.stdout.write(";\n".join(statements) + ";")
            return
        if row is None:
            raise CommandError(f"Die Rolle {role!r} gibt es nicht (CREATE ROLE … LOGIN PASSWORD …).")
        if row[0]:
            raise CommandError(f"Die Rolle {role!r} ist Superuser; die Anwendung darf das nie sein.")
        if role == current:
            raise CommandError(f"Die Rolle {role!r} ist die angemeldete Eigentümerrolle; die Anwendung braucht "
                               "eine eigene Rolle.")
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S') AND pg_get_userbyid(c.relowner) = %s",
                [role])
            owned = [name for (name,) in cursor.fetchall()]
            if owned:
                raise CommandError(f"Die Rolle {role!r} besitzt Tabellen ({', '.join(sorted(owned)[:5])} …); "
                                   "Eigentümerin muss die Migrationsrolle sein (ALTER TABLE … OWNER TO …).")
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(f"Rechte der Rolle {role} gesetzt: {len(statements)} Befehle.")
