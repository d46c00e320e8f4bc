"""Factories that build just the pages and objects a test needs."""

import datetime

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.utils import timezone

from home.models import HomePage, StandardPage
from posts.models import PostIndexPage, PostPage, Publication, QuestionPostPage
from readers.models import AskPage, Comment, ReaderQuestion


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "password")

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class HomePageFactory(wagtail_factories.PageFactory):
    title = "Ask a Korean!"
    introduction = "<p>Readers ask, the Korean answers.</p>"

    class Meta:
        model = HomePage


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Standard page {n}")

    class Meta:
        model = StandardPage


class PostIndexPageFactory(wagtail_factories.PageFactory):
    title = "Blog"
    slug = "blog"

    class Meta:
        model = PostIndexPage


class PublicationFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Publication {n}")
    native_name = "동아일보"
    language = "ko"

    class Meta:
        model = Publication
        django_get_or_create = ("name",)


class PostPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Post number {n}")
    date = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    excerpt = "A short excerpt."

    class Meta:
        model = PostPage


class QuestionPostPageFactory(PostPageFactory):
    question = "<p>Why is the sky blue over Seoul?</p>"
    asker_name = "Narendra"

    class Meta:
        model = QuestionPostPage


class CommentFactory(factory.django.DjangoModelFactory):
    author_name = factory.Sequence(lambda n: f"Reader {n}")
    author_email = factory.Sequence(lambda n: f"reader{n}@example.org")
    body = "A thoughtful comment."
    status = Comment.Status.APPROVED

    class Meta:
        model = Comment


class ReaderQuestionFactory(factory.django.DjangoModelFactory):
    display_name = "Narendra"
    email = "narendra@example.org"
    question = "How far is South Korea helping defectors?"

    class Meta:
        model = ReaderQuestion


def publish(page):
    """Publish a page the way the admin does, with a revision."""
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def build_site():
    """The page tree most tests need: the home page (site root) and the blog."""
    home = HomePage.objects.first()
    blog = PostIndexPage.objects.first()
    if blog is None:
        blog = PostIndexPageFactory(parent=home)
    return home, blog


class AskPageFactory(wagtail_factories.PageFactory):
    title = "Ask the Korean"
    slug = "ask"
    introduction = "<p>Write to the Korean.</p>"
    thank_you_text = "<p>Your letter has arrived.</p>"

    class Meta:
        model = AskPage
