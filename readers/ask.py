"""The "Ask the Korean" form: what a reader fills in and how a POST is handled.

`AskPage` (readers/models.py) routes its URLs here: `ask_view` shows and takes the
form, `thanks_view` is where a successful POST redirects (POST/redirect/GET).
Every question is stored as a `ReaderQuestion` before anything else happens.
"""

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from plumbing.text import plain_name
from readers import spam
from readers.models import ReaderQuestion

# Defaults, each overridable in settings (READERS_ASK_...).
RATE_LIMIT = 5  # questions per IP address...
RATE_WINDOW = 60 * 60  # ...in this many seconds
MIN_SECONDS = 3  # a person takes longer than this to write a question
MAX_AGE = 2 * 24 * 60 * 60  # a form open longer than this must be sent again
QUESTION_MAX_LENGTH = 5000
QUESTION_MIN_LENGTH = 10

_TIMESTAMP_SALT = "readers.ask.started"


def _setting(name: str, default):
    return getattr(settings, f"READERS_ASK_{name}", default)


# --- Spam defences -----------------------------------------------------------
# The client address and its hash come from readers.spam, shared with comments,
# so one reader's comments and questions carry the same ip_hash. The timestamp
# and the rate limit are the ask form's own: their wording and their window (an
# hour, as questions are rarer than comments) differ from the comment form's.


def hash_ip(request) -> str:
    """A keyed hash of the client address: enough to rate-limit, not to identify."""
    return spam.hash_ip(spam.client_ip(request) or "unknown")


def sign_started_at(now: float | None = None) -> str:
    return signing.dumps(
        round(now if now is not None else time.time(), 3), salt=_TIMESTAMP_SALT
    )


def seconds_since_signed(value: str) -> float | None:
    """Seconds since the signed timestamp was issued, None if it was tampered with."""
    try:
        started = float(signing.loads(value, salt=_TIMESTAMP_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return time.time() - started


def _rate_key(ip_hash: str) -> str:
    return f"readers:ask-rate:{ip_hash}"


def is_rate_limited(ip_hash: str) -> bool:
    count = cache.get(_rate_key(ip_hash), 0)
    return count >= _setting("RATE_LIMIT", RATE_LIMIT)


def count_submission(ip_hash: str) -> None:
    key = _rate_key(ip_hash)
    cache.add(key, 0, timeout=_setting("RATE_WINDOW", RATE_WINDOW))
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=_setting("RATE_WINDOW", RATE_WINDOW))


# --- The form ----------------------------------------------------------------


class AskForm(forms.Form):
    """A reader's question. The e-mail is private and optional."""

    display_name = forms.CharField(
        label="Your name as the Korean may print it",
        max_length=100,
        help_text='A first name or a pseudonym is fine, such as "Narendra".',
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    email = forms.EmailField(
        label="E-mail (optional)",
        required=False,
        max_length=254,
        help_text="Never shown to anyone. Used only to tell you when the answer "
        "is published, and only if you tick the box below.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    notify = forms.BooleanField(
        label="E-mail me once when my question is answered", required=False
    )
    question = forms.CharField(
        label="Your question",
        min_length=QUESTION_MIN_LENGTH,
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    consent_to_quote = forms.BooleanField(
        label="The Korean may quote my question in a post, with the name above",
        required=False,
    )
    # Honeypot: hidden from people (CSS and aria-hidden); bots fill it in.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_fast = False

    def is_bot(self) -> bool:
        """True when the honeypot was filled in: drop the question silently."""
        return bool(self.data.get("website", "").strip())

    def clean_display_name(self):
        name = " ".join(plain_name(self.cleaned_data["display_name"]).split())
        if not name:
            raise forms.ValidationError("Please give a name.")
        return name

    def clean_question(self):
        text = spam.without_control_characters(self.cleaned_data["question"])
        text = text.replace("\r\n", "\n").strip()
        if len(text) < QUESTION_MIN_LENGTH:
            raise forms.ValidationError("Please write a little more.")
        return text

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("notify") and not cleaned.get("email"):
            self.add_error(
                "email",
                "Give an e-mail address so that we can tell you, or untick the box.",
            )
        elapsed = seconds_since_signed(self.data.get("started", ""))
        if elapsed is None or elapsed > _setting("MAX_AGE", MAX_AGE):
            raise forms.ValidationError(
                "This form has expired. Your question is still here: please send "
                "it again."
            )
        if elapsed < _setting("MIN_SECONDS", MIN_SECONDS):
            self.too_fast = True
            raise forms.ValidationError(
                "That was very quick. Please check your question and send it again."
            )
        return cleaned

    def with_fresh_timestamp(self) -> "AskForm":
        """Re-arm the signed timestamp on a form shown again with its errors."""
        data = self.data.copy()
        data["started"] = sign_started_at()
        self.data = data
        return self

    def save(self, ip_hash: str) -> ReaderQuestion:
        data = self.cleaned_data
        return ReaderQuestion.objects.create(
            display_name=data["display_name"],
            email=data["email"],
            notify=bool(data["notify"] and data["email"]),
            question=data["question"],
            consent_to_quote=data["consent_to_quote"],
            ip_hash=ip_hash,
            received_at=timezone.now(),
        )


def blank_form() -> AskForm:
    return AskForm(initial={"started": sign_started_at()})


# --- Views (called by AskPage's routes) --------------------------------------


def _private(response):
    # The form carries a CSRF token: never let a shared cache keep it.
    add_never_cache_headers(response)
    return response


def rate_limited_response(page, request):
    response = TemplateResponse(
        request,
        "readers/ask_rate_limited.html",
        {"page": page, "self": page},
        status=429,
    )
    response["Retry-After"] = str(_setting("RATE_WINDOW", RATE_WINDOW))
    return response


def thanks_url(page, request) -> str:
    return page.get_url(request) + page.reverse_subpage("thanks")


def ask_view(page, request):
    if request.method == "POST":
        ip_hash = hash_ip(request)
        if is_rate_limited(ip_hash):
            return _private(rate_limited_response(page, request))
        form = AskForm(request.POST)
        if form.is_bot():
            count_submission(ip_hash)
            return HttpResponseRedirect(thanks_url(page, request))
        if form.is_valid():
            count_submission(ip_hash)
            form.save(ip_hash)
            return HttpResponseRedirect(thanks_url(page, request))
        form.with_fresh_timestamp()
    else:
        form = blank_form()
    return _private(page.render(request, context_overrides={"form": form}))


def thanks_view(page, request):
    return page.render(request, template="readers/ask_thanks.html")
