"""The last write step: links inside imported pages that still point at old
Blogger addresses are pointed at the new pages, and every old address (posts,
pages, labels, month archives, the feed) becomes a permanent redirect."""

from __future__ import annotations

import json
import re

from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, ReferenceIndex

from home.models import StandardPage
from posts.models import LegacyEntry, PostPage

from .labels import old_label_paths
from .report import Report
from .write_pages import OldAddresses

_OLD_LINK_HREF = re.compile(
    r'href=(\\?")(/(?:\d{4}/\d{2}|p)/[^"#\\]+\.html)(#[^"\\]*)?\1'
)


# A picture's link to an old address, in a stream's JSON.
_OLD_LINK_URL = re.compile(r'"link_url": "(/(?:\d{4}/\d{2}|p)/[^"#\\]+\.html)"')


def rewrite_old_links(page_ids: set[int]) -> None:
    """Turn links to old addresses of imported pages into Wagtail page links.

    ``<a href="/2012/03/slug.html">`` in rich text becomes ``<a linktype="page"
    id="…">``, and a picture linking there gets the page in its ``link_page``
    chooser, so the link follows the page through a slug change or a move and
    counts in Wagtail's usage (the reference index). A link with a
    ``#fragment`` keeps its old address: its permanent redirect follows the
    page too.
    """
    ids = sorted(page_ids)
    for start in range(0, len(ids), 200):
        _rewrite_chunk(ids[start : start + 200])


def _relink(data, targets: dict[str, int]) -> bool:
    """Point pictures' links to old addresses at their pages, in place."""
    changed = False
    if isinstance(data, dict):
        page_id = targets.get(data.get("link_url") or "")
        if page_id is not None:
            data["link_url"] = ""
            data["link_page"] = page_id
            changed = True
        for value in data.values():
            changed |= _relink(value, targets)
    elif isinstance(data, list):
        for item in data:
            changed |= _relink(item, targets)
    return changed


def _rewrite_chunk(chunk: list[int]) -> None:
    pages = list(Page.objects.filter(pk__in=chunk).select_related("latest_revision"))
    specific = {p.pk: p for p in PostPage.objects.filter(pk__in=chunk)} | {
        p.pk: p for p in StandardPage.objects.filter(pk__in=chunk)
    }
    wanted = set()
    for page in specific.values():
        raw = json.dumps(page.body.get_prep_value())
        wanted.update(m.group(2) for m in _OLD_LINK_HREF.finditer(raw))
        wanted.update(_OLD_LINK_URL.findall(raw))
    targets = dict(
        LegacyEntry.objects.filter(old_path__in=wanted, page__isnull=False).values_list(
            "old_path", "page_id"
        )
    )

    def swap(match):
        page_id = targets.get(match.group(2))
        if page_id is None or match.group(3):
            return match.group(0)
        q = match.group(1)
        return f"linktype={q}page{q} id={q}{page_id}{q}"

    def relinked(raw: str):
        """The stream with page links, or None when nothing changed."""
        new_raw = _OLD_LINK_HREF.sub(swap, raw)
        data = json.loads(new_raw)
        return data if _relink(data, targets) or new_raw != raw else None

    for base in pages:
        page = specific.get(base.pk)
        if page is None:
            continue
        body = relinked(json.dumps(page.body.get_prep_value()))
        if body is None:
            continue
        model = type(page)
        model.objects.filter(pk=page.pk).update(body=body)
        revision = base.latest_revision
        if revision is not None and isinstance(revision.content.get("body"), str):
            revision_body = relinked(revision.content["body"])
            if revision_body is not None:
                revision.content["body"] = json.dumps(revision_body)
                revision.save(update_fields=["content"])
        # The links are references now: Wagtail's usage counts them.
        ReferenceIndex.create_or_update_for_object(model.objects.get(pk=page.pk))


def write_redirects(
    addresses: OldAddresses, blog_url: str, report: Report, may_retarget: bool = True
) -> None:
    """A permanent redirect from every old address to its new page; a redirect
    already on the site is retargeted only when ``may_retarget``."""
    wanted: dict[str, tuple[int | None, str]] = {}
    for old_path, page_id in addresses.pages:
        wanted[Redirect.normalise_path(old_path)] = (page_id, "")
    label_paths = [
        (paths, f"{blog_url}label/{addresses.label_slugs[name.lower()]}/")
        for name in sorted(addresses.labels)
        if addresses.label_slugs.get(name.lower())
        for paths in [old_label_paths(name)]
    ]
    # Main forms first: "a+b" as its own label wins over "a b" written with "+".
    for position in (0, 1):
        for paths, link in label_paths:
            if len(paths) > position:
                wanted.setdefault(paths[position], (None, link))
    for year, month in sorted(addresses.months):
        path = Redirect.normalise_path(f"/{year}/{month}/")
        wanted[path] = (None, f"{blog_url}{year}/{month}/")
    if wanted:
        wanted["/feeds/posts/default"] = (None, f"{blog_url}feed/atom/")
    paths = list(wanted)
    for start in range(0, len(paths), 500):
        _write_chunk(paths[start : start + 500], wanted, report, may_retarget)


def _write_chunk(
    chunk: list[str], wanted: dict, report: Report, may_retarget: bool
) -> None:
    existing = {
        r.old_path: r
        for r in Redirect.objects.filter(old_path__in=chunk, site__isnull=True)
    }
    new = []
    for path in chunk:
        page_id, link = wanted[path]
        redirect = existing.get(path)
        if redirect is None:
            new.append(
                Redirect(
                    old_path=path,
                    site=None,
                    is_permanent=True,
                    redirect_page_id=page_id,
                    redirect_link=link,
                )
            )
        elif (
            redirect.redirect_page_id != page_id
            or redirect.redirect_link != link
            or not redirect.is_permanent
        ):
            if not may_retarget:
                report.skip(
                    "redirects",
                    "refused: the importing user may not change existing redirects",
                )
                continue
            redirect.redirect_page_id = page_id
            redirect.redirect_link = link
            redirect.is_permanent = True
            redirect.save()
            report.count("redirects", "updated")
        else:
            report.count("redirects", "unchanged")
    if new:
        Redirect.objects.bulk_create(new)
        report.count("redirects", "created", len(new))
