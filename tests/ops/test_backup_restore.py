"""README "Backup and restore": the documented pg_dump / pg_restore commands restore every row."""
import subprocess
import uuid

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def row_counts(dbname: str) -> dict[str, int]:
    import psycopg

    s = connection.settings_dict
    with psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"], dbname=dbname,
                         autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").fetchall()]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def test_pg_dump_and_pg_restore_bring_back_every_row(tmp_path, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", verbosity=0)
    s = connection.settings_dict
    source = s["NAME"]
    target = f"{source}_restore_{uuid.uuid4().hex[:8]}"
    common = ["-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432), "-U", s["USER"]]
    dump = tmp_path / "jobagentur.dump"
    before = row_counts(source)
    assert before["staffing_placementnotice"] > 0 and before["staffing_noticeevent"] > 0
    # the README's commands
    subprocess.run(["pg_dump", "-Fc", *common, "--file", str(dump), source], check=True, timeout=120)
    subprocess.run(["createdb", *common, target], check=True, timeout=60)
    try:
        subprocess.run(["pg_restore", *common, "--no-owner", "--exit-on-error", "-d", target, str(dump)],
                       check=True, timeout=300)
        assert row_counts(target) == before
    finally:
        subprocess.run(["dropdb", *common, "--if-exists", target], check=False, timeout=60)
