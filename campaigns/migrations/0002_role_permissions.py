from django.contrib.auth.management import create_permissions
from django.db import migrations

# Editors and managers register and edit campaigns in the admin (portal.roles.campaign_scope).
GROUPS = ("Editors", "Managers")
CODENAMES = [
    f"{action}_{model}"
    for model in ("campaign", "kpi", "link", "post")
    for action in ("add", "change", "delete", "view")
]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; create this app's now.
    app_config = apps.get_app_config("campaigns")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="campaigns", codename__in=CODENAMES
    )
    for name in GROUPS:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="campaigns", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial"), ("portal", "0003_roles")]

    operations = [migrations.RunPython(grant, revoke)]
