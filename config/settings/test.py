from .base import *  # noqa: F403
from .base import TASK_FRAMEWORK

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]

_locmem = "django.core.mail.backends.locmem.EmailBackend"
if "MAILERS" in globals():
    MAILERS = {"default": {"BACKEND": _locmem}}
else:
    EMAIL_BACKEND = _locmem

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "tests",
    }
}
TASKS = {
    "default": {"BACKEND": f"{TASK_FRAMEWORK}.backends.immediate.ImmediateBackend"},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "blogger_imports": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"

# Serve static files from the finders, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
