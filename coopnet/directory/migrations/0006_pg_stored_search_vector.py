from django.db import migrations

from coopnet.lib.search import install_pg_stored_vector


def forwards(apps, schema_editor):
    install_pg_stored_vector(schema_editor)


def backwards(apps, schema_editor):
    install_pg_stored_vector(schema_editor, drop=True)


class Migration(migrations.Migration):
    """PostgreSQL only: the search vector becomes a stored generated column with a GIN index.

    Django's model does not know the column (SQLite has its FTS5 table instead); the adapter in
    coopnet/lib/search.py reads it in raw SQL.
    """

    dependencies = [("directory", "0005_coop_description_max_length")]

    operations = [migrations.RunPython(forwards, backwards)]
