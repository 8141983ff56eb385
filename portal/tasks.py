"""One import point for the tasks framework.

Django 6 ships the django-tasks API as ``django.tasks``; on 5.2 the backport provides it.
Apps import ``task`` from here so the move to the next LTS is a one-line change.
"""

try:  # Django 6.0+
    from django.tasks import Task, task
except ImportError:  # Django 5.2 with the django-tasks backport
    from django_tasks import task
    from django_tasks.base import Task

__all__ = ["Task", "task"]
