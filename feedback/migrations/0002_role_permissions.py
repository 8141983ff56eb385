from django.contrib.auth.management import create_permissions
from django.db import migrations

# Moderators edit topics and holidays and read all feedback; ministry officers read the
# feedback of their own ministry (the queryset narrows it). Writes to submissions go
# through feedback.workflow, so no role gets change/delete on them here.
GRANTS = {
    "Moderators": [
        "add_topic",
        "change_topic",
        "view_topic",
        "add_publicholiday",
        "change_publicholiday",
        "delete_publicholiday",
        "view_publicholiday",
        "view_submission",
        "view_attachment",
        "view_submissionevent",
    ],
    "Ministry officers": ["view_submission", "view_attachment", "view_submissionevent"],
    "Managers": ["view_topic", "view_publicholiday"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; this one needs them now.
    app_config = apps.get_app_config("feedback")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="feedback", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("portal", "0003_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
