import pytest

from tests.factories import build_site


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
