"""Text from strangers, made fit to store, to show and to write as XML.

- `xml_safe(text)`: without the characters XML 1.0 forbids (C0 controls other
  than tab and line breaks, lone surrogates, U+FFFE, U+FFFF), the C1 controls
  and every other Unicode non-character. A feed carrying one is not XML at all:
  feed readers drop the whole feed.
- `plain_name(text)`: a display name that is also without bidirectional
  embedding, override and isolate controls, which let a name reorder the text
  shown after it.
- `XmlSafeFeed`: a mixin for Django's feed generators that cleans every value
  before it is written.
"""

from __future__ import annotations

import re

_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(
    chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(1, 17)
)
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_NOT_XML = re.compile(f"[{_CONTROLS}\ud800-\udfff{_NONCHARACTERS}]")
# U+202A-U+202E (embeddings, overrides) and U+2066-U+2069 (isolates).
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text or "")


def plain_name(text: str) -> str:
    return _BIDI_CONTROLS.sub("", xml_safe(text)).strip()


def _cleaned(value):
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, list | tuple):
        return type(value)(_cleaned(v) for v in value)
    if isinstance(value, dict):
        return {k: _cleaned(v) for k, v in value.items()}
    return value


class XmlSafeFeed:
    """Put before a `SyndicationFeed` class: feed and item values are cleaned."""

    def __init__(self, *args, **kwargs):
        super().__init__(*_cleaned(args), **_cleaned(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*_cleaned(args), **_cleaned(kwargs))
