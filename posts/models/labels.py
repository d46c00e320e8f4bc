import re

from django.utils.text import slugify
from taggit.models import Tag

# Signs that carry meaning in a label's name and that slugify() would drop:
# "c", "c#" and "c++" are three different languages, "Q&A" is not "qa".
_SPOKEN_SIGNS = [
    (re.compile(r"#+$"), " sharp"),  # C#, F#: only at the end (#hashtag is just a word)
    (re.compile(r"\+"), " plus "),
    (re.compile(r"&"), " and "),
    (re.compile(r"@"), " at "),
]


def label_slug(name: str) -> str:
    """A readable slug for a label: ``c++`` -> ``c-plus-plus``, ``c#`` -> ``c-sharp``.

    Letters of any script stay (a Korean label keeps its Hangul)."""
    spoken = name.strip()
    for sign, words in _SPOKEN_SIGNS:
        spoken = sign.sub(words, spoken)
    return slugify(spoken, allow_unicode=True) or "label"


class Label(Tag):
    """A post's label (Blogger's word for a tag).

    The same rows as taggit's tags; only the slug differs: taggit's would make
    ``c``, ``c#`` and ``c++`` into ``c``, ``c_1`` and ``c_2``, which readers and
    the label pages' addresses cannot tell apart.
    """

    class Meta:
        proxy = True
        verbose_name = "label"

    def slugify(self, tag, i=None):
        slug = label_slug(tag)
        return slug if i is None else f"{slug}-{i + 1}"
