"""Revisions after an import (issue #18, point 6), in a real browser as an
editor: the first save of an imported post differs from the imported
revision only where the editor changed something, as Compare shows."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EXPORT = Path(__file__).resolve().parents[1] / "fixtures" / "seed-classic.xml"
TITLE = "What About Those Who are Left Behind?"


def test_first_save_after_an_import_compares_as_only_the_editors_change(
    live_server, new_browser_page
):
    from django.contrib.auth.models import Group

    from posts import editorial
    from posts.models import QuestionPostPage
    from tests.factories import UserFactory, build_site

    build_site()
    call_command(
        "import_blogger",
        str(EXPORT),
        "--question-opening",
        "Dear Korean,",
        stdout=StringIO(),
    )
    post = QuestionPostPage.objects.get(title=TITLE)
    imported = post.latest_revision_id
    user = UserFactory(username="jae")
    user.groups.add(Group.objects.get(name=editorial.EDITORS))

    page = new_browser_page(1280, 900)
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("jae")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name=re.compile("Sign in|Log in")).click()
    page.wait_for_url(re.compile(r"/admin/$"))

    page.goto(f"{live_server.url}/admin/pages/{post.pk}/edit/")
    page.locator("#id_title").fill(TITLE + " (updated)")
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    post.refresh_from_db()
    saved = post.latest_revision_id
    assert saved != imported

    page.goto(
        f"{live_server.url}/admin/pages/{post.pk}/revisions/compare/"
        f"{imported}...{saved}/"
    )
    # Compare lists the fields that changed, one row each.
    changed = [
        label.strip().rstrip(":")
        for label in page.locator("main td.title .title-wrapper").all_inner_texts()
    ]
    assert changed == ["Title"], changed
