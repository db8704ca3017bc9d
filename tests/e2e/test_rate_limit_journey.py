"""A refused write in the browser: a day-one reader posts twice in quick succession (forum/limits.py)."""

import re

import pytest
from playwright.sync_api import expect

from forum.comments.models import Comment
from tests.e2e.conftest import log_in
from tests.e2e.discussion import expect_same_document, mark_document
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.rate_limits]

TOO_FAST = re.compile(r"^You are posting too fast: try again in \d+ seconds\.$")


def post(page, text: str) -> None:
    page.get_by_label("Comment", exact=True).fill(text)
    page.get_by_role("button", name="Post comment").click()


def test_with_htmx_the_refusal_shows_in_place_and_nothing_is_stored(page, reader, article):
    log_in(page, reader, PASSWORD)
    page.goto(article.get_absolute_url())
    post(page, "The truce will hold.")
    expect(page.locator(".comment-body", has_text="The truce will hold.")).to_be_visible()
    mark_document(page)

    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        post(page, "And another thing.")

    assert refused.value.status == 429
    assert int(refused.value.headers["retry-after"]) > 0
    expect(page.locator("#rate-limit-message [role=alert]")).to_have_text(TOO_FAST)
    expect(page.get_by_label("Comment", exact=True)).to_have_value("And another thing.")  # not lost
    expect(page.locator("article.comment")).to_have_count(1)
    expect_same_document(page)
    assert list(Comment.objects.values_list("body", flat=True)) == ["The truce will hold."]


def test_without_javascript_the_refusal_is_a_page_of_its_own(page_without_js, reader, article):
    page = page_without_js
    log_in(page, reader, PASSWORD)
    page.goto(article.get_absolute_url())
    post(page, "The truce will hold.")
    expect(page.locator(".comment-body", has_text="The truce will hold.")).to_be_visible()

    with page.expect_navigation() as refused:
        post(page, "And another thing.")

    assert refused.value.status == 429
    expect(page.get_by_role("heading", name="Slow down a little")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text(TOO_FAST)
    expect(page.get_by_text("Nothing was saved.")).to_be_visible()
    assert list(Comment.objects.values_list("body", flat=True)) == ["The truce will hold."]
