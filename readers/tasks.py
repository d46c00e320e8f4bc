"""Background work about comments (a task of `plumbing.tasks`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse

from plumbing.tasks import task
from readers.models import Comment


def moderators():
    """Active users with an e-mail who may moderate comments."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    can = Q(is_superuser=True)
    perm = Q(codename="change_comment", content_type__app_label="readers")
    from django.contrib.auth.models import Permission

    perms = Permission.objects.filter(perm)
    can |= Q(user_permissions__in=perms) | Q(groups__permissions__in=perms)
    return users.filter(can).distinct()


@task()
def notify_moderators(comment_id: int, reason: str = "") -> int:
    """E-mail moderators about one pending comment; returns how many were told."""
    comment = Comment.objects.select_related("page").filter(pk=comment_id).first()
    if comment is None or comment.status != Comment.Status.PENDING:
        return 0
    recipients = list(moderators().values_list("email", flat=True))
    if not recipients:
        return 0
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    # The queue opens on the pending comments; a comment's page has the
    # moderation buttons and the reply form.
    queue = reverse("readers_comment_modeladmin_index")
    edit = reverse("readers_comment_modeladmin_inspect", args=[comment.pk])
    body = "\n".join(
        [
            f"{comment.author_name} <{comment.author_email}> commented on "
            f"“{comment.page.title}”:",
            "",
            comment.body,
            "",
            *([f"Why it waits: {reason}", ""] if reason else []),
            f"Review it: {base}{edit}",
            f"Everything awaiting moderation: {base}{queue}",
        ]
    )
    send_mail(
        subject=f"New comment awaiting moderation on “{comment.page.title}”",
        message=body,
        from_email=None,
        recipient_list=recipients,
    )
    return len(recipients)
