"""StreamField blocks for post and page bodies.

Small struct blocks first, the stream blocks that bodies use last.
"""

import lxml.html
from django.core.validators import RegexValidator
from django.utils.safestring import SafeString, mark_safe
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.embeds.exceptions import EmbedException
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import expand_db_html
from wagtail.snippets.blocks import SnippetChooserBlock

from .sanitize import clean_html

RICH_TEXT_FEATURES = [
    "bold",
    "italic",
    "link",
    "ol",
    "ul",
    "h3",
    "h4",
    "blockquote",
    "superscript",
    "subscript",
    "strikethrough",
    "code",
]

language_tag = RegexValidator(
    r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
    "Enter a language tag such as ko, ja or zh-Hant.",
)


class HeadingBlock(blocks.StructBlock):
    """A section heading; the page title is the only h1."""

    text = blocks.CharBlock(max_length=255)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Heading 2"), ("h3", "Heading 3"), ("h4", "Heading 4")],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = "Heading"
        template = "components/streamfield/blocks/heading_block.html"
        preview_value = {"text": "What the law says", "level": "h2"}


class FigureBlock(blocks.StructBlock):
    """An image with caption and credit.

    Imported images may still live on Blogger's servers: `remote_url` keeps them
    showing until they are brought into the image library.
    """

    image = ImageChooserBlock(required=False)
    remote_url = blocks.URLBlock(
        required=False, help_text="Only for images not yet in the image library."
    )
    alt_text = blocks.CharBlock(
        required=False,
        max_length=255,
        help_text="Describe the image for readers who cannot see it.",
    )
    caption = blocks.CharBlock(required=False, max_length=500)
    credit = blocks.CharBlock(required=False, max_length=255)
    link_url = blocks.URLBlock(required=False, label="Link to")
    link_page = blocks.PageChooserBlock(
        required=False,
        label="Link to a page of this site",
        help_text="Follows the page when its address changes; wins over 'Link to'.",
    )
    link_to_original = blocks.BooleanBlock(
        required=False,
        label="Link to the full-size picture",
        help_text="Readers who click the picture see it at full size.",
    )
    alignment = blocks.ChoiceBlock(
        choices=[
            ("", "Across the column"),
            ("left", "Left, text beside it"),
            ("right", "Right, text beside it"),
        ],
        default="",
        required=False,
    )
    width = blocks.IntegerBlock(
        required=False,
        min_value=16,
        max_value=1600,
        help_text="Shown width in pixels; empty: as wide as the column allows.",
    )
    hidden = blocks.BooleanBlock(
        required=False,
        label="Hidden in the post",
        help_text="Kept for listings and link previews, which may show it.",
    )

    class Meta:
        icon = "image"
        label = "Image"
        template = "components/streamfield/blocks/figure_block.html"


class QuoteBlock(blocks.StructBlock):
    """A quotation with who said it."""

    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=255)
    source_url = blocks.URLBlock(required=False)

    class Meta:
        icon = "openquote"
        label = "Quote"
        template = "components/streamfield/blocks/quote_block.html"
        preview_value = {
            "text": "A question well asked is half answered.",
            "attribution": "A reader",
        }


def split_blocks(html: str, lead: int) -> tuple[SafeString, SafeString]:
    """Rich text cut after its first `lead` top-level blocks (paragraphs, lists).

    Returns (lead, rest); rest is empty when the text is short enough to show
    whole. The input is our own rendered rich text, already safe.
    """
    fragments = lxml.html.fragments_fromstring(html) if html.strip() else []
    if len(fragments) <= lead + 1:  # never hide a single paragraph
        return mark_safe(html), mark_safe("")  # noqa: S308
    parts = [
        f if isinstance(f, str) else lxml.html.tostring(f, encoding="unicode")
        for f in fragments
    ]
    return (
        mark_safe("".join(parts[:lead])),  # noqa: S308
        mark_safe("".join(parts[lead:])),  # noqa: S308
    )


class TranslationBlock(blocks.StructBlock):
    """An article translated from another language, quoted with its source.

    The blog's signature: a Korean newspaper column in English. Readers meet a
    labelled header first (the original title in its own language, author,
    publication, date, link), then the text; a long translation shows its first
    paragraphs and keeps the rest behind "Read the whole translation".
    """

    #: Paragraphs shown before the rest folds away (feeds always get the whole).
    LEAD_PARAGRAPHS = 3

    original_title = blocks.CharBlock(max_length=500)
    original_language = blocks.CharBlock(
        max_length=20,
        default="ko",
        validators=[language_tag],
        help_text="Language tag of the original, e.g. ko for Korean.",
    )
    original_author = blocks.CharBlock(required=False, max_length=255)
    publication = SnippetChooserBlock("posts.Publication", required=False)
    original_url = blocks.URLBlock(required=False, label="Link to the original")
    published_on = blocks.DateBlock(required=False, label="Original publication date")
    translator_note = blocks.RichTextBlock(required=False, features=RICH_TEXT_FEATURES)
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label="Translation")

    class Meta:
        icon = "doc-full"
        label = "Translation"
        template = "components/streamfield/blocks/translation_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        text = expand_db_html(value["text"].source) if value.get("text") else ""
        if (parent_context or {}).get("in_feed"):
            context["lead"], context["rest"] = mark_safe(text), ""  # noqa: S308
        else:
            context["lead"], context["rest"] = split_blocks(text, self.LEAD_PARAGRAPHS)
        return context


class SectionBreakBlock(blocks.StaticBlock):
    """The blog's `*   *   *` between the answer and a quoted article."""

    class Meta:
        icon = "horizontalrule"
        label = "Section break"
        admin_text = "A section break (* * *)."
        template = "components/streamfield/blocks/section_break_block.html"


class LegacyHTMLBlock(blocks.RawHTMLBlock):
    """Imported markup that maps to no other block, always sanitised."""

    def clean(self, value):
        return super().clean(mark_safe(clean_html(str(value))))  # noqa: S308

    def render_basic(self, value, context=None):
        return mark_safe(clean_html(str(value)))  # noqa: S308

    def get_searchable_content(self, value):
        return [clean_html(str(value))]

    class Meta:
        icon = "code"
        label = "Legacy HTML"


class VideoEmbedBlock(EmbedBlock):
    """A video (or other oEmbed content) by its address.

    When the provider cannot give the player (the video was deleted, the
    provider is unreachable, or it has no oEmbed), readers get a plain link to
    the address instead of an empty box.
    """

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        try:
            context["player"] = value.html if value else ""
        except (EmbedException, OSError):  # a timeout is no URLError
            context["player"] = ""
        return context

    class Meta:
        icon = "media"
        label = "Video"
        max_width = 800
        template = "components/streamfield/blocks/embed_block.html"


class PostBodyBlock(blocks.StreamBlock):
    """What a post or a page body is made of."""

    paragraph = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        icon="pilcrow",
        template="components/streamfield/blocks/paragraph_block.html",
    )
    heading = HeadingBlock()
    image = FigureBlock()
    quote = QuoteBlock()
    translation = TranslationBlock()
    section_break = SectionBreakBlock()
    embed = VideoEmbedBlock()
    legacy_html = LegacyHTMLBlock()
