"""Pictures first: ``--download-images`` fetches before the import's transaction.

The import writes in one transaction, and on SQLite a transaction holds the
database's write lock: downloads inside it stalled every comment and editor
for the whole run. So when pictures are to be downloaded, a first pass reads
the export, downloads the pictures of each small batch of posts with no
transaction open, then stores that batch in the image library in a short
transaction of its own. The import proper then reuses the same image source:
every picture is already known (stored, or failed with its reason), and it
downloads nothing. Pictures stored by the first pass stay if the import then
fails: they are complete library images, and the next run needs them.
"""

from __future__ import annotations

from django.db import transaction

from .convert import convert_body
from .library import LibraryImages
from .parse import Entry, FeedInfo, iter_entries
from .report import ImportOptions

BATCH = 20  # posts whose pictures are downloaded, then stored, together


def store_pictures_first(source, options: ImportOptions) -> LibraryImages:
    """Download and store the export's pictures; the source for the import."""
    pictures = LibraryImages(
        download=True,
        folders=[options.images_dir] if options.images_dir else [],
    )
    batch: list[Entry] = []
    try:
        for entry in iter_entries(source, FeedInfo(), None):
            if entry.kind in ("post", "page") and not entry.trashed:
                pictures.prefetch(entry)
                batch.append(entry)
                if len(batch) >= BATCH:
                    _store(pictures, batch, options)
                    batch = []
        _store(pictures, batch, options)
    except BaseException:
        pictures.fetcher.close(wait=True)
        raise
    return pictures


def _store(pictures: LibraryImages, batch: list[Entry], options) -> None:
    if not batch:
        return
    pictures.wait_for_downloads()
    with transaction.atomic():
        for entry in batch:
            # Converted as the import will, so each picture gets the same alt
            # text and caption it would have got there.
            body = convert_body(
                entry.content,
                question_opening=options.question_opening,
                image_source=pictures,
            )
            pictures.localise_blocks(body.blocks, post_title=entry.title)
        pictures.committed()
