"""Admin registration for posts. Each job keeps its hooks in its own module;
this file only imports them so that Wagtail finds them."""

from wagtail import hooks

from plumbing.cache import LISTING_URLS_HOOK
from readers.questions import ANSWER_POSTS_HOOK

from . import editorial_hooks  # noqa: F401
from .authoring import QuestionAnswers
from .blogger import wagtail_hooks as blogger_hooks  # noqa: F401
from .signals import listing_urls

# The frontend cache purge of a changed post takes the pages that list it too.
hooks.register(LISTING_URLS_HOOK, listing_urls)
# Editors answer reader questions in draft question posts of this app.
hooks.register(ANSWER_POSTS_HOOK, QuestionAnswers)
