"""The "Ask the Korean" form: what a reader fills in, and its defences.

`AskPage` (readers/models.py) shows and takes the form and stores each question
as a `ReaderQuestion`; a successful POST redirects to its thanks/ route
(POST/redirect/GET). This module holds no model: the page uses it, not the
other way round.
"""

from django import forms
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers

from plumbing.ratelimit import RateLimit
from plumbing.text import plain_name
from plumbing.tokens import FormToken, Problem
from readers import spam

# Questions are rarer than comments: an hour's window, and longer to write.
QUESTION_RATE = RateLimit("questions", count=5, seconds=60 * 60)
QUESTION_TOKEN = FormToken("questions", min_seconds=3, max_age_hours=12)
QUESTION_MAX_LENGTH = 5000
QUESTION_MIN_LENGTH = 10

TOKEN_PROBLEMS = {
    # A token signed before a key change looks damaged: to the reader, expired.
    Problem.DAMAGED: "This form has expired. Your question is still here: please "
    "send it again.",
    Problem.TOO_SOON: "That was very quick. Please check your question and send "
    "it again.",
    Problem.EXPIRED: "This form has expired. Your question is still here: please "
    "send it again.",
    Problem.USED: "This form has already sent your question. It is still here: "
    "send it again only if you meant to ask twice.",
}


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
    subject = forms.CharField(
        label="Your question in one line (optional)",
        required=False,
        max_length=120,
        help_text='For example: "Why do Koreans count their age differently?"',
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
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def is_bot(self) -> bool:
        """True when the honeypot was filled in: drop the question silently."""
        return bool(self.data.get("website", "").strip())

    def clean_display_name(self):
        name = " ".join(plain_name(self.cleaned_data["display_name"]).split())
        if not name:
            raise forms.ValidationError("Please give a name.")
        return name

    def clean_subject(self):
        text = spam.without_control_characters(self.cleaned_data["subject"])
        return " ".join(text.split())

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
        problem = QUESTION_TOKEN.check(self.data.get("token", ""))
        if problem is not None:
            raise forms.ValidationError(TOKEN_PROBLEMS[problem])
        return cleaned

    def use_token(self) -> bool:
        """Spend the form's token on this question; False when it was spent
        already (the same form sent twice at once)."""
        if QUESTION_TOKEN.use(self.data.get("token", "")):
            return True
        self.add_error(None, TOKEN_PROBLEMS[Problem.USED])
        return False

    def release_token(self) -> None:
        """The question was not stored: its token may send it again."""
        QUESTION_TOKEN.release(self.data.get("token", ""))

    def with_fresh_token(self) -> "AskForm":
        """Re-arm the token on a form shown again with its errors."""
        data = self.data.copy()
        data["token"] = QUESTION_TOKEN.issue()
        self.data = data
        return self

    def question_fields(self) -> dict:
        """What a `ReaderQuestion` stores of the form."""
        data = self.cleaned_data
        return {
            "display_name": data["display_name"],
            "email": data["email"],
            "notify": bool(data["notify"] and data["email"]),
            "subject": data["subject"],
            "question": data["question"],
            "consent_to_quote": data["consent_to_quote"],
        }


def blank_form() -> AskForm:
    return AskForm(initial={"token": QUESTION_TOKEN.issue()})


# --- What AskPage's routes answer with -------------------------------------


def private(response):
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
    response["Retry-After"] = str(QUESTION_RATE.window)
    return private(response)


def to_thanks(page, request):
    return HttpResponseRedirect(page.get_url(request) + page.reverse_subpage("thanks"))
