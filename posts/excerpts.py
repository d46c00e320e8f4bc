"""A post's summary for listings: the editor's excerpt, else the opening
paragraph of its body (the answer, in a question post).

Read from the raw stream (a list of ``{"type", "value"}`` dicts) so a listing
never renders a body to summarise it.
"""

from __future__ import annotations

import html
import re

from django.utils.html import strip_tags
from django.utils.text import Truncator

SUMMARY_CHARS = 300
# Block types whose value is HTML with the post's own words.
TEXT_BLOCKS = ("paragraph", "legacy_html")
_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p\s*>", re.IGNORECASE | re.DOTALL)
# Imported HTML often separates paragraphs with blank lines or double <br>.
_BREAKS = re.compile(r"(?:<br\s*/?>\s*){2,}|\n\s*\n", re.IGNORECASE)


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(strip_tags(fragment)).split())


def _paragraphs(source: str):
    found = _PARAGRAPH.findall(source)
    return found if found else _BREAKS.split(source)


def first_paragraph(raw_blocks, limit: int = SUMMARY_CHARS) -> str:
    """The text of the first non-empty paragraph, cut at a word near `limit`."""
    for block in raw_blocks or ():
        if block.get("type") not in TEXT_BLOCKS:
            continue
        for fragment in _paragraphs(str(block.get("value") or "")):
            text = _plain(fragment)
            if text:
                return Truncator(text).chars(limit)
    return ""
