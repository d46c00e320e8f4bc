"""What an import is asked to do (:class:`ImportOptions`) and what it did
(:class:`Report`): the two values that go in and come out of the pipeline."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .formats import ImportRefused
from .images import image_report_lines

DEFAULT_QUESTION_OPENING = "Dear Korean,"
MAX_WARNINGS = 200
_ORDER = (
    "posts", "question posts", "drafts", "pages", "comments", "replies", "labels",
    "publications", "redirects", "settings", "template",
)  # fmt: skip


class SiteNotReady(ImportRefused):
    """Raised for a problem with the site (or the options) rather than the file."""


@dataclass
class ImportOptions:
    dry_run: bool = False
    parent: str = ""  # the blog: a page id or a URL path; default the first blog
    authors_file: str = ""
    owner: str = ""  # username that owns everything the authors file does not map
    images_dir: str = ""
    download_images: bool = False  # copy every picture into the image library
    question_opening: str = DEFAULT_QUESTION_OPENING
    index_search: bool = True
    sample: bool = False  # demo content, replaced by the first real import

    @classmethod
    def from_dict(cls, data: dict) -> ImportOptions:
        known = {k: v for k, v in (data or {}).items() if k in cls.__annotations__}
        return cls(**known)


@dataclass
class Report:
    """What an import did, in counts with reasons, plus warnings."""

    format: str = ""
    dry_run: bool = False
    counts: dict = field(default_factory=dict)
    skipped: Counter = field(default_factory=Counter)
    warnings: list = field(default_factory=list)
    warnings_total: int = 0
    seconds: float = 0.0
    images: dict = field(default_factory=dict)
    site: list = field(default_factory=list)  # what the site took from the blog

    def count(self, kind: str, outcome: str, n: int = 1) -> None:
        bucket = self.counts.setdefault(
            kind, {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0}
        )
        bucket[outcome] = bucket.get(outcome, 0) + n

    def skip(self, kind: str, reason: str) -> None:
        self.count(kind, "skipped")
        self.skipped[reason] += 1

    def warn(self, message: str) -> None:
        self.warnings_total += 1
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)

    @property
    def changed(self) -> bool:
        return bool(self.site) or any(
            c.get("created") or c.get("updated") for c in self.counts.values()
        )

    def as_dict(self) -> dict:
        return {
            "format": self.format,
            "dry_run": self.dry_run,
            "counts": self.counts,
            "skipped": dict(self.skipped),
            "warnings": self.warnings,
            "warnings_total": self.warnings_total,
            "images": self.images,
            "site": self.site,
            "seconds": round(self.seconds, 2),
        }

    def lines(self) -> list[str]:
        out = [
            f"Blogger import ({self.format or 'unknown format'})"
            + (": DRY RUN, nothing was written" if self.dry_run else "")
        ]
        order = [k for k in _ORDER if k in self.counts]
        order += [k for k in self.counts if k not in order]
        for kind in order:
            c = self.counts[kind]
            out.append(
                f"  {kind:<15} created {c['created']:>6}  updated {c['updated']:>6}"
                f"  unchanged {c['unchanged']:>6}  skipped {c['skipped']:>6}"
            )
        for reason, n in sorted(self.skipped.items()):
            out.append(f"  skipped: {reason}: {n}")
        if self.images:
            out.extend(image_report_lines(self.images))
        out.extend(f"  site takes the blog's {change}" for change in self.site)
        if self.warnings_total:
            out.append(f"  warnings: {self.warnings_total}")
            out.extend(f"    - {w}" for w in self.warnings[:20])
        if not self.changed and not self.dry_run:
            out.append("  Nothing changed.")
        out.append(f"  took {self.seconds:.1f} s")
        return out
