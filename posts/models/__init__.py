from .images import ImportedImage
from .imports import BloggerImport, LegacyEntry
from .pages import PostIndexPage, PostPage, PostPageTag, QuestionPostPage
from .snippets import Publication
from .workflows import TranslationCheckTask

__all__ = [
    "BloggerImport",
    "ImportedImage",
    "LegacyEntry",
    "PostIndexPage",
    "PostPage",
    "PostPageTag",
    "Publication",
    "QuestionPostPage",
    "TranslationCheckTask",
]
