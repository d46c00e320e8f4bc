"""Site search: Wagtail's database backend over the blog's readable posts.

Finds posts by title, the reader's question, the answer and the quoted
translations (all in PostPage/QuestionPostPage ``search_fields``); results are
paginated and each shows the passage where the words matched.
"""

import re
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import DatabaseError
from django.template.response import TemplateResponse
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from plumbing import privacy
from posts.korean import HANGUL_WORD, highlight_pattern, stem_query
from posts.models import PostPage

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
RESULTS_PER_PAGE = 10
EXCERPT_RADIUS = 140
_WORD = re.compile(r"\w+", re.UNICODE)
_HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
# A run of Korean words; a highlighted word (<mark>…</mark>) stays inside it.
_KOREAN_RUN = re.compile(
    f"(?:<mark>)?[{_HANGUL}]+(?:(?:</?mark>|[\\s,.·!?])*[{_HANGUL}]+)*(?:</mark>)?"
)


def mark_korean(html: str) -> str:
    """Give Korean runs of an escaped excerpt their language (for screen readers)."""
    return _KOREAN_RUN.sub(lambda m: f'<span lang="ko">{m.group(0)}</span>', html)


def clean_query(raw: str) -> str:
    """Keep words only: no operator or quote reaches the search backend."""
    words = _WORD.findall((raw or "")[: MAX_QUERY_LENGTH * 2])
    return " ".join(words[:MAX_TERMS])[:MAX_QUERY_LENGTH].strip()


def page_text(page) -> str:
    """The readable words of a page, in the order a reader meets them."""
    parts = [page.title]
    for name in ("question", "excerpt", "introduction"):
        value = getattr(page, name, "")
        if value:
            parts.append(strip_tags(str(value)))
    body = getattr(page, "body", None) or []
    for index, raw in enumerate(getattr(body, "raw_data", [])):
        if raw.get("type") == "image" and isinstance(raw.get("value"), dict):
            # A figure's words, without loading its image (a query per result).
            words = (v for k, v in raw["value"].items() if k != "image")
            parts.extend(strip_tags(v) for v in words if v and isinstance(v, str))
            continue
        block = body[index]
        if block.block_type == "translation":
            value = block.value
            pieces = [value["original_title"], value["translator_note"], value["text"]]
        else:
            pieces = block.block.get_searchable_content(block.value)
        parts.extend(strip_tags(str(piece)) for piece in pieces if piece)
    return " ".join(" ".join(parts).split())


def matching_excerpt(text: str, query: str, radius: int = EXCERPT_RADIUS):
    """A passage around the first matching word, matches in <mark>, escaped."""
    terms = sorted({t.casefold() for t in query.split() if t}, key=len, reverse=True)
    if not terms or not text:
        return escape(text[: radius * 2])
    # Match whole words first, then word starts (the backend stems words);
    # a Korean word matches with a particle after it (탈북자 in 탈북자의).
    patterns = [
        highlight_pattern(t) if HANGUL_WORD.fullmatch(t) else rf"\b{re.escape(t)}\b"
        for t in terms
    ]
    whole = re.compile("(" + "|".join(patterns) + ")", re.IGNORECASE)
    stems = [re.escape(t[: max(4, len(t) - 3)]) for t in terms]
    start = re.compile(r"\b(" + "|".join(stems) + r")\w*", re.IGNORECASE)
    found = whole.search(text) or start.search(text)
    if found is None:
        return escape(text[: radius * 2]) + ("…" if len(text) > radius * 2 else "")
    begin = max(0, found.start() - radius)
    end = min(len(text), found.end() + radius)
    if begin:  # do not cut a word in half
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < found.start() else begin
    if end < len(text):
        space = text.rfind(" ", found.end(), end)
        end = space if space > 0 else end
    passage = text[begin:end]
    highlighter = whole if whole.search(passage) else start
    pieces, last = [], 0
    for match in highlighter.finditer(passage):
        pieces.append(escape(passage[last : match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    pieces.append(escape(passage[last:]))
    html = mark_korean("".join(pieces))
    return mark_safe(  # noqa: S308  every piece above is escaped
        ("…" if begin else "") + html + ("…" if end < len(text) else "")
    )


def _results_page(request, query):
    query = stem_query(query)
    pages = privacy.public(PostPage.objects.live())
    try:
        results = pages.search(query, operator="and")
        paginator = Paginator(results, RESULTS_PER_PAGE)
        try:
            current = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            current = paginator.page(1)
        except EmptyPage:
            current = paginator.page(paginator.num_pages)
        found = list(current.object_list)
    except DatabaseError:
        # A query the full-text engine cannot parse finds nothing, never a 500.
        return None, []
    shown = PostPage.objects.filter(pk__in=[p.pk for p in found]).as_own_types()
    by_pk = {p.pk: p for p in shown}
    items = []
    for result in found:
        page = by_pk.get(result.pk, result)
        items.append(
            {
                "page": page,
                "excerpt": matching_excerpt(page_text(page), query),
                "date": getattr(page, "display_date", None),
            }
        )
    return current, items


def search(request):
    raw = request.GET.get("q", "")
    query = clean_query(raw)
    results, items = (None, [])
    if query:
        results, items = _results_page(request, query)
    context = {
        "search_query": query,
        "raw_query_too_long": len(raw) > MAX_QUERY_LENGTH,
        "results": results,
        "items": items,
        "query_prefix": urlencode({"q": query}) if query else "",
        # The results page has its own search box; the header leaves out its.
        "search_page": True,
    }
    return TemplateResponse(request, "pages/search_results.html", context)
