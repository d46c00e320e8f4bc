"""`manage.py close_comments`: record closed comments and purge cached posts.

Comments close with time, so run this from cron (every 10 minutes is plenty):

    */10 * * * *  cd /srv/site && .venv/bin/python manage.py close_comments

It is idempotent: a post is recorded and purged once when its comments close,
and again only if an editor reopens and it later closes a second time.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from plumbing import cache as page_cache
from readers import closure


class Command(BaseCommand):
    help = "Record on each post when its comments closed and purge it from caches."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report, change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        closed = reopened = 0
        rules_by_site = {}
        posts = closure.commentable_pages().live().specific().order_by("pk")
        for post in posts.iterator(chunk_size=200):
            parts = post.get_url_parts()
            site_id = parts[0] if parts else None
            if site_id not in rules_by_site:
                rules_by_site[site_id] = closure.settings_for(post)
            rules = rules_by_site[site_id]
            is_open = closure.comments_open(post, now, rules)
            if not is_open and post.comments_closed_at is None:
                when = min(closure.closes_at(post, now, rules) or now, now)
                closed += 1
                self._record(post, when, dry_run)
            elif is_open and post.comments_closed_at is not None:
                reopened += 1
                self._record(post, None, dry_run)
        verb = "Would close" if dry_run else "Closed"
        self.stdout.write(
            f"{verb} comments on {closed} post(s); {reopened} post(s) reopened."
        )

    def _record(self, post, when, dry_run):
        if dry_run:
            self.stdout.write(f"  {post.pk} {post.title}")
            return
        # A plain update: closing comments is not an editorial change to the
        # post and must not create a revision.
        type(post).objects.filter(pk=post.pk).update(comments_closed_at=when)
        page_cache.comments_changed(post)
