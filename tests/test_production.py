"""Production settings: `check --deploy` is clean, every response carries the
security headers, cookies are secure, and the public pages run no inline script."""

import json
import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from tests.factories import PostPageFactory, publish

ROOT = Path(__file__).resolve().parent.parent

# What a real deployment sets (docs/deployment.md); nothing here is a dev default.
REAL_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x" * 10 + secrets.token_urlsafe(48),
    "DJANGO_ALLOWED_HOSTS": "askakorean.example.com,www.askakorean.example.com",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://askakorean.example.com",
    "DATABASE_URL": "postgres://blog:pw@db.internal:5432/blog",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "WAGTAILADMIN_BASE_URL": "https://askakorean.example.com",
    "DJANGO_FRONTEND_CACHE": "http",
    "DJANGO_FRONTEND_CACHE_LOCATION": "http://varnish.internal:6081",
}

# Settings that shape the headers and cookies (everything else stays the test's).
SECURITY_SETTINGS = [
    "MIDDLEWARE",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "CSP_REPORT_ONLY",
]


def run_manage(*args, env_overrides=None, drop=()):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    # The browser tests allow sync ORM calls under Playwright's event loop; a
    # deployment never does, and check --deploy rightly refuses it.
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    env.update(REAL_ENV)
    env.update(env_overrides or {})
    for name in drop:
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_settings(monkeypatch, **env):
    """The values config.settings.production computes from a real environment."""
    for name, value in {**REAL_ENV, **env}.items():
        monkeypatch.setenv(name, value)
    values = runpy.run_module("config.settings.production")
    return {name: values[name] for name in SECURITY_SETTINGS}


def test_check_deploy_is_clean_with_the_production_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_when_the_local_http_switch_is_on():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={"DJANGO_INSECURE_LOCAL": "1"},
    )
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012"):
        assert warning in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", drop=("DJANGO_SECRET_KEY",))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_media_on_object_storage_is_chosen_by_environment(monkeypatch):
    for name, value in {
        **REAL_ENV,
        "DJANGO_MEDIA_STORAGE": "s3",
        "DJANGO_MEDIA_BUCKET": "askakorean-media",
        "DJANGO_MEDIA_CUSTOM_DOMAIN": "media.askakorean.example.com",
    }.items():
        monkeypatch.setenv(name, value)
    values = runpy.run_module("config.settings.production")
    default = values["STORAGES"]["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == "askakorean-media"
    assert values["MEDIA_URL"] == "https://media.askakorean.example.com/media/"
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_frontend_cache_and_shared_services_come_from_environment():
    script = (
        "import json; from django.conf import settings as s; print(json.dumps(["
        "s.DATABASES['default'], s.CACHES['default'], s.TASKS['default'],"
        "s.WAGTAILFRONTENDCACHE['default']], default=str))"
    )
    result = run_manage("shell", "-c", script)
    assert result.returncode == 0, result.stderr
    database, cache, tasks, frontend = json.loads(result.stdout.splitlines()[-1])
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["HOST"] == "db.internal"
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/0"
    assert tasks["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert frontend["BACKEND"].endswith("HTTPBackend")
    assert frontend["LOCATION"] == "http://varnish.internal:6081"


@pytest.mark.parametrize(
    "database_url, cache_database",
    [
        ("postgres://blog:pw@db.internal:5432/blog", None),
        ("sqlite:////srv/blog/db.sqlite3", "/srv/blog/cache.sqlite3"),
    ],
)
def test_without_redis_every_process_shares_the_database_cache(
    database_url, cache_database
):
    script = (
        "import json; from django.conf import settings as s; print(json.dumps(["
        "s.CACHES['default']['BACKEND'], s.DATABASES.get('cache', {}).get('NAME'),"
        "s.DATABASE_ROUTERS]))"
    )
    result = run_manage(
        "shell",
        "-c",
        script,
        env_overrides={"DATABASE_URL": database_url},
        drop=("REDIS_URL",),
    )
    assert result.returncode == 0, result.stderr
    backend, name, routers = json.loads(result.stdout.splitlines()[-1])
    # Not a per-process memory cache: one for every worker, process and machine.
    assert backend == "plumbing.sharedcache.SharedDatabaseCache"
    assert name == cache_database
    assert bool(routers) == (cache_database is not None)


@pytest.fixture
def secure_site(monkeypatch, blog):
    post = publish(PostPageFactory(parent=blog, title="Kimchi and winter"))
    with override_settings(**production_settings(monkeypatch)):
        yield post


def directives(policy: str) -> dict[str, list[str]]:
    parts = [part.split() for part in policy.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


@pytest.mark.parametrize("path", ["/", "/blog/", "post", "/no-such-page/"])
def test_public_responses_carry_every_security_header(client, secure_site, path):
    url = secure_site.url if path == "post" else path
    response = client.get(url, secure=True)
    assert response.status_code in (200, 404)
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["style-src"]


def test_static_files_served_by_whitenoise_carry_the_headers(client, secure_site):
    response = client.get("/static/css/site.css", secure=True)
    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" in response


def test_admin_gets_its_own_looser_policy(client, secure_site):
    response = client.get("/admin/login/", secure=True)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]


def test_plain_http_is_redirected_to_https(client, secure_site):
    response = client.get("/blog/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_session_and_csrf_cookies_are_secure_and_http_only(
    client, secure_site, django_user_model
):
    django_user_model.objects.create_superuser("editor", "e@example.com", "pw")
    login_page = client.get("/admin/login/", secure=True)
    csrf = login_page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    assert csrf["samesite"] == "Lax"
    response = client.post(
        "/admin/login/", {"username": "editor", "password": "pw"}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]


def test_admin_forms_work_with_an_http_only_csrf_cookie(secure_site, django_user_model):
    """The token comes from the form, never from document.cookie."""
    from django.test import Client

    django_user_model.objects.create_superuser("editor", "e@example.com", "pw")
    client = Client(enforce_csrf_checks=True)
    page = client.get("/admin/login/", secure=True)
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()
    ).group(1)
    response = client.post(
        "/admin/login/",
        {"username": "editor", "password": "pw", "csrfmiddlewaretoken": token},
        secure=True,
        HTTP_REFERER="https://testserver/admin/login/",
    )
    assert response.status_code == 302
    dashboard = client.get("/admin/", secure=True)
    assert dashboard.status_code == 200
    # The admin's scripts read the token from the page itself.
    assert "CSRF_TOKEN" in dashboard.content.decode() or (
        "csrfmiddlewaretoken" in dashboard.content.decode()
    )


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)")


@pytest.mark.parametrize("path", ["/", "/blog/", "post", "/search/?q=kimchi"])
def test_public_pages_contain_no_inline_script(client, secure_site, path):
    url = secure_site.url if path == "post" else path
    response = client.get(url, secure=True)
    assert response.status_code == 200
    html = response.content.decode()
    if path == "post":
        assert "csrfmiddlewaretoken" in html  # the comment form is there
    assert not INLINE_SCRIPT.search(html)
    assert not re.search(r"\son[a-z]+=", html)
    # style-src has no 'unsafe-inline' either: a style attribute would be ignored.
    assert not re.search(r"\sstyle=", html)
    assert "<style" not in html
    assert "javascript:" not in html
