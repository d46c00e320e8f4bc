"""Settings for `bench_reliability.py`: the production settings, served over
plain http on 127.0.0.1, with three changes for a load test.

- Each simulated reader sends its own X-Forwarded-For address, trusted here only
  (CLIENT_IP_HEADER), so the per-address comment limit (5 a minute, as
  in production) applies per simulated reader.
- The form's "a person takes a few seconds" delay is zero.
- Static files are served from the finders (no collectstatic step).
"""

import os

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "reliability-bench-only-not-a-secret-0123456789"
)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DJANGO_INSECURE_LOCAL", "1")
os.environ.setdefault(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend"
)

from config.settings.production import *  # noqa: E402, F403
from config.settings.production import STORAGES  # noqa: E402

CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
FORM_TOKENS = {"comments": {"min_seconds": 0}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
