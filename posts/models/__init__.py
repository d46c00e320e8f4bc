from .images import ImportedImage
from .imports import BloggerImport, LegacyEntry
from .labels import Label, label_slug
from .pages import PostIndexPage, PostPage, PostPageTag, QuestionPostPage
from .snippets import Publication
from .workflows import TranslationCheckTask

__all__ = [
    "BloggerImport",
    "ImportedImage",
    "Label",
    "LegacyEntry",
    "PostIndexPage",
    "PostPage",
    "PostPageTag",
    "Publication",
    "QuestionPostPage",
    "TranslationCheckTask",
    "label_slug",
]
