"""``manage.py import_blogger PATH``: a thin shell around the import service."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from posts.blogger.fetch import takeout_albums
from posts.blogger.formats import ImportRefused
from posts.blogger.importer import import_export
from posts.blogger.report import DEFAULT_QUESTION_OPENING, ImportOptions


class Command(BaseCommand):
    help = (
        "Import a Blogger export (classic backup or Takeout feed.atom): posts, "
        "pages, drafts, labels, comments and redirects from the old addresses. "
        "Re-running the same export changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the export file")
        parser.add_argument(
            "--dry-run", action="store_true", help="report, write nothing"
        )
        parser.add_argument(
            "--parent", default="", help="the blog page (id or URL path)"
        )
        parser.add_argument(
            "--authors", default="", help="CSV: Blogger name or profile,username"
        )
        parser.add_argument(
            "--owner", default="", help="username owning pages of unmapped authors"
        )
        parser.add_argument("--images", default="", help="folder of the images")
        parser.add_argument(
            "--download-images",
            action="store_true",
            help="copy every picture into the image library (a folder first)",
        )
        parser.add_argument(
            "--question-opening",
            default=DEFAULT_QUESTION_OPENING,
            help='how a reader\'s letter opens (default "%(default)s")',
        )
        parser.add_argument("--report", default="", help="write the report as JSON")

    def handle(self, *args, **options):
        opts = ImportOptions(
            dry_run=options["dry_run"],
            parent=options["parent"],
            authors_file=options["authors"],
            owner=options["owner"],
            images_dir=options["images"] or takeout_albums(options["path"]),
            download_images=options["download_images"],
            question_opening=options["question_opening"],
        )
        tty = self.stdout.isatty() if hasattr(self.stdout, "isatty") else False
        progress = _TerminalProgress(self.stdout) if tty else _LineProgress(self.stdout)
        try:
            report = import_export(options["path"], opts, progress)
        except ImportRefused as exc:
            raise CommandError(f"Import refused: {exc}. Nothing was written.") from exc
        except OSError as exc:
            raise CommandError(
                f"Cannot read the export: {exc.strerror or exc}"
            ) from exc
        except Exception as exc:  # one line, whatever went wrong; --traceback for more
            first = (str(exc).splitlines() or [""])[0][:200]
            raise CommandError(
                f"Import failed ({exc.__class__.__name__}: {first}). "
                "Nothing was written."
            ) from exc
        progress.done()
        for line in report.lines():
            self.stdout.write(line)
        if options["report"]:
            with open(options["report"], "w", encoding="utf-8") as f:
                json.dump(report.as_dict(), f, indent=2, ensure_ascii=False)


def _summary(state) -> str:
    """What is in so far, every kind named even before its first entry."""
    counts = state.get("counts", {})
    parts = []
    for kind in ("posts", "pages", "comments"):
        c = counts.get(kind, {})
        done = sum(c.get(k, 0) for k in ("created", "updated", "unchanged"))
        parts.append(f"{kind} {done}")
    megabytes = state.get("bytes", 0) / 1e6
    return f"{', '.join(parts)} ({megabytes:.1f} MB read)"


class _TerminalProgress:
    """A one-line bar redrawn in place."""

    def __init__(self, out):
        self.out = out

    def __call__(self, state):
        total = state.get("total_bytes") or 0
        share = min(1.0, state.get("bytes", 0) / total) if total else 0.0
        bar = "#" * int(share * 30)
        self.out.write(
            f"\r[{bar:<30}] {share:4.0%} {state.get('phase', '')}: {_summary(state)}  ",
            ending="",
        )
        self.out.flush()

    def done(self):
        self.out.write("")


class _LineProgress:
    """Plain lines, at most one per tenth of the file, for logs and pipes."""

    def __init__(self, out):
        self.out = out
        self.last = -1

    def __call__(self, state):
        total = state.get("total_bytes") or 0
        tenth = int(10 * state.get("bytes", 0) / total) if total else 0
        if tenth > self.last:
            self.last = tenth
            self.out.write(f"progress {tenth * 10}%: {_summary(state)}")

    def done(self):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run through manage.py")
