"""Imported rich text in the form the page editor saves it.

The editor (Draftail) stores rich text through Wagtail's contentstate
converter: every paragraph gets a ``data-block-key`` and the markup is
normalised. An imported revision holding plain Blogger HTML would differ from
the first revision an editor saves in every paragraph, so Compare would show
the whole post as changed. Passing imported rich text through the same
converter makes the editor's first save differ only where the editor changed
something.
"""

from __future__ import annotations

from functools import lru_cache

from wagtail import blocks
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.fields import RichTextField, StreamField
from wagtail.rich_text import features as feature_registry


@lru_cache(maxsize=16)
def _converter(features: tuple[str, ...] | None) -> ContentstateConverter:
    chosen = list(features) if features else feature_registry.get_default_features()
    return ContentstateConverter(chosen)


def as_saved(html: str, features=None) -> str:
    """`html` as the page editor would store it."""
    if not html:
        return html
    converter = _converter(tuple(features) if features else None)
    return converter.to_database_format(converter.from_database_format(html))


def _raw(block, raw):
    """A stream's raw (JSON) value with its rich text as the editor saves it."""
    if isinstance(block, blocks.RichTextBlock):
        return as_saved(raw or "", block.features) if isinstance(raw, str) else raw
    if isinstance(block, blocks.StructBlock) and isinstance(raw, dict):
        return {
            name: _raw(block.child_blocks[name], value)
            if name in block.child_blocks
            else value
            for name, value in raw.items()
        }
    if isinstance(block, blocks.ListBlock) and isinstance(raw, list):
        return [
            {**item, "value": _raw(block.child_block, item.get("value"))}
            if isinstance(item, dict) and "value" in item and "type" in item
            else _raw(block.child_block, item)
            for item in raw
        ]
    if isinstance(block, blocks.StreamBlock) and isinstance(raw, list):
        return [
            {
                **child,
                "value": _raw(block.child_blocks[child["type"]], child.get("value")),
            }
            if isinstance(child, dict) and child.get("type") in block.child_blocks
            else child
            for child in raw
        ]
    return raw


def normalise_rich_text(page) -> None:
    """Rewrite every rich text of `page` (fields and stream) as the editor saves
    it, in place, before the page row and its revision are written: the edit
    form of a page without unpublished changes loads from the page row, so
    both must hold the same markup."""
    for field in type(page)._meta.concrete_fields:
        value = getattr(page, field.attname, None)
        if not value:
            continue
        if isinstance(field, RichTextField):
            setattr(page, field.attname, as_saved(value, field.features))
        elif isinstance(field, StreamField):
            raw = _raw(field.stream_block, list(value.raw_data))
            setattr(page, field.attname, raw)
