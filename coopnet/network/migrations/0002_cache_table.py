from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # The cache (sign-in rate limits) lives in the database so every web process shares it;
    # creating its table here means `migrate` alone prepares a database, tests included.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
