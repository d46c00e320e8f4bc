"""The publishing schedule in a real browser, as an editor: the go-live date
picker opens without covering the "Save schedule" button, at a desktop and a
short window."""

import re

import pytest

from tests.browser.conftest import SCREENSHOTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TOPMOST = """(name) => {
    const button = [...document.querySelectorAll('button')].find(
        (b) => b.offsetParent && b.textContent.trim() === name);
    const box = button.getBoundingClientRect();
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
    const hit = document.elementFromPoint(x, y);
    return button === hit || button.contains(hit);
}"""


@pytest.mark.parametrize("height", [900, 600])
def test_date_picker_leaves_the_save_button_clear(
    live_server, demo_site, new_browser_page, height
):
    from django.contrib.auth.models import Group

    from posts import editorial
    from posts.models import PostPage
    from tests.factories import UserFactory

    user = UserFactory(username="jae")
    user.groups.add(Group.objects.get(name=editorial.EDITORS))
    draft = PostPage.objects.filter(live=False).first()
    page = new_browser_page(1280, height)
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("jae")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name=re.compile("Sign in|Log in")).click()
    page.wait_for_url(re.compile(r"/admin/$"))

    page.goto(f"{live_server.url}/admin/pages/{draft.pk}/edit/")
    page.get_by_role("button", name="Status").first.click()
    page.get_by_role("button", name="Set schedule").first.click()
    page.locator("#id_go_live_at").click()
    picker = page.locator(".xdsoft_datetimepicker:visible")
    picker.first.wait_for()
    page.wait_for_timeout(200)
    assert page.evaluate(TOPMOST, "Save schedule")
    page.screenshot(path=str(SCREENSHOTS / f"admin-schedule-picker-{height}.png"))

    page.locator("#id_expire_at").click()
    page.wait_for_timeout(200)
    assert page.evaluate(TOPMOST, "Save schedule")
