"""Korean search: a noun finds the posts where it carries a particle.

Runs on the database of the run (SQLite here, PostgreSQL in CI's second run);
the `postgres` test says so out loud when PostgreSQL is the database.
"""

import json

import pytest
from django.db import connection

from posts.korean import stem, stem_query, word_stems
from tests.factories import PostPageFactory, QuestionPostPageFactory, publish


def body(text):
    return json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>"}])


@pytest.fixture
def korean_posts(blog):
    return {
        "defectors": publish(
            PostPageFactory(
                parent=blog,
                title="Helping those who left the North",
                body=body("정부는 탈북자의 정착을 돕는다. The state helps them."),
            )
        ),
        "soup": publish(
            QuestionPostPageFactory(
                parent=blog,
                title="Birthday soup",
                question="<p>Why do Koreans eat 미역국을 on birthdays?</p>",
            )
        ),
        "other": publish(
            PostPageFactory(parent=blog, title="Kimchi", body=body("김치는 맛있다."))
        ),
    }


def found(client, query):
    page = client.get("/search/", {"q": query}).content.decode()
    results = page.split('class="search-results"')[-1].split("</ol>")[0]
    return page, results


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("탈북자의", "탈북자"),
        ("미역국을", "미역국"),
        ("탈북자들의", "탈북자"),
        ("한국에서는", "한국"),
        ("국가", "국가"),  # 가 is part of the word, not a particle
        ("서울", "서울"),
        ("사람들", "사람"),
    ],
)
def test_stem_drops_particles_but_keeps_two_syllables(word, expected):
    assert stem(word) == expected


def test_word_stems_and_queries():
    assert word_stems("탈북자의 정착, 탈북자 지원") == ["탈북자", "정착", "지원"]
    assert stem_query("탈북자의 help") == "탈북자 help"


@pytest.mark.parametrize(
    ("query", "post", "title"),
    [
        ("탈북자", "defectors", "Helping those who left the North"),
        ("탈북자의", "defectors", "Helping those who left the North"),
        ("미역국", "soup", "Birthday soup"),
    ],
)
def test_a_noun_finds_posts_where_it_carries_a_particle(
    client, korean_posts, query, post, title
):
    page, results = found(client, query)
    assert title in results
    assert "Kimchi" not in results
    assert "1 post found." in page


def test_matched_korean_word_is_highlighted_without_its_particle(client, korean_posts):
    _, results = found(client, "탈북자")
    assert "<mark>탈북자</mark>의" in results
    _, results = found(client, "미역국")
    assert "<mark>미역국</mark>을" in results


def test_results_are_posts_and_the_page_has_one_search_box(client, korean_posts):
    page, _ = found(client, "탈북자")
    assert page.count('role="search"') == 1
    assert "post found" in page and "page found" not in page


def test_highlighted_excerpts_stay_escaped(client, blog):
    publish(
        PostPageFactory(
            parent=blog,
            title="Markup",
            excerpt="1 < 2 & 탈북자의 <script>alert(1)</script>",
        )
    )
    page, results = found(client, "탈북자")
    assert '1 &lt; 2 &amp; <span lang="ko"><mark>탈북자</mark>의</span>' in results
    assert "<script>alert" not in page


@pytest.mark.postgres
def test_korean_search_on_postgresql(client, korean_posts):
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgres://... (CI's second run sets it)")
    _, results = found(client, "탈북자")
    assert "Helping those who left the North" in results
    _, results = found(client, "미역국")
    assert "Birthday soup" in results
