import pytest
from django.core.cache import caches
from wagtail.contrib.frontend_cache.backends.base import BaseBackend

from tests.factories import build_site


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty caches: database ids are reused between tests,
    so a value cached by one (a rendition, a page, a rate-limit count) must not
    answer for another."""
    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture
def site_tree(db):
    """The home page (created by migrations) and the blog under it."""
    return build_site()


@pytest.fixture
def home(site_tree):
    return site_tree[0]


@pytest.fixture
def blog(site_tree):
    return site_tree[1]


class RecordingBackend(BaseBackend):
    """A frontend cache that only writes down what it is asked to purge."""

    purged: list[str] = []
    batches: list[int] = []  # the size of each purge request

    def purge(self, url):
        RecordingBackend.purged.append(url)

    def purge_batch(self, urls):
        RecordingBackend.batches.append(len(urls))
        super().purge_batch(urls)


@pytest.fixture
def frontend_cache(settings):
    """A frontend cache is configured; the list of URLs it was asked to purge."""
    settings.WAGTAILFRONTENDCACHE = {
        "default": {"BACKEND": "tests.conftest.RecordingBackend"}
    }
    RecordingBackend.purged = []
    RecordingBackend.batches = []
    return RecordingBackend.purged
