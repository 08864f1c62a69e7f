"""On PostgreSQL, a trigram index makes the name search (a substring of ``search_name``) fast at
a million children. SQLite has no such index; there the search scans the column (fine for the
registries SQLite is meant for). If the database user may not create the ``pg_trgm`` extension,
the index is skipped with a warning and the search still works, only slower."""

from __future__ import annotations

import logging

from django.db import migrations, transaction

logger = logging.getLogger(__name__)

INDEX = "children_child_search_name_trgm"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as exc:  # noqa: BLE001 - a missing privilege must not stop the upgrade
        logger.warning("pg_trgm not available (%s); the name search works without its index.", exc)
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON children_child USING gin (search_name gin_trgm_ops)"
    )


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("children", "0003_childimport")]
    operations = [migrations.RunPython(create, drop)]
