"""``manage.py task_worker``: django-tasks-db's ``db_worker`` that outlives an
unavailable database.

On SQLite a long write holds the lock past the busy timeout; on PostgreSQL a
restart drops every connection. ``db_worker`` exits on either, and queued work
(an admin's import) then waits for ever. This runs it again after a pause that
doubles each time (1 s, 2 s, ... up to ``--max-pause``), back to 1 s once it
has run a while without trouble. It takes all of ``db_worker``'s options; a
signal (Ctrl-C, SIGTERM) still stops it.
"""

from __future__ import annotations

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Command as DbWorker

logger = logging.getLogger(__name__)


class Command(DbWorker):
    help = "Run db_worker, again after a pause whenever the database fails it."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--max-pause",
            type=float,
            default=60.0,
            help="longest pause between two tries, in seconds (default 60)",
        )

    def handle(self, *args, max_pause: float, **options):
        pause = 1.0
        while True:
            started = time.monotonic()
            try:
                return super().handle(*args, **options)
            except (OperationalError, InterfaceError) as exc:
                if time.monotonic() - started > 10 * max_pause:
                    pause = 1.0  # it had been running well: a new incident
                logger.warning(
                    "Task worker: the database failed it (%s); again in %.0f s",
                    exc,
                    pause,
                )
                connections.close_all()
                time.sleep(pause)
                pause = min(pause * 2, max_pause)
