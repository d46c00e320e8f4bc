"""Helpers for the security suite: what "inert" markup means, and form data."""

from __future__ import annotations

import datetime
import json

import lxml.html
from django.utils import timezone

from readers.ask import QUESTION_TOKEN
from tests.comments_support import form_data as comment_data  # noqa: F401

# Attributes whose value a browser may treat as a URL to run.
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data")
# Our payloads all carry one of these words; the site's own markup never does.
MARKERS = ("alert", "xss", "pwned")


def executable_bits(html: str) -> list[str]:
    """Every piece of `html` that could run a payload in a reader's browser.

    An inline <script> carrying a payload word, any element with an on*
    attribute, a javascript:/vbscript:/data: URL, an <svg>/<math>/<iframe
    srcdoc>/<object>/<embed>/<base> element that a payload could have brought.
    """
    if not html.strip():
        return []
    root = lxml.html.document_fromstring(html)
    found = []
    for elem in root.iter():
        if not isinstance(elem.tag, str):
            continue
        tag = elem.tag.lower().rsplit("}", 1)[-1]
        if tag == "script":
            text = elem.text or ""
            if (elem.get("type") or "").lower() == "application/ld+json":
                # Data, not code, as long as it stays one well-formed JSON value.
                try:
                    json.loads(text)
                except ValueError:
                    found.append(f"JSON-LD broken open: {text[:60]!r}")
                continue
            if any(m in text.lower() for m in MARKERS) or any(
                m in (elem.get("src") or "").lower() for m in MARKERS
            ):
                found.append(f"<script> with a payload: {text[:60]!r}")
        if tag in ("svg", "math", "object", "embed", "base") and any(
            m in lxml.html.tostring(elem, encoding="unicode").lower() for m in MARKERS
        ):
            found.append(f"<{tag}> carrying a payload")
        if tag == "meta" and (elem.get("http-equiv") or "").lower() == "refresh":
            found.append("<meta http-equiv=refresh>")
        if tag == "iframe" and elem.get("srcdoc") is not None:
            found.append("<iframe srcdoc>")
        for name, value in elem.attrib.items():
            lowered = name.lower()
            if lowered.startswith("on"):
                found.append(f"<{tag} {name}={value[:40]!r}>")
            if lowered in URL_ATTRIBUTES:
                squeezed = "".join(ch for ch in value if ch > " ").lower()
                if squeezed.startswith(("javascript:", "vbscript:", "data:text")):
                    found.append(f"<{tag} {name}={value[:40]!r}>")
    return found


def assert_inert(html: str) -> None:
    bits = executable_bits(html)
    assert not bits, f"markup that could run: {bits}"


def a_while_ago() -> datetime.datetime:
    """When a person would have loaded the form they send now."""
    return timezone.now() - datetime.timedelta(seconds=30)


def ask_data(**fields) -> dict:
    data = {
        "token": QUESTION_TOKEN.issue(now=a_while_ago()),
        "display_name": "Narendra",
        "email": "narendra@example.org",
        "notify": "on",
        "question": "Why do Koreans eat seaweed soup on their birthdays?",
        "consent_to_quote": "on",
        "website": "",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}
