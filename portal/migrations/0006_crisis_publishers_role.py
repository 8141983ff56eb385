from django.db import migrations


def create_role(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="Crisis publishers")


class Migration(migrations.Migration):
    dependencies = [("portal", "0005_contact_details")]

    operations = [migrations.RunPython(create_role, migrations.RunPython.noop)]
