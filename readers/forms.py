"""The comment form under each post (the ask form lives in readers/ask.py)."""

from __future__ import annotations

from django import forms
from django.core.validators import URLValidator

from plumbing.text import plain_name
from plumbing.tokens import Problem
from readers import spam
from readers.models import Comment

HONEYPOT = "subject"


class ThreadForm(forms.Form):
    """What every comment form asks: the comment, and what it replies to."""

    body = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Please write a comment."},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, page, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.fields["body"].widget.attrs["maxlength"] = spam.max_length()

    def clean_body(self):
        body = spam.without_control_characters(self.cleaned_data["body"]).strip()
        if not body:
            raise forms.ValidationError("Please write a comment.")
        limit = spam.max_length()
        if len(body) > limit:
            raise forms.ValidationError(
                f"Please keep your comment under {limit:,} characters "
                f"(it has {len(body):,})."
            )
        return body

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if not parent_id:
            return None
        parent = (
            Comment.objects.filter(
                pk=parent_id, page_id=self.page.pk, status=Comment.Status.APPROVED
            )
            .only("pk", "page_id", "parent_id", "status")
            .first()
        )
        if parent is None:
            raise forms.ValidationError(
                "The comment you replied to is no longer available."
            )
        return parent


class AuthorReplyForm(ThreadForm):
    """A signed-in member of the blog's team: no name, no e-mail, no spam traps
    (the session and the CSRF token say who writes)."""


class CommentForm(ThreadForm):
    """Name, e-mail, website and comment, plus two hidden spam defences."""

    field_order = ["name", "email", "website", "body", "parent", "token", "subject"]

    name = forms.CharField(label="Name", max_length=100)
    email = forms.EmailField(
        label="E-mail",
        max_length=254,
        help_text="Never shown; only the moderators see it.",
    )
    website = forms.URLField(
        label="Website",
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    subject = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, page, now=None, **kwargs):
        super().__init__(*args, page=page, **kwargs)
        self.now = now
        if not self.is_bound:
            self.initial.setdefault("token", spam.COMMENT_TOKEN.issue(page.pk, now))

    def clean_name(self):
        name = plain_name(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("Please give a name.")
        return name

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(HONEYPOT):
            raise forms.ValidationError("Your comment could not be accepted.")
        problem = spam.COMMENT_TOKEN.check(
            cleaned.get("token", ""), self.page.pk, self.now
        )
        if problem:
            self._renew_token()
            raise forms.ValidationError(spam.TOKEN_PROBLEMS[problem])
        return cleaned

    def use_token(self) -> bool:
        """Spend the form's token on this comment; False when it was spent
        already (the same form sent twice at once)."""
        if spam.COMMENT_TOKEN.use(self.cleaned_data["token"]):
            return True
        self._renew_token()
        self.add_error(None, spam.TOKEN_PROBLEMS[Problem.USED])
        return False

    def release_token(self) -> None:
        """The comment was not stored: its token may send it again."""
        spam.COMMENT_TOKEN.release(self.cleaned_data["token"])

    def _renew_token(self) -> None:
        # The form is shown again with the reader's words and a fresh token.
        self.data = self.data.copy()
        self.data["token"] = spam.COMMENT_TOKEN.issue(self.page.pk, self.now)
