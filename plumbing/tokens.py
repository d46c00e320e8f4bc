"""Signed form tokens: which form was loaded, when, and sent at most once.

A form carries a hidden token from `FormToken.issue(subject)`; the subject
says what the form is about (a post's id), so a token made for one post is
refused on another. On POST, `check` names what is wrong, if anything:
damaged or made for another form, sent sooner than a person writes, older
than the age limit, or used already. `use` marks a token used in Django's
default cache (shared by every worker and server in production) just before
the submission is stored, so each token sends one comment or one question.

Each form has a purpose and its defaults where it is used; the setting
``FORM_TOKENS`` overrides any of them by purpose, e.g.
``FORM_TOKENS = {"comments": {"min_seconds": 3, "max_age_hours": 6}}``.
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils import timezone

SALT = "plumbing.tokens"


class Problem(enum.Enum):
    DAMAGED = "damaged"
    TOO_SOON = "too soon"
    EXPIRED = "expired"
    USED = "used"


def _load(token: str) -> dict | None:
    try:
        data = signing.loads(token or "", salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("t"), int):
        return None
    return data


def _used_key(token: str) -> str:
    return "form-token:used:" + hashlib.sha256(token.encode()).hexdigest()


def _dump(purpose: str, subject: str, now: datetime.datetime) -> str:
    data = {
        "f": purpose,
        "s": subject,
        "t": int(now.timestamp()),
        "n": secrets.token_urlsafe(9),
    }
    return signing.dumps(data, salt=SALT)


@dataclass(frozen=True)
class FormToken:
    """The token of one kind of form (its `purpose`)."""

    purpose: str
    min_seconds: int = 3
    max_age_hours: float = 6

    def rule(self) -> tuple[int, float]:
        """(min_seconds, max_age_hours), after the ``FORM_TOKENS`` setting."""
        override = getattr(settings, "FORM_TOKENS", {}).get(self.purpose, {})
        return (
            int(override.get("min_seconds", self.min_seconds)),
            float(override.get("max_age_hours", self.max_age_hours)),
        )

    @property
    def max_age_seconds(self) -> int:
        return int(self.rule()[1] * 3600)

    def issue(self, subject: object = "", now: datetime.datetime | None = None) -> str:
        """A new token for a form about `subject`, loaded at `now`."""
        return _dump(self.purpose, str(subject), now or timezone.now())

    def check(
        self, token: str, subject: object = "", now: datetime.datetime | None = None
    ) -> Problem | None:
        """None when `token` may send this form now, else what is wrong."""
        data = _load(token)
        if data is None or (data.get("f"), data.get("s")) != (
            self.purpose,
            str(subject),
        ):
            return Problem.DAMAGED
        age = (now or timezone.now()).timestamp() - data["t"]
        min_seconds = self.rule()[0]
        if age < min_seconds:
            return Problem.TOO_SOON
        if age > self.max_age_seconds:
            return Problem.EXPIRED
        if cache.get(_used_key(token)) is not None:
            return Problem.USED
        return None

    def use(self, token: str) -> bool:
        """Mark `token` used; False when another request used it first."""
        # Kept a little longer than the token lives: after that it is expired.
        return cache.add(_used_key(token), 1, timeout=self.max_age_seconds + 60)

    def release(self, token: str) -> None:
        """Undo `use` when the submission could not be stored after all."""
        cache.delete(_used_key(token))
