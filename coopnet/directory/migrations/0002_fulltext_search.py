from django.db import migrations

from coopnet.lib.search import install_schema


def forwards(apps, schema_editor):
    install_schema(schema_editor, sqlite_columns=("name", "search_tags", "description"))


def backwards(apps, schema_editor):
    install_schema(schema_editor, drop=True)


class Migration(migrations.Migration):
    """The full-text structures of `coopnet.lib.search`: FTS5 on SQLite, GIN on PostgreSQL."""

    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
