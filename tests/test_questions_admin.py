"""Editors find, sort out and answer reader questions in the Wagtail admin."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from posts.models import QuestionPostPage
from readers.models import ReaderQuestion
from tests.factories import ReaderQuestionFactory, UserFactory

Status = ReaderQuestion.Status
INDEX = "readers_readerquestion_modeladmin_index"
BULK = "readers_readerquestion_modeladmin_bulk"
ANSWER = "readers_readerquestion_modeladmin_answer"


@pytest.fixture
def editor(client, db):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def at(year, month, day):
    return timezone.make_aware(datetime.datetime(year, month, day, 12, 0))


@pytest.fixture
def questions(db):
    return {
        "kimchi": ReaderQuestionFactory(
            display_name="Minerva",
            question="How many kinds of kimchi are there, really?",
            received_at=at(2026, 10, 3),
        ),
        "age": ReaderQuestionFactory(
            display_name="Narendra",
            question="Do Koreans count their age differently?",
            received_at=at(2026, 11, 2),
            status=Status.SHORTLISTED,
        ),
        "pills": ReaderQuestionFactory(
            display_name="Buy now",
            question="Cheap pills and watches at our shop",
            received_at=at(2026, 11, 5),
            status=Status.SPAM,
        ),
    }


def listing(client, **params):
    response = client.get(reverse(INDEX), params)
    assert response.status_code == 200
    return response.content.decode()


def test_list_shows_status_date_name_and_excerpt(client, editor, questions):
    html = listing(client)
    for name in ("Minerva", "Narendra", "Buy now"):
        assert name in html
    assert "How many kinds of kimchi are there, really?" in html
    assert "Shortlisted" in html
    assert "Oct 3, 2026, 12:00" in html


def test_filter_by_status(client, editor, questions):
    html = listing(client, status__exact="spam")
    assert "Buy now" in html
    assert "Minerva" not in html and "Narendra" not in html


def test_filter_by_month_received(client, editor, questions):
    html = listing(client)
    assert "October 2026" in html and "November 2026" in html
    html = listing(client, month="2026-10")
    assert "Minerva" in html
    assert "Narendra" not in html and "Buy now" not in html


def test_search_finds_words_of_the_question(client, editor, questions):
    html = listing(client, q="kimchi")
    assert "Minerva" in html
    assert "Narendra" not in html


@pytest.mark.parametrize(
    "action,status",
    [
        ("shortlist", Status.SHORTLISTED),
        ("decline", Status.DECLINED),
        ("spam", Status.SPAM),
    ],
)
def test_bulk_action_changes_the_selected_questions_only(
    client, editor, questions, action, status
):
    chosen = [questions["kimchi"], questions["age"]]
    response = client.post(
        reverse(BULK),
        {"action": action, "selected": [q.pk for q in chosen], "next": "/admin/x?q=1"},
    )
    assert response.status_code == 302
    for question in chosen:
        question.refresh_from_db()
        assert question.status == status
    untouched = ReaderQuestion.objects.get(pk=questions["pills"].pk)
    assert untouched.status == Status.SPAM
    assert untouched.status_changed_at is None


def test_bulk_action_sets_when_the_status_changed(client, editor, questions):
    client.post(
        reverse(BULK), {"action": "decline", "selected": [questions["kimchi"].pk]}
    )
    question = ReaderQuestion.objects.get(pk=questions["kimchi"].pk)
    assert question.status_changed_at is not None


def test_bulk_action_needs_change_permission(client, questions):
    viewer = UserFactory()
    group = Group.objects.create(name="Question readers")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_readerquestion"),
    )
    viewer.groups.add(group)
    client.force_login(viewer)
    response = client.post(
        reverse(BULK), {"action": "spam", "selected": [questions["kimchi"].pk]}
    )
    # Wagtail answers a refused admin action by sending the user to the dashboard.
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert ReaderQuestion.objects.get(pk=questions["kimchi"].pk).status == Status.NEW


def test_bulk_action_refuses_get(client, editor, questions):
    assert client.get(reverse(BULK)).status_code == 405


def test_editors_cannot_invent_questions(client, editor):
    response = client.get(reverse("readers_readerquestion_modeladmin_create"))
    assert response.status_code in (302, 403)
    assert not ReaderQuestion.objects.exists()


def test_menu_label_and_dashboard_count_new_questions(client, editor, questions):
    ReaderQuestionFactory(display_name="Joon")
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Questions (2 new)" in html
    assert "2 new questions" in html


def test_edit_view_records_a_status_change(client, editor, questions):
    question = questions["kimchi"]
    url = reverse("readers_readerquestion_modeladmin_edit", args=[question.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "display_name": question.display_name,
            "email": question.email,
            "question": question.question,
            "status": "declined",
            "editor_notes": "Asked and answered in 2012.",
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == Status.DECLINED
    assert question.editor_notes == "Asked and answered in 2012."
    assert question.status_changed_at is not None


# --- "Answer in a post" ------------------------------------------------------


def test_answer_in_a_post_starts_a_linked_draft_and_opens_the_editor(
    client, editor, blog, questions
):
    question = questions["kimchi"]
    response = client.post(reverse(ANSWER), {"question": question.pk})

    draft = QuestionPostPage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[draft.pk])
    assert draft.get_parent().pk == blog.pk
    assert not draft.live
    assert draft.owner == editor
    assert "How many kinds of kimchi are there, really?" in draft.question
    assert draft.asker_name == "Minerva"
    assert draft.asked_on == datetime.date(2026, 10, 3)
    assert draft.get_latest_revision() is not None

    question.refresh_from_db()
    assert question.answer_page_id == draft.pk
    assert question.status == Status.SHORTLISTED

    assert client.get(response["Location"]).status_code == 200


def test_several_questions_answered_in_one_post(client, editor, blog, questions):
    chosen = [questions["kimchi"], questions["age"]]
    response = client.post(reverse(ANSWER), {"selected": [q.pk for q in chosen]})
    assert response.status_code == 302
    draft = QuestionPostPage.objects.get()
    assert draft.asker_name == "Minerva and Narendra"
    assert "Minerva asks:" in draft.question and "Narendra asks:" in draft.question
    assert set(draft.reader_questions.values_list("pk", flat=True)) == {
        q.pk for q in chosen
    }


def test_answering_again_reopens_the_same_draft(client, editor, blog, questions):
    question = questions["kimchi"]
    client.post(reverse(ANSWER), {"question": question.pk})
    response = client.post(reverse(ANSWER), {"question": question.pk})
    draft = QuestionPostPage.objects.get()
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[draft.pk])


def test_question_text_is_escaped_in_the_draft(client, editor, blog):
    question = ReaderQuestionFactory(question="Is <script>alert(1)</script> Korean?")
    client.post(reverse(ANSWER), {"question": question.pk})
    draft = QuestionPostPage.objects.get()
    assert "<script>" not in draft.question
    assert "&lt;script&gt;" in draft.question


def test_listing_offers_the_answer_button(client, editor, questions):
    html = listing(client)
    assert 'id="question-actions"' in html
    assert 'name="selected" value="{}"'.format(questions["age"].pk) in html
    assert "Answer in a post" in html
    assert f'value="{questions["kimchi"].pk}"' in html
