"""Named functions other apps and templates call about comments.

- `visible_for(page)`: the thread ready to render, in one query;
- `count_for(page)`: the number of approved comments;
- `submit(...)`: every rule a new comment passes, then the saved comment.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from plumbing import cache as page_cache
from readers import closure, moderation, spam
from readers.models import Comment
from readers.tasks import notify_moderators

SHOWN = (Comment.Status.APPROVED, Comment.Status.REMOVED)


class ShownComment(NamedTuple):
    """What a thread shows of a comment: read as plain rows, since building
    hundreds of model instances cost more than the query."""

    pk: int
    parent_id: int | None
    author_name: str
    author_url: str
    html: str
    status: str
    created_at: datetime.datetime
    by_blog_author: bool


@dataclass(eq=False)
class Node:
    """One comment in a thread, with its number and its shown replies."""

    comment: Comment | ShownComment
    number: int
    depth: int = 1
    replies: list[Node] = field(default_factory=list)
    parent: Node | None = field(default=None, repr=False)

    @property
    def removed(self) -> bool:
        return self.comment.status == Comment.Status.REMOVED


@dataclass
class Thread:
    roots: list[Node]
    count: int
    by_id: dict[int, Node]

    def __iter__(self):
        return iter(self.roots)

    def __len__(self):
        return len(self.roots)


def build_thread(comments, max_depth: int = 2) -> Thread:
    """Arrange shown comments (oldest first) into numbered, nested nodes.

    A reply whose parent is not shown (pending or spam) hangs from the nearest
    shown ancestor; replies deeper than `max_depth` show at the deepest level.
    A reply can only hang from a comment placed before it, and the walk up
    stops at a comment it has met already: replies pointing at each other in a
    loop (a hostile import) show as a thread instead of hanging the page.
    """
    max_depth = max(1, max_depth or 1)
    comments = list(comments)
    parents = {c.pk: c.parent_id for c in comments}
    nodes: dict[int, Node] = {}
    roots: list[Node] = []
    count = 0
    for number, comment in enumerate(comments, start=1):
        node = Node(comment, number)
        if comment.status == Comment.Status.APPROVED:
            count += 1
        parent_id = comment.parent_id
        walked = {comment.pk}
        while parent_id is not None and parent_id not in nodes:
            if parent_id in walked:  # a loop: nothing above it is placed
                parent_id = None
                break
            walked.add(parent_id)
            parent_id = parents.get(parent_id)
        nodes[comment.pk] = node
        if parent_id is None:
            roots.append(node)
            continue
        parent = nodes[parent_id]
        while parent.depth >= max_depth and parent.parent is not None:
            parent = parent.parent
        if parent.depth >= max_depth:  # max_depth 1: no nesting at all
            roots.append(node)
            continue
        node.parent = parent
        node.depth = parent.depth + 1
        parent.replies.append(node)
    return Thread(roots=roots, count=count, by_id=nodes)


def visible_for(page, settings=None) -> Thread:
    """The thread under a post, ready to render: one query for any size.

    Approved comments and the places of removed ones, oldest first. A hidden
    post shows nothing. The result is memoised on the page instance so that the
    count in the header and the thread below share one query.
    """
    memo = getattr(page, "_reader_thread", None)
    if memo is not None:
        return memo
    if not closure.comments_visible(page):
        thread = Thread(roots=[], count=0, by_id={})
    else:
        rules = settings or closure.settings_for(page)
        rows = (
            Comment.objects.filter(page_id=page.pk, status__in=SHOWN)
            .order_by("created_at", "pk")
            .values_list(*ShownComment._fields)
        )
        thread = build_thread(map(ShownComment._make, rows), rules.max_depth)
    page._reader_thread = thread
    return thread


def count_for(page) -> int:
    """How many approved comments a reader sees under `page`."""
    memo = getattr(page, "_reader_thread", None)
    if memo is not None:
        return memo.count
    if not closure.comments_visible(page):
        return 0
    return Comment.objects.filter(
        page_id=page.pk, status=Comment.Status.APPROVED
    ).count()


class Refused(Exception):
    """A comment was turned away; `status` is the HTTP status to answer with."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Closed(Refused):
    status = 403


class TooFast(Refused):
    status = 429


class Duplicate(Refused):
    status = 409


@dataclass
class Client:
    ip_hash: str = ""
    user_agent: str = ""


def check_open(page, now=None) -> None:
    if not closure.comments_open(page, now):
        raise Closed(closure.closing_notice(page, now))


def is_duplicate(page, body: str, *, email: str, ip_hash: str) -> bool:
    """The same words on the same post from the same e-mail or address."""
    who = Q(ip_hash=ip_hash) if ip_hash else Q()
    if email:
        who |= Q(author_email__iexact=email)
    wanted = spam.normalise(body)
    candidates = Comment.objects.filter(who, page_id=page.pk).values_list(
        "body", flat=True
    )
    return any(spam.normalise(existing) == wanted for existing in candidates.iterator())


def submit(page, data: dict, client: Client | None = None, now=None) -> Comment:
    """Save a reader's comment after every rule; raise `Refused` otherwise.

    `data` holds cleaned form values: name, email, website, body, parent
    (a Comment or None). Moderators hear about pending comments by e-mail once
    the comment is committed.
    """
    client = client or Client()
    now = now or timezone.now()
    check_open(page, now)
    if client.ip_hash and spam.COMMENT_RATE.hit(client.ip_hash):
        raise TooFast("You are posting comments too quickly. Please wait a minute.")
    body = data["body"].strip()
    email = data.get("email", "")
    duplicate = Duplicate("It looks as though you have already said that.")
    if is_duplicate(page, body, email=email, ip_hash=client.ip_hash):
        raise duplicate
    # Two identical posts racing each other (a double click on two workers):
    # the first to claim the key in the shared cache wins.
    claim = spam.claim_once(page, body, email=email, ip_hash=client.ip_hash)
    if claim is None:
        raise duplicate
    rules = closure.settings_for(page)
    decision = moderation.decide(
        rules,
        name=data["name"],
        email=email,
        url=data.get("website", ""),
        body=body,
    )
    try:
        comment = _create(page, data, client, body, email, decision.status, now)
    except Exception:
        spam.release(claim)
        raise
    if decision.status == Comment.Status.PENDING and rules.notify_moderators:
        reason = decision.reason
        transaction.on_commit(lambda: notify_moderators.enqueue(comment.pk, reason))
    if decision.status == Comment.Status.APPROVED:
        page_cache.comments_changed(page)
    return comment


def _create(page, data, client, body, email, status, now) -> Comment:
    return Comment.objects.create(
        page_id=page.pk,
        parent=data.get("parent"),
        author_name=data["name"].strip(),
        author_email=email,
        author_url=data.get("website", ""),
        body=body,
        status=status,
        created_at=now,
        ip_hash=client.ip_hash,
        user_agent=client.user_agent[:300],
    )
