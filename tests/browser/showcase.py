"""`make lighthouse` and `make screenshots`: the reading pages, measured and pictured.

Builds a throwaway site in build/showcase/ (the demo content, plus a reader's
question answered with a long quoted translation and 50 comments), serves it
with the production settings through gunicorn (hashed, compressed static files,
DEBUG off) on 127.0.0.1:8170, then:

- ``screenshots``: the home page, the question post, a label page and the ask
  page at 375 and 1280 px, light and dark, into docs/screenshots/;
- ``lighthouse``: npm's lighthouse 12.2.3 driving Debian's Chromium with mobile
  emulation (Lighthouse's default) on the same four pages; prints the scores as
  a Markdown table (kept in build/showcase/scores.md, JSON reports beside it)
  and exits 1 if a page is under the bar (performance 95, the others 100).

Usage: python tests/browser/showcase.py [screenshots] [lighthouse]
"""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build" / "showcase"
SHOTS = ROOT / "docs" / "screenshots"
PORT = int(os.environ.get("SHOWCASE_PORT", "8170"))
BASE = f"http://127.0.0.1:{PORT}"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
LIGHTHOUSE = "lighthouse@12.2.3"
BAR = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
POST_SLUG = "does-south-korea-help-north-korean-defectors"
PAGES = {
    "home": "/",
    "question-post": f"/blog/{POST_SLUG}/",
    "label": "/blog/label/culture/",
    "ask": "/ask/",
}

ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DATABASE_URL": f"sqlite:///{BUILD / 'site.sqlite3'}",
    "DJANGO_INSECURE_LOCAL": "1",
    "DJANGO_SECRET_KEY": "showcase-only-not-a-secret-0123456789abcdefghijklmnop",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "WAGTAILADMIN_BASE_URL": BASE,
    "GUNICORN_BIND": f"127.0.0.1:{PORT}",
    "GUNICORN_WORKERS": "2",
    "GUNICORN_ACCESS_LOG": "",
}

TRANSLATION = [
    "Last year 1,292 people from the North reached the South, and the state that "
    "receives them has built, over thirty years, one of the most generous "
    "welcomes any country offers to those who cross a border.",
    "Every arrival spends twelve weeks at Hanawon, the settlement centre south of "
    "Seoul, learning how to open a bank account, ride the subway and read a lease.",
    "After Hanawon come a rented flat, a settlement grant paid in instalments and "
    "five years of a personal protection officer from the local police.",
    "Those who find a job receive an employment bonus for three years; those who "
    "study have their university fees paid until the age of thirty-five.",
    "Yet money is the easy part. Nearly half of the defectors we met said the "
    "hardest thing was being looked at as a stranger in a country that calls "
    "them compatriots.",
    "An accent gives them away at a job interview. A gap of years in their "
    "schooling is hard to explain on a form that expects a straight line.",
    "Some 탈북자 now work as counsellors for the newcomers, and they say the first "
    "year decides everything: a friend in that year matters more than any grant.",
    "The Ministry of Unification plans to double the number of such counsellors "
    "by next spring and to open two more regional centres.",
    "Whether that is enough, the defectors say, depends less on the ministry "
    "than on the neighbours.",
]


