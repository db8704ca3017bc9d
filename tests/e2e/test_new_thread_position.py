"""A top-level comment posted with htmx appears where a reload shows it, in the reader's sort, and the page
scrolls to it; when its page is not on screen, a note links to it."""

import re

import pytest
from playwright.sync_api import expect

from forum.comments.models import Comment
from tests.e2e.discussion import comment, expect_same_document, mark_document
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db(transaction=True)

LONG = "\n\n".join(["A paragraph long enough to make the discussion taller than the window."] * 4)


@pytest.fixture
def discussion(article, other_reader):
    """Eight threads: more than a window holds, so the end of the discussion is out of sight."""
    return [
        CommentFactory(article=article, author=other_reader, body=f"Thread {n}.\n\n{LONG}") for n in range(8)
    ]


def thread_order(page) -> list[str]:
    return page.locator("#comment-list > li > article.comment").evaluate_all("(all) => all.map((a) => a.id)")


def post(page, text: str) -> Comment:
    page.get_by_label("Comment", exact=True).fill(text)
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment-body", has_text=text)).to_be_visible()
    return Comment.objects.get(body=text)


@pytest.mark.parametrize(("sort", "where"), [("oldest", -1), ("newest", 0)])
def test_a_new_thread_is_where_a_reload_shows_it(page, sign_in, reader, article, discussion, sort, where):
    sign_in(reader)
    page.goto(f"{article.get_absolute_url()}?sort={sort}")
    mark_document(page)

    new = post(page, f"Alice posts under {sort}.")

    expect(comment(page, new.pk)).to_be_focused()
    expect(comment(page, new.pk)).to_be_in_viewport()
    expect_same_document(page)
    after_post = thread_order(page)
    assert after_post[where] == f"comment-{new.pk}"
    page.reload()
    assert thread_order(page) == after_post


def test_oldest_with_threads_left_to_load_links_to_the_new_one(
    page, sign_in, reader, article, discussion, settings
):
    settings.COMMENTS_THREADS_PER_PAGE = 5
    sign_in(reader)
    page.goto(article.get_absolute_url())
    before = thread_order(page)

    page.get_by_label("Comment", exact=True).fill("Alice posts at the far end.")
    page.get_by_role("button", name="Post comment").click()

    status = page.locator("#comment-form-status")
    expect(status).to_contain_text("it is on page 2 of the discussion")
    new = Comment.objects.get(body="Alice posts at the far end.")
    assert thread_order(page) == before
    expect(page.locator(".comment-count").first).to_have_text("9 comments")
    status.get_by_role("link", name="Go to your comment").click()
    expect(page).to_have_url(re.compile(rf"\?page=2#comment-{new.pk}$"))
    assert thread_order(page)[-1] == f"comment-{new.pk}"


def test_oldest_after_loading_every_page_appends_the_new_one(
    page, sign_in, reader, article, discussion, settings
):
    settings.COMMENTS_THREADS_PER_PAGE = 5
    sign_in(reader)
    page.goto(article.get_absolute_url())
    page.get_by_role("link", name="Load more").click()
    expect(page.locator("#comment-list > li > article.comment")).to_have_count(8)

    new = post(page, "Alice posts once everything is loaded.")

    expect(comment(page, new.pk)).to_be_in_viewport()
    assert thread_order(page)[-1] == f"comment-{new.pk}"
    expect(page.locator("#comment-form-status")).to_be_empty()
