"""Slugs made from titles: one rule for new drafts and for drafts renamed later."""

from __future__ import annotations

import re

from django.utils.text import slugify

SLUG_LENGTH = 60


def slug_from(title: str, fallback: str = "post") -> str:
    return slugify(title, allow_unicode=True)[:SLUG_LENGTH].strip("-") or fallback


def is_made_from(title: str, slug: str) -> bool:
    """Whether `slug` is what `slug_from(title)` gave (with a -2, -3… suffix):
    nobody has chosen it by hand."""
    base = slug_from(title)
    return slug == base or re.fullmatch(rf"{re.escape(base)}-\d+", slug) is not None


def free_slug(title: str, taken, fallback: str = "post", refused=None) -> str:
    """A slug from `title` that is not in `taken` (the siblings' slugs) and
    that `refused(slug)` (e.g. the blog's own routes) does not turn down."""
    base = slug_from(title, fallback)
    taken = set(taken)
    slug, number = base, 2
    while slug in taken or (refused is not None and refused(slug)):
        slug = f"{base}-{number}"
        number += 1
    return slug