def seed() -> None:
    """Runs inside Django: the demo site plus the showcase question post."""
    import datetime

    import django

    django.setup()
    from django.utils import timezone

    from home.demo import load_demo_content
    from posts.models import PostIndexPage, Publication, QuestionPostPage
    from readers.models import Comment

    now = timezone.now()
    load_demo_content(now)
    blog = PostIndexPage.objects.get()
    if QuestionPostPage.objects.filter(slug=POST_SLUG).exists():
        return
    courier = Publication.objects.get(name="The Morning Courier")
    body = [
        {
            "type": "paragraph",
            "value": "<p>Narendra, the short answer is: a great deal on paper, "
            "and less than it should in daily life. The South pays, trains and "
            "protects; what it has not yet learned is to make room.</p>"
            "<p>A long article in the Courier followed a dozen defectors through "
            "their first five years. Here it is, because it says it better than "
            "I could.</p>",
        },
        {"type": "section_break", "value": None},
        {
            "type": "translation",
            "value": {
                "original_title": "탈북자 정착 지원, 어디까지 왔나",
                "original_language": "ko",
                "original_author": "Kim Min-ji",
                "publication": courier.pk,
                "original_url": "https://news.example.kr/courier/settlement",
                "published_on": "2026-10-04",
                "translator_note": "<p>탈북자 (talbukja) is the everyday word for a "
                "defector; the government prefers 북한이탈주민, “residents who left "
                "the North”.</p>",
                "text": "".join(f"<p>{p}</p>" for p in TRANSLATION),
            },
        },
        {
            "type": "paragraph",
            "value": "<p>Got a question about Korea? The ask page is open.</p>",
        },
    ]
    post = QuestionPostPage(
        title="Does South Korea Help North Korean Defectors?",
        slug=POST_SLUG,
        date=now - datetime.timedelta(days=1),
        excerpt="A great deal on paper, and less than it should in daily life: "
        "a newspaper followed a dozen defectors through their first five years.",
        question="<p>Dear Korean,</p><p>How far is South Korea helping the "
        "defectors from the North? Do they get a home, a job, a language "
        "course?</p>",
        asker_name="Narendra",
        asked_on=(now - datetime.timedelta(days=40)).date(),
        body=json.dumps(body),
    )
    blog.add_child(instance=post)
    post.tags.add("culture", "north korea")
    post.save_revision().publish()
    names = ["Minerva", "Rachel K.", "Jun", "Sophie", "Daniel", "Hye-jin", "Tom"]
    comments = Comment.objects.bulk_create(
        Comment(
            page=post,
            author_name=names[n % len(names)],
            author_email=f"reader{n}@example.org",
            body=f"Comment {n + 1}: my cousin volunteered at a settlement centre, "
            "and the language was the hardest part for the teenagers.",
            status=Comment.Status.APPROVED,
            created_at=now - datetime.timedelta(hours=50 - n),
        )
        for n in range(50)
    )
    for reply, parent in zip(comments[1::5], comments[::5], strict=False):
        reply.parent = parent
    Comment.objects.bulk_update(comments[1::5], ["parent"])


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=ENV, check=True)


def build_site() -> None:
    BUILD.mkdir(parents=True, exist_ok=True)
    for leftover in BUILD.glob("site.sqlite3*"):
        leftover.unlink()
    manage("migrate", "--noinput", "-v0")
    manage("createcachetable")
    subprocess.run([sys.executable, __file__, "seed"], cwd=ROOT, env=ENV, check=True)
    manage("collectstatic", "--noinput", "-v0")


def start_server() -> subprocess.Popen:
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=ENV,
    )
    for _ in range(60):
        try:
            urllib.request.urlopen(BASE + "/", timeout=2)  # noqa: S310 (our server)
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"the showcase server on {BASE} did not answer")


def screenshots() -> None:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        for scheme in ("light", "dark"):
            for width in (375, 1280):
                context = browser.new_context(
                    viewport={"width": width, "height": 900},
                    color_scheme=scheme,
                    device_scale_factor=1,
                )
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(BASE + path, wait_until="networkidle")
                    page.evaluate("document.fonts.ready")
                    target = SHOTS / f"{name}-{width}-{scheme}.png"
                    # The post is 50 comments long: its first screens say enough.
                    height = page.evaluate("document.documentElement.scrollHeight")
                    clip = {"x": 0, "y": 0, "width": width, "height": min(height, 2800)}
                    page.screenshot(path=str(target), full_page=True, clip=clip)
                    print("wrote", target.relative_to(ROOT))
                context.close()
        browser.close()


def lighthouse() -> bool:
    env = {**ENV, "CHROME_PATH": CHROMIUM}
    rows, passed = [], True
    for name, path in PAGES.items():
        report = BUILD / f"lighthouse-{name}.json"
        subprocess.run(
            [
                "npx",
                "--yes",
                LIGHTHOUSE,
                BASE + path,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                "--only-categories=performance,accessibility,best-practices,seo",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu "
                "--disable-background-networking",
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        categories = json.loads(report.read_text())["categories"]
        scores = {key: round(categories[key]["score"] * 100) for key in BAR}
        passed &= all(scores[key] >= bar for key, bar in BAR.items())
        rows.append((name, path, scores))
    table = [
        "| page | path | performance | accessibility | best practices | SEO |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for name, path, s in rows:
        table.append(
            f"| {name} | `{path}` | {s['performance']} | {s['accessibility']} "
            f"| {s['best-practices']} | {s['seo']} |"
        )
    text = "\n".join(table)
    (BUILD / "scores.md").write_text(text + "\n")
    print(text)
    return passed


def main(args: list[str]) -> int:
    if args == ["seed"]:
        seed()
        return 0
    jobs = args or ["screenshots", "lighthouse"]
    build_site()
    server = start_server()
    try:
        if "screenshots" in jobs:
            screenshots()
        if "lighthouse" in jobs and not lighthouse():
            print("Under the bar:", BAR)
            return 1
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
