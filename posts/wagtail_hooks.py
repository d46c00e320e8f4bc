"""Admin registration for posts. Each job keeps its hooks in its own module;
this file only imports them so that Wagtail finds them."""

from . import editorial_hooks  # noqa: F401
from .blogger import wagtail_hooks as blogger_hooks  # noqa: F401
