"""The comment endpoint: POST, then redirect back to the post (POST/redirect/GET).

Refusals re-show the post with the reader's text kept and the right status:
400 for a form error, 403 when comments are closed (nothing is stored), 409 for
a duplicate and 429 when one address posts too quickly.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_POST
from wagtail.models import Page

from plumbing import privacy
from plumbing.clients import client_hash
from readers import closure, comments, confirmation, replies
from readers.forms import AuthorReplyForm, CommentForm
from readers.models import CommentSettings


def _post_or_404(page_id: int):
    page = privacy.public(Page.objects.live()).filter(pk=page_id).first()
    if page is None:
        raise Http404("No such post")
    post = closure.commentable(page)
    if post is None:
        raise Http404("This page takes no comments")
    return post


def render_post(request, page, *, form=None, error="", status=200):
    """The post page itself, carrying the bound form and an error to show."""
    request.comment_form = form
    request.comment_error = error
    response = page.serve(request)
    if hasattr(response, "render"):
        response.render()
    response.status_code = status
    return response


@require_POST
def post_comment(request, page_id: int):
    page = _post_or_404(page_id)
    if not closure.comments_open(page):
        # Forged or stale: nothing is stored, the reader learns why.
        context = {"page": page, "notice": closure.closing_notice(page)}
        return render(request, "readers/closed_page.html", context, status=403)
    if replies.may_reply_as_author(request.user, page):
        return _post_as_author(request, page)
    form = CommentForm(request.POST, page=page)
    if not form.is_valid() or not form.use_token():
        return render_post(request, page, form=form, status=400)
    client = comments.Client(
        ip_hash=client_hash(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    data = {
        "name": form.cleaned_data["name"],
        "email": form.cleaned_data["email"],
        "website": form.cleaned_data["website"],
        "body": form.cleaned_data["body"],
        "parent": form.cleaned_data["parent"],
    }
    try:
        comment = comments.submit(page, data, client)
    except comments.Refused as refused:
        # Nothing was stored: the same form may send the comment again.
        form.release_token()
        return render_post(
            request, page, form=form, error=refused.message, status=refused.status
        )
    except Exception:
        form.release_token()
        raise
    url = page.get_url(request) or "/"
    # Published or held: in KNOWN mode one answer for both, so the page must
    # not tell a stranger whether a name and address have commented before.
    known = closure.settings_for(page).moderation == CommentSettings.Moderation.KNOWN
    anchor = confirmation.remember(request, comment, reveal_status=not known)
    return HttpResponseRedirect(url + anchor)


def _post_as_author(request, page):
    """A signed-in member of the blog's team: published at once, as the author's."""
    form = AuthorReplyForm(request.POST, page=page)
    if not form.is_valid():
        return render_post(request, page, form=form, status=400)
    try:
        reply = replies.reply_as_blog_author(
            page,
            form.cleaned_data["body"],
            request.user,
            parent=form.cleaned_data["parent"],
        )
    except replies.ReplyRefused as refused:
        return render_post(request, page, form=form, error=refused.message, status=400)
    messages.success(request, "Your reply is published as the blog author's.")
    url = page.get_url(request) or "/"
    return HttpResponseRedirect(f"{url}#comment-{reply.pk}")
