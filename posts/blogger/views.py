"""Admin views: upload a Blogger export, then watch it import."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from wagtail.contrib.redirects.models import Redirect

from posts.models import BloggerImport, LegacyEntry

from .report import DEFAULT_QUESTION_OPENING
from .tasks import current_progress, run_blogger_import

MAX_UPLOAD_BYTES = 500 * 1024 * 1024
LINKS_SHOWN = 500  # pages and redirects listed by name in a report


def can_import(user) -> bool:
    return user.is_active and (
        user.is_superuser or user.has_perm("posts.add_bloggerimport")
    )


class BloggerImportForm(forms.Form):
    export_file = forms.FileField(
        label="Blogger export",
        help_text="The classic backup (Settings > Back up content, an .xml file) "
        "or Google Takeout's feed.atom.",
    )
    question_opening = forms.CharField(
        initial=DEFAULT_QUESTION_OPENING,
        max_length=100,
        help_text="Posts whose body opens with this become question posts.",
    )
    dry_run = forms.BooleanField(
        required=False,
        label="Dry run",
        help_text="Report what would happen and write nothing.",
    )
    download_images = forms.BooleanField(
        required=False,
        label="Download images",
        help_text="Copy every picture of the posts into the image library. "
        "A picture that cannot be fetched stays on Blogger and is listed in "
        "the report; importing again retries it.",
    )

    def clean_export_file(self):
        upload = self.cleaned_data["export_file"]
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 500 MB.")
        return upload


def index(request):
    if not can_import(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = BloggerImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["export_file"]
            job = BloggerImport.objects.create(
                export_file=upload,
                original_name=upload.name[:255],
                options={
                    "dry_run": form.cleaned_data["dry_run"],
                    "download_images": form.cleaned_data["download_images"],
                    "question_opening": form.cleaned_data["question_opening"],
                    "owner": request.user.get_username(),
                },
                created_by=request.user,
            )
            transaction.on_commit(lambda: run_blogger_import.enqueue(job.pk))
            return redirect("blogger_import:detail", job.pk)
    else:
        form = BloggerImportForm()
    return TemplateResponse(
        request,
        "posts/blogger_import/index.html",
        {"form": form, "imports": BloggerImport.objects.all()[:20]},
    )


def written_by(job: BloggerImport):
    """The pages a finished import created, and the redirects to them.

    Read back from the legacy entries the import recorded while it ran (an
    import records each Blogger entry it turned into a page), so the report
    needs no list of its own. Returns (entries, redirects, how many entries).
    """
    report = job.report or {}
    if job.finished_at is None or report.get("dry_run"):
        return [], [], 0
    entries = (
        LegacyEntry.objects.filter(
            page__isnull=False,
            imported_at__gte=job.created_at,
            imported_at__lte=job.finished_at,
        )
        .select_related("page")
        .order_by("page__path")
    )
    total = entries.count()
    shown = list(entries[:LINKS_SHOWN])
    redirects = list(
        Redirect.objects.filter(redirect_page__in=[e.page_id for e in shown])
        .select_related("redirect_page")
        .order_by("old_path")[:LINKS_SHOWN]
    )
    return shown, redirects, total


def detail(request, pk: int):
    if not can_import(request.user):
        raise PermissionDenied
    job = get_object_or_404(BloggerImport, pk=pk)
    progress = current_progress(job)
    total = progress.get("total_bytes") or 0
    share = int(100 * progress.get("bytes", 0) / total) if total else 0
    report = job.report or {}
    order = ["posts", "question posts", "drafts", "pages", "comments", "replies"]
    counts = report.get("counts", {})
    rows = [(k, counts[k]) for k in order if k in counts]
    rows += [(k, v) for k, v in counts.items() if k not in order]
    created, redirects, created_total = written_by(job)
    return TemplateResponse(
        request,
        "posts/blogger_import/detail.html",
        {
            "job": job,
            "progress": progress,
            "share": share,
            "running": job.status
            in (BloggerImport.Status.QUEUED, BloggerImport.Status.RUNNING),
            "rows": rows,
            "skipped": sorted((report.get("skipped") or {}).items()),
            "report": report,
            "created": created,
            "created_total": created_total,
            "redirects": redirects,
        },
    )
