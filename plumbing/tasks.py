"""Background tasks on both Django lines, from one import: ``task``.

Django 6 has tasks built in (``django.tasks``); on Django 5.2 LTS the django-tasks
backport (``django_tasks``) stands in for them. The two are separate frameworks
with a ``Task`` class each, and the database worker (django-tasks-db's
``db_worker``, which ``manage.py task_worker`` runs) runs only the tasks of the
framework it is built on: Django's own on 6.x, the backport's on 5.2. Our tasks
are declared with this ``task``, so they are of the running line's framework.

Wagtail and modelsearch declare theirs with the backport's decorator on both
lines. That decorator, like Django's, builds each task with the class the
configured backend names (``task_class``), so theirs follow ``TASKS``: hence
``config/settings/base.py`` names the running line's own immediate backend,
never the backport's on Django 6.
"""

import django

if django.VERSION >= (6, 0):
    from django.tasks import task
else:
    from django_tasks import task

__all__ = ["task"]
