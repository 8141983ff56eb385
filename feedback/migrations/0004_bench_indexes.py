"""Indexes for a million submissions (make bench, docs/benchmarks.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0003_workflow'),
        ('portal', '0003_roles'),
    ]

    operations = [
        # The admin list, newest first: ORDER BY created_at DESC, id DESC LIMIT 100;
        # and MIN/MAX(created_at).
        migrations.AddIndex(
            model_name='submission',
            index=models.Index(fields=['-created_at', '-id'], name='submission_created'),
        ),
        # An officer's admin list: WHERE ministry_id = %s ORDER BY created_at DESC, id DESC.
        migrations.AddIndex(
            model_name='submission',
            index=models.Index(fields=['ministry', '-created_at', '-id'], name='submission_ministry_created'),
        ),
    ]
