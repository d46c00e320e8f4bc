"""From question to published answer: statuses, the one e-mail, privacy."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from posts.models import QuestionPostPage
from readers.models import ReaderQuestion
from tests.factories import (
    AskPageFactory,
    PostPageFactory,
    ReaderQuestionFactory,
    UserFactory,
    publish,
)

Status = ReaderQuestion.Status
SECRET_EMAIL = "secret-asker@example.org"


@pytest.fixture
def editor(client, db):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def answer_in_post(client, *questions):
    response = client.post(
        reverse("readers_readerquestion_modeladmin_answer"),
        {"selected": [q.pk for q in questions]},
    )
    assert response.status_code == 302
    return QuestionPostPage.objects.get(
        pk=re.search(r"/pages/(\d+)/edit/", response["Location"]).group(1)
    )


def publish_through_admin(client, page, answer="<p>Here is the answer.</p>"):
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "date": "",
            "asker_name": page.asker_name,
            "asked_on": page.asked_on.isoformat() if page.asked_on else "",
            "question": rich_text(page.question),
            "excerpt": "",
            "body": streamfield([("paragraph", rich_text(answer))]),
            "tags": "",
            "comment_policy": "auto",
            "comments_close_at": "",
            "comments": inline_formset([]),
        }
    )
    data["action-publish"] = "action-publish"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    page.refresh_from_db()
    assert page.live
    return page


def test_publishing_the_answer_marks_answered_and_tells_the_asker_once(
    client, editor, blog, django_capture_on_commit_callbacks
):
    asker = ReaderQuestionFactory(
        display_name="Minerva", email=SECRET_EMAIL, notify=True
    )
    silent = ReaderQuestionFactory(
        display_name="Joon", email="joon@example.org", notify=False
    )
    draft = answer_in_post(client, asker, silent)

    with django_capture_on_commit_callbacks(execute=True):
        post = publish_through_admin(client, draft)

    for question in (asker, silent):
        question.refresh_from_db()
        assert question.status == Status.ANSWERED
        assert question.status_changed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [SECRET_EMAIL]
    assert post.get_full_url() in message.body
    assert "Minerva" in message.body
    assert asker.notified_at is not None
    assert silent.notified_at is None

    # Republishing (an edit after publication) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        publish_through_admin(client, post, answer="<p>An update.</p>")
    assert len(mail.outbox) == 1


def test_no_email_without_notify_even_with_an_address(
    client, editor, blog, django_capture_on_commit_callbacks
):
    question = ReaderQuestionFactory(email=SECRET_EMAIL, notify=False)
    draft = answer_in_post(client, question)
    with django_capture_on_commit_callbacks(execute=True):
        publish_through_admin(client, draft)
    question.refresh_from_db()
    assert question.status == Status.ANSWERED
    assert mail.outbox == []


def test_saving_a_draft_answers_nothing(client, editor, blog):
    question = ReaderQuestionFactory(notify=True)
    draft = answer_in_post(client, question)
    draft.save_revision(user=editor)
    question.refresh_from_db()
    assert question.status == Status.SHORTLISTED
    assert mail.outbox == []


def test_declined_question_linked_to_a_post_stays_declined(
    client, editor, blog, django_capture_on_commit_callbacks
):
    question = ReaderQuestionFactory(notify=True)
    draft = answer_in_post(client, question)
    ReaderQuestion.objects.filter(pk=question.pk).update(status=Status.DECLINED)
    with django_capture_on_commit_callbacks(execute=True):
        publish(draft)
    question.refresh_from_db()
    assert question.status == Status.DECLINED
    assert mail.outbox == []


def test_notification_task_sends_once_however_often_it_runs(blog):
    from readers.tasks_questions import notify_asker

    question = ReaderQuestionFactory(email=SECRET_EMAIL, notify=True)
    draft = QuestionPostPage(title="Answer", slug="answer", question="<p>Q</p>")
    blog.add_child(instance=draft)
    ReaderQuestion.objects.filter(pk=question.pk).update(answer_page=draft)
    publish(draft)  # outside a captured on_commit: nothing sent yet
    for _ in range(3):
        notify_asker.enqueue(question.pk)
    assert len(mail.outbox) == 1


def test_failed_send_can_be_retried(blog, monkeypatch):
    from readers import tasks_questions

    question = ReaderQuestionFactory(email=SECRET_EMAIL, notify=True)
    draft = QuestionPostPage(title="Answer", slug="answer", question="<p>Q</p>")
    blog.add_child(instance=draft)
    ReaderQuestion.objects.filter(pk=question.pk).update(answer_page=draft)
    publish(draft)

    def broken(**kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(tasks_questions, "send_mail", broken)
    result = tasks_questions.notify_asker.enqueue(question.pk)
    assert result.status == "FAILED"
    question.refresh_from_db()
    assert question.notified_at is None

    monkeypatch.undo()
    tasks_questions.notify_asker.enqueue(question.pk)
    assert len(mail.outbox) == 1


# --- Privacy ---------------------------------------------------------------


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def test_purge_command_removes_personal_data_of_old_declined_and_spam(db):
    old_declined = ReaderQuestionFactory(
        status=Status.DECLINED, status_changed_at=days_ago(200), ip_hash="a" * 64
    )
    old_spam = ReaderQuestionFactory(
        status=Status.SPAM, status_changed_at=days_ago(181), ip_hash="b" * 64
    )
    old_spam_no_date = ReaderQuestionFactory(
        status=Status.SPAM, received_at=days_ago(400), ip_hash="c" * 64
    )
    recent_declined = ReaderQuestionFactory(
        status=Status.DECLINED, status_changed_at=days_ago(10), ip_hash="d" * 64
    )
    old_answered = ReaderQuestionFactory(
        status=Status.ANSWERED, status_changed_at=days_ago(400), ip_hash="e" * 64
    )
    old_new = ReaderQuestionFactory(received_at=days_ago(400), ip_hash="f" * 64)

    call_command("purge_question_data", stdout=io.StringIO())

    for question in (old_declined, old_spam, old_spam_no_date):
        question.refresh_from_db()
        assert question.email == "" and question.ip_hash == ""
        assert question.question  # the text stays for the record
    for question in (recent_declined, old_answered, old_new):
        question.refresh_from_db()
        assert question.email and question.ip_hash


def test_purge_command_days_option_and_dry_run(db, capsys):
    question = ReaderQuestionFactory(
        status=Status.DECLINED, status_changed_at=days_ago(10), ip_hash="a" * 64
    )
    call_command("purge_question_data", "--days", "5", "--dry-run")
    assert "1 declined or spam question(s)" in capsys.readouterr().out
    question.refresh_from_db()
    assert question.email

    call_command("purge_question_data", "--days", "30")
    question.refresh_from_db()
    assert question.email

    call_command("purge_question_data", "--days", "5")
    question.refresh_from_db()
    assert question.email == "" and question.ip_hash == ""


def test_emails_never_appear_on_public_pages(client, editor, home, blog, settings):
    settings.FORM_TOKENS = {"questions": {"min_seconds": 0}}
    cache.clear()
    ask_page = publish(AskPageFactory(parent=home))
    question = ReaderQuestionFactory(
        display_name="Minerva", email=SECRET_EMAIL, notify=True
    )
    draft = answer_in_post(client, question)
    post = publish_through_admin(client, draft)

    reader = Client()
    urls = [
        "/",
        blog.url,
        post.url,
        ask_page.url,
        f"{ask_page.url}thanks/",
        "/sitemap.xml",
    ]
    for url in urls:
        response = reader.get(url, follow=True)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert SECRET_EMAIL not in html, url
        assert "secret-asker" not in html, url
    assert "Minerva" in reader.get(post.url).content.decode()


def test_ask_link_leads_from_posts_home_and_navigation(client, home, blog):
    ask_page = publish(AskPageFactory(parent=home, show_in_menus=False))
    post = publish(PostPageFactory(parent=blog))
    for url in ("/", post.url):
        html = client.get(url).content.decode()
        assert f'href="{ask_page.url}"' in html, url
        assert "Got a question or a comment for the Korean?" in html, url
    nav = client.get(blog.url).content.decode()
    assert (
        f'<li><a href="{ask_page.url}" class="ask-link">Ask the Korean</a></li>' in nav
    )


def test_no_ask_link_without_a_live_ask_page(client, blog):
    html = client.get("/").content.decode()
    assert "ask-link" not in html


def test_linking_a_question_to_a_published_post_answers_it(
    client, editor, blog, django_capture_on_commit_callbacks
):
    post = publish(PostPageFactory(parent=blog, title="Already out"))
    question = ReaderQuestionFactory(email=SECRET_EMAIL, notify=True)
    url = reverse("readers_readerquestion_modeladmin_edit", args=[question.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "display_name": question.display_name,
                "email": question.email,
                "notify": "on",
                "question": question.question,
                "status": "shortlisted",
                "editor_notes": "",
                "answer_page": post.pk,
            },
        )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer_page_id == post.pk
    assert question.status == Status.ANSWERED
    assert [m.to for m in mail.outbox] == [[SECRET_EMAIL]]


def test_ask_page_is_looked_up_once_per_request(client, home, blog):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    publish(AskPageFactory(parent=home, show_in_menus=False))
    post = publish(PostPageFactory(parent=blog))
    # What is read once per site version (the home page's children, the ask page
    # among them; the first request also makes the settings rows).
    client.get(post.url)
    client.get(post.url)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(post.url).content.decode()
    assert html.count('class="ask-link"') == 2  # navigation and post footer
    lookups = [q["sql"] for q in queries if "readers_askpage" in q["sql"]]
    assert len(lookups) == 1


def test_admin_listing_query_count_does_not_grow_with_questions(
    client, editor, blog, django_assert_max_num_queries
):
    from readers.questions import answer_in_post as start_draft

    for number in range(30):
        question = ReaderQuestionFactory(display_name=f"Reader {number}")
        if number % 3 == 0:
            start_draft([question], blog, editor)
    url = reverse("readers_readerquestion_modeladmin_index")
    with django_assert_max_num_queries(40):
        assert client.get(url).status_code == 200
