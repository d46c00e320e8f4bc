"""The moderation rules, as the site settings hold them.

`decide()` gives the status a new comment starts with. Spam words win over
everything; then moderation words and the link limit hold a comment; then the
site's mode decides (moderate all, approve known authors, or publish at once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from readers.models import Comment, CommentSettings

_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


@dataclass(frozen=True)
class Decision:
    status: str
    reason: str


def word_list(text: str) -> list[str]:
    return [
        line.strip().casefold() for line in (text or "").splitlines() if line.strip()
    ]


def contains_any(text: str, words: list[str]) -> str | None:
    """The first listed word or phrase in `text` (whole words only), if any."""
    folded = text.casefold()
    for word in words:
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", folded):
            return word
    return None


def count_links(*texts: str) -> int:
    return sum(len(_LINK.findall(text or "")) for text in texts)


def is_known_author(name: str, email: str) -> bool:
    """An approved comment carries this name and this address together.

    The address alone is not enough: anyone can type one they have seen.
    """
    name, email = (name or "").strip(), (email or "").strip()
    return (
        bool(name and email)
        and Comment.objects.filter(
            author_name__iexact=name,
            author_email__iexact=email,
            status=Comment.Status.APPROVED,
            by_blog_author=False,  # the team's replies vouch for no stranger
        ).exists()
    )


def decide(rules: CommentSettings, *, name: str, email: str, url: str, body: str):
    """The status a new comment starts with, and why (for moderators)."""
    everything = "\n".join([name, email, url, body])
    word = contains_any(everything, word_list(rules.spam_words))
    if word:
        return Decision(Comment.Status.SPAM, f"It contains the spam word “{word}”.")
    word = contains_any(everything, word_list(rules.moderation_words))
    if word:
        return Decision(
            Comment.Status.PENDING, f"It contains the moderation word “{word}”."
        )
    links = count_links(body)
    if rules.link_limit and links >= rules.link_limit:
        return Decision(
            Comment.Status.PENDING,
            f"It has {links} links (the limit is {rules.link_limit}).",
        )
    mode = rules.moderation
    if mode == CommentSettings.Moderation.NONE:
        return Decision(Comment.Status.APPROVED, "Comments are published at once.")
    if mode == CommentSettings.Moderation.KNOWN and is_known_author(name, email):
        return Decision(Comment.Status.APPROVED, "Its author has an approved comment.")
    return Decision(Comment.Status.PENDING, "Every new comment waits for moderation.")


def may_moderate(user) -> bool:
    """Whether `user` may approve comments (what the Moderators group holds)."""
    return (
        user is not None
        and user.is_active
        and user.has_perm(f"readers.change_{Comment._meta.model_name}")
    )
