# The browser checks here use the same Chromium fixture as tests/browser/: one
# browser per test, started after the database is ready, because Playwright's
# event loop must not be running while pytest-django flushes or restores it.
from tests.browser.conftest import chromium  # noqa: F401
