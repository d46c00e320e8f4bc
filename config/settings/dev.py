from .base import *  # noqa: F403

DEBUG = True
INTERNAL_IPS = ["127.0.0.1"]

_console = "django.core.mail.backends.console.EmailBackend"
if "MAILERS" in globals():
    MAILERS = {"default": {"BACKEND": _console}}
else:
    EMAIL_BACKEND = _console

# Serve static files from the finders, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
