"""Shared steps of the data-migration tests: migrate back, write rows with the historical models, migrate forward."""
from contextlib import contextmanager

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@contextmanager
def migrated_back_to(before: list[tuple[str, str]]):
    """The database migrated back to `before`; yields the historical apps (rows written with them are what the
    migration finds) and migrates forward to the latest migrations on leaving, also when the body failed, so the
    next test finds the current schema."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        yield MigrationExecutor(connection).loader.project_state(before).apps
    finally:
        MigrationExecutor(connection).migrate(leaves)


def old_office(old, slug: str, *, name: str = "", city_name: str = ""):
    """A district with one city and its regional office, written with the historical models `old`."""
    district = old.get_model("staffing", "District").objects.create(name=name or slug, slug=slug)
    city = old.get_model("staffing", "City").objects.create(district=district, name=city_name or slug, slug=slug)
    return old.get_model("staffing", "Office").objects.create(kind="regional", district=district, city=city,
                                                              name=f"Regionalstelle {city_name}" if city_name else slug)
