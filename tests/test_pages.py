"""The page types: where they may live, creating them in the admin, rendering."""

import datetime
import importlib
import re

import pytest
import wagtail_factories
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from home.models import HomePage, StandardPage
from posts.models import PostIndexPage, PostPage, QuestionPostPage
from tests.factories import (
    PostIndexPageFactory,
    PostPageFactory,
    PublicationFactory,
    QuestionPostPageFactory,
    StandardPageFactory,
    publish,
)


class PageTreeRulesTests(WagtailPageTestCase):
    def test_home_page_sits_at_the_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_blog_allows_only_post_types(self):
        self.assertAllowedSubpageTypes(PostIndexPage, {PostPage, QuestionPostPage})

    def test_posts_live_only_under_the_blog(self):
        self.assertAllowedParentPageTypes(PostPage, {PostIndexPage})
        self.assertAllowedParentPageTypes(QuestionPostPage, {PostIndexPage})
        self.assertCanNotCreateAt(HomePage, PostPage)

    def test_standard_pages_under_home(self):
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanCreateAt(HomePage, PostIndexPage)


class AdminCreationTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = HomePage.objects.get()
        cls.blog = PostIndexPageFactory(parent=cls.home)
        cls.publication = PublicationFactory(name="Dong-A Ilbo")

    def setUp(self):
        self.user = get_user_model().objects.create_superuser(
            "editor", "editor@example.com", "password"
        )
        self.client.force_login(self.user)

    def test_standard_page_created_through_admin(self):
        self.assertCanCreate(
            self.home,
            StandardPage,
            nested_form_data(
                {
                    "title": "About the Korean",
                    "slug": "about",
                    "body": streamfield(
                        [("paragraph", rich_text("<p>Who writes this blog.</p>"))]
                    ),
                }
            ),
        )

    def test_seed_post_entered_through_admin_keeps_every_part(self):
        """The seed post: question, asker, answer, break, translation, source."""
        self.assertCanCreate(
            self.blog,
            QuestionPostPage,
            nested_form_data(
                {
                    "title": "What About Those Who are Left Behind?",
                    "slug": "what-about-those-who-are-left-behind",
                    "date": "2012-03-05 10:00",
                    "asker_name": "Narendra",
                    "question": rich_text(
                        "<p>How far SK is helping to these defectors by taking "
                        "them in?</p>"
                    ),
                    "excerpt": "Narendra's question is a legitimate one.",
                    "body": streamfield(
                        [
                            (
                                "paragraph",
                                rich_text(
                                    "<p>Narendra's question is a legitimate one, "
                                    "and a difficult one to answer.</p>"
                                ),
                            ),
                            ("section_break", ""),
                            (
                                "translation",
                                {
                                    "original_title": "나는 안다, 북송 탈북자의 절망을 . . .",  # noqa: E501
                                    "original_language": "ko",
                                    "original_author": "Joo Seong-Ha",
                                    "publication": self.publication.pk,
                                    "original_url": "https://www.donga.com/",
                                    "published_on": "",
                                    "translator_note": rich_text(""),
                                    "text": rich_text(
                                        "<p>I know the despair of the North Korean "
                                        "defector.</p>"
                                    ),
                                },
                            ),
                        ]
                    ),
                    "tags": "North Korea, defectors",
                    "comment_policy": "auto",
                }
            ),
        )
        post = QuestionPostPage.objects.get(slug="what-about-those-who-are-left-behind")
        assert post.asker_name == "Narendra"
        assert "How far SK is helping" in post.question
        kinds = [block.block_type for block in post.body]
        assert kinds == ["paragraph", "section_break", "translation"]
        translation = post.body[2].value
        assert translation["original_title"] == "나는 안다, 북송 탈북자의 절망을 . . ."
        assert translation["publication"] == self.publication
        local = timezone.localtime(post.date).replace(tzinfo=None)
        assert local == datetime.datetime(2012, 3, 5, 10, 0)
        assert sorted(post.tags.names()) == ["North Korea", "defectors"]


class RenderingTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = HomePage.objects.get()
        cls.blog = PostIndexPageFactory(parent=cls.home)
        publication = PublicationFactory(
            name="Dong-A Ilbo", website="https://donga.com"
        )
        cls.post = QuestionPostPageFactory(
            parent=cls.blog,
            title="What About Those Who are Left Behind?",
            date=datetime.datetime(2012, 3, 5, 9, 0, tzinfo=datetime.UTC),
            question="<p>How far SK is helping these defectors?</p>",
            asker_name="Narendra",
            body=[
                ("paragraph", "<p>Narendra's question is a legitimate one.</p>"),
                ("section_break", None),
                (
                    "translation",
                    {
                        "original_title": "나는 안다, 북송 탈북자의 절망을 . . .",
                        "original_language": "ko",
                        "publication": publication,
                        "original_url": "https://www.donga.com/news/article",
                        "text": "<p>I know the despair.</p>",
                    },
                ),
                ("heading", {"text": "Afterword", "level": "h2"}),
                ("quote", {"text": "Be kind.", "attribution": "A reader"}),
                (
                    "legacy_html",
                    '<p onclick="x()">Old <script>alert(1)</script>text</p>',
                ),
            ],
        )
        publish(cls.post)
        cls.plain = PostPageFactory(parent=cls.blog, title="A plain post")
        publish(cls.plain)
        cls.about = StandardPageFactory(parent=cls.home, title="About the Korean")
        publish(cls.about)

    def test_every_page_type_renders(self):
        for page in (self.home, self.blog, self.post, self.plain, self.about):
            self.assertPageIsRenderable(page)

    def test_question_renders_as_a_letter_before_the_answer(self):
        html = self.client.get(self.post.url).content.decode()
        assert "Dear Korean," in html
        assert html.index("How far SK is helping") < html.index("legitimate one")
        assert '<p class="signature">Narendra</p>' in html

    def test_translation_marks_original_title_language_and_cites_source(self):
        html = self.client.get(self.post.url).content.decode()
        assert '<cite lang="ko">' in html
        assert "나는 안다, 북송 탈북자의 절망을 . . ." in html
        assert "Dong-A Ilbo" in html
        assert 'href="https://www.donga.com/news/article"' in html

    def test_date_shown_as_the_blog_showed_it(self):
        html = self.client.get(self.post.url).content.decode()
        assert "Monday, March 05, 2012" in html

    def test_legacy_html_is_sanitised(self):
        html = self.client.get(self.post.url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "onclick" not in html
        assert "Old" in html

    def test_blog_lists_posts_newest_first(self):
        html = self.client.get(self.blog.url).content.decode()
        assert html.index("A plain post") < html.index("Left Behind")

    def test_home_lists_latest_posts(self):
        html = self.client.get("/").content.decode()
        assert "A plain post" in html


@pytest.mark.parametrize(
    "module", ["config.settings.dev", "config.settings.test", "config.settings.base"]
)
def test_settings_modules_import(module):
    importlib.import_module(module)


def test_production_settings_import(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 60)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "example.org")
    importlib.reload(importlib.import_module("config.settings.production"))


@pytest.mark.parametrize(
    ("width", "candidates"),
    [(1600, ["400w", "800w", "1200w"]), (900, ["400w", "800w"]), (320, [])],
)
def test_figure_offers_only_the_sizes_its_original_has(blog, client, width, candidates):
    image = wagtail_factories.ImageFactory(
        file__filename=f"figure-{width}.jpg", file__width=width, file__height=width // 2
    )
    post = PostPageFactory(
        parent=blog,
        title="A picture",
        body=[("image", {"image": image, "alt_text": "Seoul at night"})],
    )
    publish(post)
    html = client.get(post.url).content.decode()
    img = re.search(r"<img [^>]*>", html.split('class="block-figure"')[1]).group(0)
    assert 'alt="Seoul at night"' in img
    assert re.findall(r"\d+w", img) == candidates, img


@pytest.mark.parametrize(
    ("question", "salutations"),
    [
        ("<p>Why is kimchi red?</p>", 1),
        ("<p>Dear Korean,</p><p>Why is kimchi red?</p>", 1),
        ("<p>Dear Korean, why is kimchi red?</p>", 1),
    ],
)
def test_letter_opens_with_exactly_one_salutation(blog, client, question, salutations):
    post = publish(QuestionPostPageFactory(parent=blog, question=question))
    html = client.get(post.url).content.decode()
    assert html.count("Dear Korean,") == salutations
    assert "Why is kimchi red?" in html or "why is kimchi red?" in html
