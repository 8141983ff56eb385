"""Trigram index for search on PostgreSQL (SQLite scans the normalised column instead)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "news_article_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Serves ArticleQuerySet.search(): search_text LIKE '%word%' for every word.
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON news_article "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("news", "0001_initial")]

    operations = [
        # CreateExtension does nothing on other databases.
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
