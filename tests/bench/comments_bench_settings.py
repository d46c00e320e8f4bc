"""Settings for `bench_comments.py`: the real site, with the per-reader limits
lifted so that eight busy clients measure the database, not the flood guard.

Each bench client sends its own X-Forwarded-For address (trusted here only),
and the form's "too fast" delay is zero. Moderator e-mails are queued in the
database, as in production.
"""

from config.settings.base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
FORM_TOKENS = {"comments": {"min_seconds": 0}}
RATE_LIMITS = {"comments": {"count": 1_000_000}}
CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
