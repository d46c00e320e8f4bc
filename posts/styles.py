"""Inline styles of imported HTML, kept as classes.

Blogger's editor writes meaning into ``style`` attributes: a colour legend
(``background-color: rgb(161,27,27)``), centred verses, bold and italic. The
sanitiser's CSS filter (nh3) keeps only :data:`SAFE_PROPERTIES` of a style;
this module turns what is left into classes of the site's stylesheet, because
the public pages' Content-Security-Policy (``style-src 'self'``, see
``config/middleware.py``) forbids inline ``style`` attributes: loosening it
(``'unsafe-inline'``) would let any injected attribute restyle or overlay the
page. Colours snap to the nearest of a small named palette (roughly Blogger's
colour picker), which keeps the meaning (red against green, a highlighted
word) if not the exact shade.
"""

from __future__ import annotations

import re

SAFE_PROPERTIES = {
    "color",
    "background-color",
    "text-align",
    "font-weight",
    "font-style",
}

# Named colours of the stylesheet (static/css/site.css: .color-NAME, .bg-NAME).
PALETTE: dict[str, tuple[int, int, int]] = {
    "black": (0, 0, 0),
    "gray": (128, 128, 128),
    "silver": (192, 192, 192),
    "white": (255, 255, 255),
    "maroon": (128, 0, 0),
    "red": (220, 20, 20),
    "orange": (255, 140, 0),
    "yellow": (255, 230, 0),
    "olive": (128, 128, 0),
    "lime": (50, 205, 50),
    "green": (0, 128, 0),
    "teal": (0, 128, 128),
    "aqua": (0, 220, 220),
    "blue": (20, 60, 220),
    "navy": (0, 0, 128),
    "purple": (128, 0, 128),
    "fuchsia": (230, 0, 230),
    "brown": (139, 69, 19),
    "pink": (255, 182, 193),
    # The light tints of Blogger's colour picker, common as highlights.
    "light-red": (244, 204, 204),
    "light-orange": (252, 229, 205),
    "light-yellow": (255, 242, 204),
    "soft-yellow": (255, 229, 153),
    "light-green": (217, 234, 211),
    "light-blue": (207, 226, 243),
    "light-purple": (217, 210, 233),
}
ALIGNMENTS = ("left", "center", "right", "justify")
STYLE_CLASSES = frozenset(
    [f"color-{name}" for name in PALETTE]
    + [f"bg-{name}" for name in PALETTE]
    + [f"text-{a}" for a in ALIGNMENTS]
)

_NAMED = {
    **PALETTE,
    "darkred": (139, 0, 0),
    "grey": (128, 128, 128),
    "darkgreen": (0, 100, 0),
    "darkblue": (0, 0, 139),
    "cyan": (0, 255, 255),
    "magenta": (255, 0, 255),
    "gold": (255, 215, 0),
    "red": (255, 0, 0),
    "yellow": (255, 255, 0),
    "lime": (0, 255, 0),
    "blue": (0, 0, 255),
}
_RGB = re.compile(r"rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})")
_HEX = re.compile(r"#([0-9a-f]{3}|[0-9a-f]{6})\b")


def parse_colour(value: str) -> tuple[int, int, int] | None:
    value = value.strip().lower()
    if match := _RGB.match(value):
        return tuple(min(255, int(part)) for part in match.groups())
    if match := _HEX.match(value):
        digits = match.group(1)
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        return tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return _NAMED.get(value)


def nearest_colour(rgb: tuple[int, int, int]) -> str:
    # Weighted distance ("redmean"): closer to how eyes tell colours apart.
    def distance(other):
        mean = (rgb[0] + other[0]) / 2
        dr, dg, db = (a - b for a, b in zip(rgb, other, strict=True))
        return (
            (2 + mean / 256) * dr * dr
            + 4 * dg * dg
            + (2 + (255 - mean) / 256) * db * db
        )

    return min(PALETTE, key=lambda name: distance(PALETTE[name]))


def declarations(style: str) -> dict[str, str]:
    out = {}
    for part in (style or "").split(";"):
        name, sep, value = part.partition(":")
        if sep:
            out[name.strip().lower()] = value.strip().lower()
    return out


def classes_for(style: str) -> list[str]:
    """The stylesheet classes that carry a (filtered) style's meaning.

    Plain text colour on no background (black text, white background) is
    the page's own and gives no class."""
    found = declarations(style)
    classes = []
    if (rgb := parse_colour(found.get("color", ""))) is not None:
        name = nearest_colour(rgb)
        if name != "black":
            classes.append(f"color-{name}")
    if (rgb := parse_colour(found.get("background-color", ""))) is not None:
        name = nearest_colour(rgb)
        if name != "white":
            classes.append(f"bg-{name}")
    align = found.get("text-align", "")
    if align in ("center", "right", "justify"):
        classes.append(f"text-{align}")
    return classes


def is_bold(style: str) -> bool:
    weight = declarations(style).get("font-weight", "")
    return weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600)


def is_italic(style: str) -> bool:
    return declarations(style).get("font-style", "") in ("italic", "oblique")
