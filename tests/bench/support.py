"""What several in-process benchmarks share: a fresh Django on a SQLite file, and
a median timer. (Not a benchmark itself: run_all.py runs only bench_*.py.)"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))


def setup_django(db_path: str) -> None:
    """Django with the test settings on a new SQLite file, migrated."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def median_ms(fn, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)
