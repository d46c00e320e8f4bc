"""Who owns the imported pages: the ``--owner`` user, and ``--authors`` mappings
from a Blogger author (name or profile address) to a user of this site."""

from __future__ import annotations

import csv

from django.contrib.auth import get_user_model

from .parse import Entry
from .report import ImportOptions, SiteNotReady


class Authors:
    """Maps Blogger authors to user ids; unmapped ones go to the owner."""

    def __init__(self, owner_id: int | None, users: dict[str, int]):
        self.owner_id = owner_id
        self.users = users  # lower-cased Blogger name or profile URL -> user id

    @classmethod
    def from_options(cls, options: ImportOptions) -> Authors:
        User = get_user_model()  # noqa: N806
        if options.owner:
            owner = User.objects.filter(username=options.owner).first()
            if owner is None:
                raise SiteNotReady(f"--owner {options.owner!r}: no such user")
            owner_id = owner.pk
        else:
            owner_id = (
                User.objects.filter(is_superuser=True)
                .order_by("pk")
                .values_list("pk", flat=True)
                .first()
            )
        users: dict[str, int] = {}
        for key, username in _read_authors_file(options.authors_file):
            user = User.objects.filter(username=username).first()
            if user is None:
                raise SiteNotReady(f"authors file: no user {username!r}")
            users[key.lower()] = user.pk
        return cls(owner_id, users)

    def user_for(self, entry: Entry) -> int | None:
        for key in (entry.author_uri, entry.author_name):
            if key and key.lower() in self.users:
                return self.users[key.lower()]
        return self.owner_id


def _read_authors_file(path: str) -> list[tuple[str, str]]:
    if not path:
        return []
    try:
        with open(path, encoding="utf-8-sig") as f:
            rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")]
    except OSError as exc:
        raise SiteNotReady(f"cannot read the authors file: {exc}") from exc
    return [
        (row[0].strip(), row[1].strip())
        for row in rows
        if len(row) >= 2 and row[0].strip().lower() not in ("blogger", "name")
    ]
