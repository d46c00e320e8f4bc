"""Benchmark of the Blogger import: first import, re-import, peak memory, floor.

    python tests/bench/bench_import.py              # 10,000 posts, 100,000 comments
    python tests/bench/bench_import.py --posts 1000 --comments 10000 --db sqlite

Each measured run is its own process (``manage.py``-like child) on a fresh
database, so its peak memory (``resource.getrusage``) is that run's alone.
The floor is a bare streaming parse of the same file (no conversion, no
database); the ratio says how many times the floor an import takes.
PostgreSQL is measured when ``BENCH_POSTGRES_URL`` (default
``postgres://postgres@127.0.0.1:5432/h_import_bench``) answers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
GOALS = {"sqlite": 60.0, "postgres": 90.0}
REIMPORT_GOAL = 15.0
MEMORY_GOAL_MB = 300.0
PG_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/h_import_bench"
)


def _child(mode: str, path: str) -> None:
    """Run in the child process: one import or one bare parse, then report."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    started = time.monotonic()
    result: dict = {}
    if mode == "parse":
        from posts.blogger.parse import iter_entries

        count = 0
        for _ in iter_entries(path):
            count += 1
        result["entries"] = count
    else:
        import django

        django.setup()
        from posts.blogger.importer import import_export

        report = import_export(path)
        result["counts"] = report.counts
    result["seconds"] = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(result))


def _run_child(mode: str, path: Path, env: dict) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"{mode} failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}")


def _manage(env: dict, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def _fresh_database(kind: str, workdir: Path) -> dict | None:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.dev")
    if kind == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        name = PG_URL.rsplit("/", 1)[-1]
        base = PG_URL.rsplit("/", 1)[0]
        host = base.split("@")[-1].split(":")[0]
        if shutil.which("dropdb") is None:
            return None
        for cmd in (
            ["dropdb", "-h", host, "-U", "postgres", "--if-exists", name],
            ["createdb", "-h", host, "-U", "postgres", name],
        ):
            if subprocess.run(cmd, capture_output=True, check=False).returncode:
                return None
        env["DATABASE_URL"] = PG_URL
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "load_demo_content")
    return env


def measure(kind: str, export: Path, workdir: Path) -> dict | None:
    env = _fresh_database(kind, workdir)
    if env is None:
        return None
    first = _run_child("import", export, env)
    again = _run_child("import", export, env)
    fixtree = _manage(env, "fixtree")
    return {
        "first": first,
        "again": again,
        "tree_ok": "Fixing" not in fixtree
        and "problems found" not in fixtree.lower()
        or fixtree.count("No problems found") >= 1,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--comments", type=int, default=100000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--format", choices=["classic", "takeout"], default="classic")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"))
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0

    sys.path.insert(0, str(ROOT))
    from tests.bench.make_export import write_export

    failed = False
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        workdir = Path(tmp)
        export = workdir / ("export.xml" if args.format == "classic" else "feed.atom")
        write_export(export, args.posts, args.comments, args.format)
        size_mb = export.stat().st_size / 1e6
        floor = _run_child("parse", export, dict(os.environ))
        print(
            f"Blogger import: {args.posts:,} posts, {args.comments:,} comments, "
            f"{args.format} export of {size_mb:.0f} MB"
        )
        print(
            f"  floor (bare streaming parse): {floor['seconds']:.1f} s, "
            f"peak {floor['maxrss_mb']:.0f} MB"
        )
        print(
            f"  {'database':<10} {'first import':>14} {'ratio':>7} {'re-import':>11}"
            f" {'peak memory':>12}  goals"
        )
        for kind in ("sqlite", "postgres"):
            if args.db not in (kind, "both"):
                continue
            result = measure(kind, export, workdir)
            if result is None:
                print(f"  {kind:<10} (not reachable: skipped)")
                continue
            first, again = result["first"], result["again"]
            peak = max(first["maxrss_mb"], again["maxrss_mb"])
            ok = (
                first["seconds"] < GOALS[kind]
                and again["seconds"] < REIMPORT_GOAL
                and peak < MEMORY_GOAL_MB
                and result["tree_ok"]
            )
            failed |= not ok
            ratio = first["seconds"] / floor["seconds"]
            print(
                f"  {kind:<10} {first['seconds']:>12.1f} s {ratio:>6.1f}x"
                f" {again['seconds']:>9.1f} s {peak:>9.0f} MB  "
                f"{'met' if ok else 'MISSED'} (< {GOALS[kind]:.0f} s, < "
                f"{REIMPORT_GOAL:.0f} s, < {MEMORY_GOAL_MB:.0f} MB, fixtree clean)"
            )
            print(
                f"    CPU time of the import: first {first['cpu_seconds']:.1f} s,"
                f" re-import {again['cpu_seconds']:.1f} s (floor "
                f"{floor['cpu_seconds']:.1f} s); wall-clock above"
            )
            changed = {
                k: v
                for k, v in again["counts"].items()
                if v.get("created") or v.get("updated")
            }
            if changed:
                print(f"    re-import changed something: {changed}")
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
