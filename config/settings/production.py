"""Production: everything comes from the environment; nothing insecure by default.

Required: `DJANGO_SECRET_KEY`, `DJANGO_ALLOWED_HOSTS`. Usual: `DATABASE_URL`
(PostgreSQL), `REDIS_URL` (the shared cache; without it the database holds it),
`DJANGO_CSRF_TRUSTED_ORIGINS`, `WAGTAILADMIN_BASE_URL`. The rest is optional and
listed in docs/deployment.md. `python manage.py check --deploy` passes without a
warning on these settings (tests/test_production.py runs it).
"""

import os
from pathlib import Path

from .base import *  # noqa: F403
from .base import (
    DATABASES,
    MIDDLEWARE,
    REDIS_URL,
    STATIC_ROOT,
    STORAGES,
    env_list,
)


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

# Plain http://127.0.0.1 for `make serve` only: no HTTPS redirect, no HSTS, cookies
# that a browser sends over http. Never set it on a server; `check --deploy` warns.
INSECURE_LOCAL = env_flag("DJANGO_INSECURE_LOCAL", False)

# Persistent connections (with the health check set in base.py).
DATABASES = {
    "default": {
        **DATABASES["default"],
        "CONN_MAX_AGE": int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
    }
}

# One cache for every gunicorn worker, the task worker, cron and commands: page
# versions, rate limits and the login throttle must count the same in all of them
# (a per-process memory cache would keep one copy per worker). Redis when
# REDIS_URL is set; else Django's database cache (plumbing/sharedcache.py says why
# not files), which `migrate` creates. On SQLite it gets a file of its own, so
# storing a page never takes the site's write lock.
if not REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "plumbing.sharedcache.SharedDatabaseCache",
            "LOCATION": "django_cache",
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "atk"),
            "OPTIONS": {
                "MAX_ENTRIES": int(os.environ.get("DJANGO_CACHE_MAX_ENTRIES", "20000"))
            },
        }
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["cache"] = {
            **DATABASES["default"],
            "NAME": os.environ.get(
                "DJANGO_CACHE_SQLITE_PATH",
                str(Path(DATABASES["default"]["NAME"]).with_name("cache.sqlite3")),
            ),
        }
        DATABASE_ROUTERS = ["plumbing.sharedcache.CacheRouter"]

# HTTPS ends at the load balancer, which must set X-Forwarded-Proto itself (and drop
# whatever a client sent): Django trusts this header on every request.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", not INSECURE_LOCAL)
SECURE_HSTS_SECONDS = (
    0 if INSECURE_LOCAL else int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail's own preview views answer SAMEORIGIN.
# The admin's avatars over HTTPS whatever the page's scheme (img-src allows https:).
WAGTAIL_GRAVATAR_PROVIDER_URL = "https://www.gravatar.com/avatar"

SESSION_COOKIE_SECURE = not INSECURE_LOCAL
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not INSECURE_LOCAL
# Safe here: our forms carry the token in a hidden field and the Wagtail admin reads
# it from the page (wagtailConfig), never from document.cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not INSECURE_LOCAL
LANGUAGE_COOKIE_HTTPONLY = True

# Content-Security-Policy (and Permissions-Policy, X-Frame-Options on static files)
# on every response, static files included: right after SecurityMiddleware.
MIDDLEWARE = list(MIDDLEWARE)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "config.middleware.SecurityHeadersMiddleware",
)
CSP_REPORT_ONLY = env_flag("DJANGO_CSP_REPORT_ONLY", False)

# Whole pages for anonymous readers, from the shared cache (plumbing/cache.py
# explains the invalidation). Inside CSRF (it sets the cookie for the token put in a
# cached page), outside everything a cached page does not need.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.csrf.CsrfViewMiddleware") + 1,
    "plumbing.middleware.PageCacheMiddleware",
)
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "600"))
# The heavy parts of a page (comment threads, related posts, the footer's label and
# archive lists), reused when the page itself must be rebuilt: {% cachedfragment %}.
FRAGMENT_CACHE_SECONDS = int(os.environ.get("DJANGO_FRAGMENT_CACHE_SECONDS", "600"))

# Static files: hashed names, compressed copies, served by WhiteNoise with
# far-future "immutable" headers (hashed files); unhashed ones for an hour.
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT", STATIC_ROOT)
STORAGES = dict(STORAGES)
STORAGES["staticfiles"] = {
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
WHITENOISE_MAX_AGE = int(os.environ.get("DJANGO_STATIC_MAX_AGE", "3600"))

# Media on object storage when DJANGO_MEDIA_STORAGE=s3 (django-storages with boto3;
# AWS_* credentials come from the environment or the machine's role).
MEDIA_STORAGE = os.environ.get("DJANGO_MEDIA_STORAGE", "filesystem")
if MEDIA_STORAGE == "s3":
    _s3_options = {
        "bucket_name": os.environ["DJANGO_MEDIA_BUCKET"],
        "location": os.environ.get("DJANGO_MEDIA_PREFIX", "media"),
        "file_overwrite": False,
        "querystring_auth": env_flag("DJANGO_MEDIA_SIGNED_URLS", False),
    }
    for option, variable in [
        ("endpoint_url", "DJANGO_MEDIA_ENDPOINT_URL"),
        ("region_name", "DJANGO_MEDIA_REGION"),
        ("custom_domain", "DJANGO_MEDIA_CUSTOM_DOMAIN"),
    ]:
        if os.environ.get(variable):
            _s3_options[option] = os.environ[variable]
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": _s3_options,
    }
    if "custom_domain" in _s3_options:
        MEDIA_URL = f"https://{_s3_options['custom_domain']}/{_s3_options['location']}/"

# Purge a shared HTTP cache or a CDN when pages change (wagtail.contrib.frontend_cache;
# purges run as background tasks). DJANGO_FRONTEND_CACHE picks the kind.
FRONTEND_CACHE = os.environ.get("DJANGO_FRONTEND_CACHE", "")
if FRONTEND_CACHE == "http":
    # Varnish, nginx or any proxy that accepts PURGE requests.
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": os.environ["DJANGO_FRONTEND_CACHE_LOCATION"],
        }
    }
elif FRONTEND_CACHE == "cloudflare":
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
            "BEARER_TOKEN": os.environ["DJANGO_CLOUDFLARE_TOKEN"],
            "ZONEID": os.environ["DJANGO_CLOUDFLARE_ZONE_ID"],
        }
    }
elif FRONTEND_CACHE == "cloudfront":
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
            "DISTRIBUTION_ID": os.environ["DJANGO_CLOUDFRONT_DISTRIBUTION_ID"],
        }
    }
# How long a shared cache may keep an anonymous page (Cache-Control s-maxage);
# purges make it safe to be generous.
FRONTEND_CACHE_MAX_AGE = int(os.environ.get("DJANGO_FRONTEND_CACHE_MAX_AGE", "0"))

if "WAGTAILADMIN_BASE_URL" not in os.environ and ALLOWED_HOSTS:
    _host = ALLOWED_HOSTS[0].lstrip(".")
    WAGTAILADMIN_BASE_URL = f"{'http' if INSECURE_LOCAL else 'https'}://{_host}"

TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    },
    "loggers": {
        "django.security.DisallowedHost": {"level": "ERROR"},
    },
}
