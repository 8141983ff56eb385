from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
CODENAMES = [
    f"{action}_{model}"
    for model in ("article", "category")
    for action in ("add", "change", "delete", "view")
]


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


class Migration(migrations.Migration):
    dependencies = [("news", "0002_search_trigram_index"), ("portal", "0003_roles")]

    operations = [migrations.RunPython(grant, revoke)]
