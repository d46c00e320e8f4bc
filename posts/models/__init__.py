from .imports import BloggerImport, LegacyEntry
from .pages import PostIndexPage, PostPage, PostPageTag, QuestionPostPage
from .snippets import Publication
from .workflows import TranslationCheckTask

__all__ = [
    "BloggerImport",
    "LegacyEntry",
    "PostIndexPage",
    "PostPage",
    "PostPageTag",
    "Publication",
    "QuestionPostPage",
    "TranslationCheckTask",
]
