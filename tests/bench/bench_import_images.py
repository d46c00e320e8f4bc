"""Benchmark: a Blogger import with `--download-images`, beside one without.

1,000 posts carrying 2,000 distinct pictures (two per post, written the way
Blogger's editor writes them: a `/s1600/` link around a `/s320/` thumbnail)
are served by a local HTTP server in its own process on 127.0.0.1 (port
8370-8379). The export uses real Blogger host names; the import process
routes them to that server (the same fake network as the tests), so the
Blogger URL rules and the safety checks all run as they would for real.

Three runs, each in a fresh process on a copy of the same freshly migrated
SQLite database, timing only the import:

- the import without downloads (the baseline),
- the same import with `--download-images`,
- that import run again (nothing to fetch, nothing to store).

Run: `.venv/bin/python tests/bench/bench_import_images.py` (or `make bench`).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POSTS = 1000
PICTURES_PER_POST = 2
PORTS = range(8370, 8380)


def picture_bytes(n: int) -> bytes:
    """A distinct 640x480 JPEG (about 20 kB) for picture number n."""
    import io
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(n)
    image = Image.new("RGB", (640, 480), (rng.randrange(256), 90, 160))
    draw = ImageDraw.Draw(image)
    for _ in range(16):
        x, y, r = rng.randrange(640), rng.randrange(480), rng.randrange(10, 120)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def serve(port_holder, ready, count: int) -> None:
    """The image host: its own process, so it takes no CPU from the import's
    Python thread beyond what a real network would."""
    sys.path.insert(0, str(ROOT))
    from tests.imageserver import ImageServer

    files = {f"pic-{n}.jpg": picture_bytes(n) for n in range(count)}
    for port in PORTS:
        try:
            server = ImageServer(port=port)
            break
        except OSError:
            continue
    else:
        raise SystemExit("no free port in 8370-8379")
    server.files = files
    port_holder.value = server.port
    ready.set()
    server.serve_forever(poll_interval=0.2)


def write_export(path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.blogger_image_export import Picture, write_export

    posts = []
    for p in range(POSTS):
        pictures = []
        for i in range(PICTURES_PER_POST):
            n = p * PICTURES_PER_POST + i
            shard = 1 + n % 4
            url = f"http://{shard}.bp.blogspot.com/-bench{n}/AAAA/BBBB/s320/pic-{n}.jpg"
            pictures.append(Picture(url=url, alt=f"Picture {n}"))
        posts.append((f"Pictures from day {p}", pictures))
    write_export(path, posts)


def child(mode: str, export: str, port: int) -> None:
    """One import in a fresh process; prints its figures as JSON."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = os.environ["BENCH_MEDIA_ROOT"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.BLOGGER_IMAGES_ALLOW_PRIVATE_HOSTS = ["127.0.0.1/32"]
    import pytest
    from django.core.management import call_command
    from wagtail.images import get_image_model

    from tests.imageserver import FakeNetwork

    class _Server:  # what FakeNetwork needs to know of the server
        pass

    server = _Server()
    server.port = port
    report = Path(os.environ["BENCH_MEDIA_ROOT"]) / f"report-{mode}.json"
    args = [export, "--report", str(report)]
    if mode != "plain":
        args.append("--download-images")
    with pytest.MonkeyPatch.context() as mp:
        FakeNetwork(server).install(mp)
        started = time.perf_counter()
        with open(os.devnull, "w") as quiet:
            call_command("import_blogger", *args, stdout=quiet)
        seconds = time.perf_counter() - started
    data = json.loads(report.read_text())
    print(
        json.dumps(
            {
                "seconds": seconds,
                "images_in_library": get_image_model().objects.count(),
                "images": data.get("images", {}),
                "counts": data.get("counts", {}),
            }
        )
    )


def run_child(mode, db, media, export, port) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "BENCH_MEDIA_ROOT": str(media),
    }
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(export), str(port)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def prepare_database(db: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    code = (
        "import django; django.setup();"
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0);"
        "from tests.factories import build_site; build_site()"
    )
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)


def main() -> int:
    count = POSTS * PICTURES_PER_POST
    with tempfile.TemporaryDirectory(prefix="bench-images-") as tmp:
        tmp = Path(tmp)
        export = tmp / "export.xml"
        write_export(export)
        port = multiprocessing.Value("i", 0)
        ready = multiprocessing.Event()
        server = multiprocessing.Process(
            target=serve, args=(port, ready, count), daemon=True
        )
        server.start()
        try:
            base = tmp / "base.sqlite3"
            prepare_database(base)
            if not ready.wait(120):
                raise SystemExit("the image server did not start")
            results = {}
            for mode, db_name in (
                ("plain", "plain"),
                ("download", "download"),
                ("again", "download"),
            ):
                db = tmp / f"{db_name}.sqlite3"
                media = tmp / f"media-{db_name}"
                if not db.exists():
                    shutil.copy(base, db)
                    media.mkdir()
                results[mode] = run_child(mode, db, media, export, port.value)
        finally:
            server.terminate()
            server.join(5)
    plain, download, again = results["plain"], results["download"], results["again"]
    stored = download["images_in_library"]
    images = download["images"]
    print(f"Import with images: {POSTS} posts, {count} pictures, SQLite, one run each")
    print(f"{'run':<34}{'seconds':>9}{'images/s':>10}{'ratio':>8}")
    print(f"{'import without downloads':<34}{plain['seconds']:>9.1f}{'':>10}{1:>8.2f}")
    print(
        f"{'import --download-images':<34}{download['seconds']:>9.1f}"
        f"{stored / download['seconds']:>10.0f}"
        f"{download['seconds'] / plain['seconds']:>8.2f}"
    )
    print(
        f"{'same import again (nothing new)':<34}{again['seconds']:>9.1f}{'':>10}"
        f"{again['seconds'] / plain['seconds']:>8.2f}"
    )
    print(
        f"pictures stored {stored}, failed {len(images.get('failed', []))}, "
        f"HTTP requests {images.get('requests')}, "
        f"import waited on downloads {images.get('waited_seconds')} s; "
        f"second run: requests {again['images'].get('requests')}, "
        f"stored {again['images_in_library'] - stored}"
    )
    ok = stored == count and again["images"].get("requests") == 0
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(main())
