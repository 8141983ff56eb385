import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0006_crisis_publishers_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="officialchannel",
            name="ministry",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty: a channel of the centre, shown in the footer of every page.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="channels",
                to="portal.ministry",
                verbose_name="ministry",
            ),
        ),
    ]
