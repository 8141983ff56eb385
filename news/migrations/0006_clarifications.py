import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

EDITORS = "Editors"
CODENAMES = [
    f"{action}_{model}"
    for model in ("clarification", "clarificationsource", "clarificationcorrection")
    for action in ("add", "change", "delete", "view")
]
INDEX = "news_clarification_search_trgm"

VERDICTS = [
    ("false", "False"),
    ("misleading", "Misleading"),
    ("partly_true", "Partly true"),
    ("true", "True"),
    ("under_verification", "Under verification"),
]
FACTS_HELP = "Markdown: **bold**, *italic*, lists, links and headings. HTML is filtered."
CLAIM_HELP = "The claim as it circulated, in a sentence or two."
CIRCULATED_HELP = "For example: messages on WhatsApp and posts on X."
SOURCE_TITLE_HELP = "For example: statement of the Ministry of Health, 3 March."
NOTE_HELP = "Shown on the page, e.g. \u201cThe number of schools was corrected.\u201d"


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; create this app's now.
    app_config = apps.get_app_config("news")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _created = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="news", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=EDITORS):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="news", codename__in=CODENAMES)
        )


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Serves ClarificationQuerySet.search() and suggest(): search_text LIKE '%word%'.
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON news_clarification "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("news", "0005_slug_from_title"),
        ("portal", "0003_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Clarification",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("claim", models.TextField(help_text=CLAIM_HELP, max_length=500, verbose_name="claim")),
                ("claim_ar", models.TextField(help_text=CLAIM_HELP, max_length=500, null=True, verbose_name="claim")),
                ("claim_en", models.TextField(help_text=CLAIM_HELP, max_length=500, null=True, verbose_name="claim")),
                ("verdict", models.CharField(choices=VERDICTS, default="under_verification", max_length=20, verbose_name="verdict")),
                ("facts", models.TextField(help_text=FACTS_HELP, verbose_name="official facts")),
                ("facts_ar", models.TextField(help_text=FACTS_HELP, null=True, verbose_name="official facts")),
                ("facts_en", models.TextField(help_text=FACTS_HELP, null=True, verbose_name="official facts")),
                ("circulated_on", models.CharField(blank=True, help_text=CIRCULATED_HELP, max_length=200, verbose_name="where it circulated")),
                ("circulated_on_ar", models.CharField(blank=True, help_text=CIRCULATED_HELP, max_length=200, null=True, verbose_name="where it circulated")),
                ("circulated_on_en", models.CharField(blank=True, help_text=CIRCULATED_HELP, max_length=200, null=True, verbose_name="where it circulated")),
                ("appearance_urls", models.TextField(blank=True, help_text="One web address a line. Shown as text, never as a link, so the page does not spread the rumour; search engines read them in the page's data.", verbose_name="addresses where it appeared")),
                ("first_seen_on", models.DateField(default=django.utils.timezone.localdate, help_text="When the claim first circulated.", verbose_name="first seen")),
                ("slug", models.SlugField(allow_unicode=True, blank=True, help_text="The last part of the clarification's address. Left empty, it is made from the English claim, or from the Arabic one when there is no English claim.", max_length=120, unique=True, verbose_name="slug")),
                ("status", models.CharField(choices=[("draft", "Draft"), ("published", "Published")], default="draft", max_length=10, verbose_name="status")),
                ("published_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="published")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                ("share_images", models.JSONField(blank=True, default=dict, editable=False, verbose_name="share images")),
                ("search_title", models.TextField(blank=True, editable=False, verbose_name="search title")),
                ("search_text", models.TextField(blank=True, editable=False, verbose_name="search text")),
                ("author", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="news_clarifications", to=settings.AUTH_USER_MODEL, verbose_name="author")),
                ("ministry", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="clarifications", to="portal.ministry", verbose_name="responsible ministry")),
            ],
            options={
                "verbose_name": "clarification",
                "verbose_name_plural": "clarifications",
                "ordering": ["-published_at", "-pk"],
                "indexes": [models.Index(fields=["status", "-published_at"], name="news_clarif_public_idx")],
            },
        ),
        migrations.CreateModel(
            name="ClarificationSource",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(blank=True, help_text=SOURCE_TITLE_HELP, max_length=250, verbose_name="title")),
                ("title_ar", models.CharField(blank=True, help_text=SOURCE_TITLE_HELP, max_length=250, null=True, verbose_name="title")),
                ("title_en", models.CharField(blank=True, help_text=SOURCE_TITLE_HELP, max_length=250, null=True, verbose_name="title")),
                ("url", models.URLField(blank=True, max_length=500, verbose_name="address")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                ("article", models.ForeignKey(blank=True, help_text="Or an article of the portal's news.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="clarification_sources", to="news.article", verbose_name="news article")),
                ("clarification", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="sources", to="news.clarification", verbose_name="clarification")),
            ],
            options={
                "verbose_name": "source",
                "verbose_name_plural": "sources",
                "ordering": ["order", "pk"],
            },
        ),
        migrations.CreateModel(
            name="ClarificationCorrection",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("corrected_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="date")),
                ("note", models.TextField(help_text=NOTE_HELP, max_length=1000, verbose_name="what changed")),
                ("note_ar", models.TextField(help_text=NOTE_HELP, max_length=1000, null=True, verbose_name="what changed")),
                ("note_en", models.TextField(help_text=NOTE_HELP, max_length=1000, null=True, verbose_name="what changed")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("clarification", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="corrections", to="news.clarification", verbose_name="clarification")),
            ],
            options={
                "verbose_name": "correction",
                "verbose_name_plural": "corrections",
                "ordering": ["corrected_at", "pk"],
            },
        ),
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(grant, revoke),
    ]
