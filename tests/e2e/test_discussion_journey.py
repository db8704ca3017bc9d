"""A reader's discussion, in the browser: with htmx, and the same journey with JavaScript off."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from forum.comments.models import Comment
from tests.e2e.conftest import log_in
from tests.e2e.discussion import (
    accept_next_dialog,
    actions,
    assert_dom_matches_tree,
    body,
    comment,
    expect_same_document,
    mark_document,
    replies_toggle,
)
from tests.factories import PASSWORD, CommentFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def opening(article, other_reader):
    """Bob's top-level comment, there before the reader arrives."""
    return CommentFactory(article=article, author=other_reader, body="Bob opens the discussion.")


def stored(page, body: str, shown: str | None = None) -> Comment:
    """The comment just posted, once the page shows it (`shown`: its text as rendered)."""
    expect(page.locator(".comment-body", has_text=shown or body)).to_be_visible()
    return Comment.objects.get(body=body)


def test_reader_posts_replies_collapses_edits_and_deletes_without_page_loads(page, reader, article, opening):
    log_in(page, reader, PASSWORD)
    page.goto(article.get_absolute_url())
    mark_document(page)

    # A top-level comment.
    page.get_by_label("Comment", exact=True).fill("Alice's *first* thoughts.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("article.comment")).to_have_count(2)
    first = stored(page, "Alice's *first* thoughts.", "Alice's first thoughts.")
    expect(body(page, first.pk)).to_have_text("Alice's first thoughts.")
    expect(comment(page, first.pk).locator("> .comment-meta .comment-author")).to_have_text(
        reader.public_name
    )
    expect(page.get_by_label("Comment", exact=True)).to_have_value("")

    # An inline reply to Bob's comment: the form opens under it, the reply lands in its place.
    actions(page, opening.pk).get_by_role("link", name="Reply").click()
    reply_box = page.locator(f"#reply-slot-{opening.pk}").get_by_label("Reply", exact=True)
    expect(reply_box).to_be_focused()
    reply_box.fill("Alice answers Bob.")
    page.locator(f"#reply-slot-{opening.pk}").get_by_role("button", name="Post reply").click()
    reply = stored(page, "Alice answers Bob.")
    expect(comment(page, reply.pk)).to_be_focused()
    expect(
        page.locator(f"#comment-{opening.pk} > details > ol.replies > li > #comment-{reply.pk}")
    ).to_have_count(1)
    expect(page.locator(f"#reply-slot-{opening.pk} form")).to_have_count(0)

    # A reply to the reply, one level deeper.
    actions(page, reply.pk).get_by_role("link", name="Reply").click()
    page.locator(f"#reply-slot-{reply.pk}").get_by_label("Reply", exact=True).fill("And adds a footnote.")
    page.locator(f"#reply-slot-{reply.pk}").get_by_role("button", name="Post reply").click()
    footnote = stored(page, "And adds a footnote.")
    expect(comment(page, footnote.pk)).to_have_attribute("data-depth", "2")
    shown = assert_dom_matches_tree(page)
    assert sorted(shown) == sorted([opening.pk, first.pk, reply.pk, footnote.pk])

    # Collapse Bob's thread and expand it again.
    toggle = replies_toggle(page, opening.pk)
    expect(toggle.locator("> summary")).to_have_text("2 replies")
    toggle.locator("> summary").click()
    expect(toggle).to_have_js_property("open", False)
    expect(comment(page, reply.pk)).to_be_hidden()
    toggle.locator("> summary").click()
    expect(toggle).to_have_js_property("open", True)
    expect(comment(page, footnote.pk)).to_be_visible()

    # Edit within the window.
    expect(comment(page, reply.pk).locator("> .comment-meta .comment-edited")).to_have_count(0)
    actions(page, reply.pk).get_by_role("link", name="Edit").click()
    edit_box = comment(page, reply.pk).get_by_label("Edit your comment")
    expect(edit_box).to_have_value("Alice answers Bob.")
    edit_box.fill("Alice answers Bob, **politely**.")
    comment(page, reply.pk).get_by_role("button", name="Save changes").click()
    expect(body(page, reply.pk)).to_have_text("Alice answers Bob, politely.")
    expect(comment(page, reply.pk).locator("> .comment-meta .comment-edited")).to_have_text("edited")

    # Delete a comment without replies: it disappears.
    asked = accept_next_dialog(page)
    actions(page, first.pk).get_by_role("button", name="Delete").click()
    expect(comment(page, first.pk)).to_have_count(0)
    assert asked == ["Delete this comment?"]
    assert not Comment.objects.filter(pk=first.pk).exists()

    # Delete a comment with a reply: it becomes a placeholder and the reply stays beneath it.
    accept_next_dialog(page)
    actions(page, reply.pk).get_by_role("button", name="Delete").click()
    expect(body(page, reply.pk)).to_have_text("This comment was deleted.")
    expect(comment(page, reply.pk)).to_have_attribute("data-status", "deleted")
    expect(actions(page, reply.pk)).to_have_count(0)
    expect(body(page, footnote.pk)).to_have_text("And adds a footnote.")
    assert_dom_matches_tree(page)
    expect_same_document(page)


def test_reader_without_javascript_posts_replies_collapses_edits_and_deletes(
    page_without_js, reader, article, opening
):
    page = page_without_js
    log_in(page, reader, PASSWORD)
    page.goto(article.get_absolute_url())

    page.get_by_label("Comment", exact=True).fill("Alice's first thoughts.")
    page.get_by_role("button", name="Post comment").click()
    first = stored(page, "Alice's first thoughts.")
    expect(page).to_have_url(re.compile(rf"{article.get_absolute_url()}#comment-{first.pk}$"))
    expect(body(page, first.pk)).to_have_text("Alice's first thoughts.")

    # "Reply" leads to the comment's page with the reply form; posting returns to the article.
    actions(page, opening.pk).get_by_role("link", name="Reply").click()
    expect(page).to_have_url(re.compile(rf"/comments/{opening.pk}/\?reply#reply-form$"))
    page.get_by_label("Reply", exact=True).fill("Alice answers Bob.")
    page.get_by_role("button", name="Post reply").click()
    reply = stored(page, "Alice answers Bob.")
    expect(page).to_have_url(re.compile(rf"{article.get_absolute_url()}#comment-{reply.pk}$"))
    expect(
        page.locator(f"#comment-{opening.pk} > details > ol.replies > li > #comment-{reply.pk}")
    ).to_have_count(1)

    actions(page, reply.pk).get_by_role("link", name="Reply").click()
    page.get_by_label("Reply", exact=True).fill("And adds a footnote.")
    page.get_by_role("button", name="Post reply").click()
    footnote = stored(page, "And adds a footnote.")
    expect(page).to_have_url(re.compile(rf"#comment-{footnote.pk}$"))
    expect(comment(page, footnote.pk)).to_have_attribute("data-depth", "2")
    assert_dom_matches_tree(page)

    # details/summary collapse without a script.
    toggle = replies_toggle(page, opening.pk)
    expect(toggle.locator("> summary")).to_have_text("2 replies")
    toggle.locator("> summary").click()
    expect(comment(page, reply.pk)).to_be_hidden()
    toggle.locator("> summary").click()
    expect(comment(page, reply.pk)).to_be_visible()

    actions(page, reply.pk).get_by_role("link", name="Edit").click()
    expect(page).to_have_url(re.compile(rf"/comments/{reply.pk}/edit/$"))
    page.get_by_label("Edit your comment").fill("Alice answers Bob, politely.")
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(re.compile(rf"{article.get_absolute_url()}#comment-{reply.pk}$"))
    expect(body(page, reply.pk)).to_have_text("Alice answers Bob, politely.")
    expect(comment(page, reply.pk).locator("> .comment-meta .comment-edited")).to_have_text("edited")

    # "Delete" asks on a page of its own; "Cancel" goes back and keeps the comment.
    actions(page, first.pk).get_by_role("button", name="Delete").click()
    expect(page).to_have_url(re.compile(rf"/comments/{first.pk}/delete/\??$"))
    expect(page.get_by_role("heading", name="Delete your comment?")).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(re.compile(rf"{article.get_absolute_url()}#comment-{first.pk}$"))
    expect(body(page, first.pk)).to_have_text("Alice's first thoughts.")

    actions(page, first.pk).get_by_role("button", name="Delete").click()
    page.get_by_role("button", name="Delete comment").click()
    expect(page).to_have_url(re.compile(rf"{article.get_absolute_url()}#discussion$"))
    expect(comment(page, first.pk)).to_have_count(0)

    actions(page, reply.pk).get_by_role("button", name="Delete").click()
    page.get_by_role("button", name="Delete comment").click()
    expect(page).to_have_url(re.compile(rf"{article.get_absolute_url()}#comment-{reply.pk}$"))
    expect(body(page, reply.pk)).to_have_text("This comment was deleted.")
    expect(body(page, footnote.pk)).to_have_text("And adds a footnote.")
    assert_dom_matches_tree(page)


@pytest.fixture
def crowded(article, other_reader):
    """51 top-level threads, one more than a page holds; the last one has a reply."""
    threads = [
        CommentFactory(article=article, author=other_reader, body=f"Thread {n}.") for n in range(1, 52)
    ]
    CommentFactory(
        article=article, parent=threads[-1], author=other_reader, body="A reply on the second page."
    )
    return threads


def test_load_more_appends_the_next_page_of_threads_in_place(page, article, crowded):
    page.goto(article.get_absolute_url())
    mark_document(page)
    expect(page.locator("#comment-list > li > article.comment")).to_have_count(50)
    expect(comment(page, crowded[-1].pk)).to_have_count(0)

    page.get_by_role("link", name="Load more").click()

    expect(page.locator("#comment-list > li > article.comment")).to_have_count(51)
    expect(body(page, crowded[-1].pk)).to_have_text("Thread 51.")
    expect(page.locator("#comment-list > li:last-child > article.comment")).to_have_id(
        f"comment-{crowded[-1].pk}"
    )
    expect(page.get_by_role("link", name="Load more")).to_have_count(0)
    assert_dom_matches_tree(page)
    expect_same_document(page)


def test_load_more_without_javascript_opens_the_next_page(page_without_js, article, crowded):
    page = page_without_js
    page.goto(article.get_absolute_url())

    page.get_by_role("link", name="Load more").click()

    expect(page).to_have_url(re.compile(rf"{article.get_absolute_url()}\?page=2#discussion$"))
    expect(page.locator("#comment-list > li > article.comment")).to_have_count(1)
    expect(body(page, crowded[-1].pk)).to_have_text("Thread 51.")
    expect(page.get_by_role("link", name="Load more")).to_have_count(0)
    expect(page.get_by_role("link", name="Earlier threads")).to_have_attribute("href", "?page=1#discussion")
    assert_dom_matches_tree(page)


@pytest.fixture
def deep_thread(settings, article, other_reader):
    """A chain of replies six levels deep, under a display depth of three."""
    settings.COMMENTS_DISPLAY_DEPTH = 3
    chain = [CommentFactory(article=article, author=other_reader, body="Level 0.")]
    for level in range(1, 6):
        chain.append(
            CommentFactory(article=article, parent=chain[-1], author=other_reader, body=f"Level {level}.")
        )
    return chain


def test_continue_this_thread_expands_the_deeper_replies_in_place(page, article, deep_thread):
    page.goto(article.get_absolute_url())
    mark_document(page)
    expect(page.locator("article.comment")).to_have_count(3)
    more = comment(page, deep_thread[2].pk).get_by_role("link", name="Continue this thread (3 replies) →")

    more.click()

    expect(page.locator("article.comment")).to_have_count(6)
    continuation = comment(page, deep_thread[2].pk).locator("> .continuation")
    expect(continuation).to_be_focused()
    expect(continuation.locator("> ol.replies > li > article.comment")).to_have_id(
        f"comment-{deep_thread[3].pk}"
    )
    expect(
        continuation.get_by_role("navigation", name="Earlier in this thread").get_by_role("link")
    ).to_have_count(3)
    expect(comment(page, deep_thread[5].pk)).to_have_attribute("data-depth", "5")
    assert_dom_matches_tree(page)
    expect_same_document(page)


def test_continue_this_thread_without_javascript_links_to_the_permalink_and_back(
    page_without_js, article, deep_thread
):
    page = page_without_js
    page.goto(article.get_absolute_url())
    at_depth = deep_thread[2]

    page.get_by_role("link", name="Continue this thread (3 replies) →").click()

    expect(page).to_have_url(re.compile(rf"/comments/{at_depth.pk}/$"))
    expect(page.locator("article.comment")).to_have_count(3)
    expect(body(page, deep_thread[4].pk)).to_have_text("Level 4.")
    expect(page.get_by_role("link", name="Continue this thread (1 reply) →")).to_have_attribute(
        "href", f"{article.get_absolute_url()}comments/{deep_thread[4].pk}/"
    )
    assert_dom_matches_tree(page, base_level=at_depth.level)

    page.get_by_role("link", name="Back to the discussion").click()

    expect(page).to_have_url(re.compile(rf"{article.get_absolute_url()}#comment-{at_depth.pk}$"))
    expect(comment(page, at_depth.pk)).to_be_in_viewport()


def test_a_refused_inline_reply_keeps_its_reply_label(page, sign_in, reader, article, opening):
    sign_in(reader)
    page.goto(article.get_absolute_url())
    actions(page, opening.pk).get_by_role("link", name="Reply").click()
    slot = page.locator(f"#reply-slot-{opening.pk}")
    slot.get_by_label("Reply", exact=True).fill("   ")

    slot.get_by_role("button", name="Post reply").click()

    expect(slot.get_by_role("alert")).to_have_text("Write something before posting.")
    expect(slot.get_by_role("button", name="Post reply")).to_be_visible()
    assert slot.locator("label[for^='reply-body-']").inner_text() == "Reply"


def test_a_refused_reply_without_javascript_keeps_its_reply_label(page_without_js, reader, article, opening):
    page = page_without_js
    log_in(page, reader, PASSWORD)
    page.goto(f"{opening.get_absolute_url()}?reply")
    page.get_by_label("Reply", exact=True).fill("   ")

    page.get_by_role("button", name="Post reply").click()

    expect(page.get_by_role("alert")).to_have_text("Write something before posting.")
    expect(page.get_by_role("button", name="Post reply")).to_be_visible()
    assert page.locator("label[for^='reply-body-']").inner_text() == "Reply"


def test_an_inline_reply_keeps_the_order_the_reader_chose(page, sign_in, reader, article, opening):
    older = CommentFactory(article=article, parent=opening, body="An older reply.")
    newer = CommentFactory(article=article, parent=opening, body="A newer reply.")
    Comment.objects.filter(pk=older.pk).update(created_at=newer.created_at - timedelta(minutes=5))
    sign_in(reader)
    page.goto(f"{article.get_absolute_url()}?sort=newest")
    replies = page.locator(f"#comment-{opening.pk} > details > ol.replies > li > article > .comment-body")
    expect(replies).to_have_text(["A newer reply.", "An older reply."])

    actions(page, opening.pk).get_by_role("link", name="Reply").click()
    page.locator(f"#reply-slot-{opening.pk}").get_by_label("Reply", exact=True).fill("The newest reply.")
    page.locator(f"#reply-slot-{opening.pk}").get_by_role("button", name="Post reply").click()

    expect(replies).to_have_text(["The newest reply.", "A newer reply.", "An older reply."])


def test_a_reply_below_the_display_depth_is_shown_after_posting_without_javascript(
    page_without_js, reader, article, deep_thread
):
    page = page_without_js
    log_in(page, reader, PASSWORD)
    page.goto(f"{deep_thread[4].get_absolute_url()}?reply")
    page.get_by_label("Reply", exact=True).fill("Alice answers from deep down.")

    page.get_by_role("button", name="Post reply").click()

    page.wait_for_url(lambda url: "?reply" not in url)
    reply = Comment.objects.get(body="Alice answers from deep down.")
    assert reply.level == 5
    assert page.locator(f"#comment-{reply.pk}").count() == 1, f"{page.url} does not show the new reply"


def test_the_first_comment_replaces_no_comments_yet_without_a_page_load(page, sign_in, reader, article):
    sign_in(reader)
    page.goto(article.get_absolute_url())
    mark_document(page)
    expect(page.locator(".no-comments")).to_have_text("No comments yet.")

    page.get_by_label("Comment", exact=True).fill("The very first comment.")
    page.get_by_role("button", name="Post comment").click()

    first = stored(page, "The very first comment.")
    expect(comment(page, first.pk)).to_be_focused()
    expect(page.locator(".no-comments")).to_have_count(0)
    expect_same_document(page)
