"""The discussion with the keyboard alone: reply, cancel, collapse, load more, with focus moved sensibly."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from forum.comments.models import Comment
from tests.e2e.discussion import actions, assert_dom_matches_tree, comment, replies_toggle
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db(transaction=True)

MAX_TABS = 60


def tab_to(page: Page, target: Locator, *, backwards: bool = False) -> int:
    """Press Tab (or Shift+Tab) until `target` has the focus, as a keyboard user would."""
    handle = target.element_handle()
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if handle.evaluate("element => element === document.activeElement"):
            return presses
    raise AssertionError(f"{target} cannot be reached with the Tab key")


@pytest.fixture
def discussion(article, other_reader):
    """Bob's thread (a comment and a reply) and a second thread by Bob."""
    opening = CommentFactory(article=article, author=other_reader, body="Bob opens the discussion.")
    CommentFactory(article=article, parent=opening, author=other_reader, body="Bob adds a detail.")
    CommentFactory(article=article, author=other_reader, body="Bob starts another thread.")
    return opening


def test_reply_with_the_keyboard_moves_focus_to_the_form_then_to_the_new_reply(
    page, sign_in, reader, article, discussion
):
    sign_in(reader)
    page.goto(article.get_absolute_url())
    reply_link = actions(page, discussion.pk).get_by_role("link", name="Reply")

    tab_to(page, reply_link)
    page.keyboard.press("Enter")
    reply_box = page.locator(f"#reply-slot-{discussion.pk}").get_by_label("Reply", exact=True)
    expect(reply_box).to_be_focused()
    page.keyboard.type("Typed without a mouse.")
    tab_to(page, page.locator(f"#reply-slot-{discussion.pk}").get_by_role("button", name="Post reply"))
    page.keyboard.press("Enter")

    expect(page.locator(".comment-body", has_text="Typed without a mouse.")).to_be_visible()
    reply = Comment.objects.get(body="Typed without a mouse.")
    assert reply.parent_id == discussion.pk
    expect(comment(page, reply.pk)).to_be_focused()
    assert_dom_matches_tree(page)


def test_escape_closes_the_reply_form_and_returns_focus_to_its_reply_link(
    page, sign_in, reader, article, discussion
):
    sign_in(reader)
    page.goto(article.get_absolute_url())
    reply_link = actions(page, discussion.pk).get_by_role("link", name="Reply")
    tab_to(page, reply_link)
    page.keyboard.press("Enter")
    expect(page.locator(f"#reply-slot-{discussion.pk}").get_by_label("Reply", exact=True)).to_be_focused()
    page.keyboard.type("Second thoughts.")

    page.keyboard.press("Escape")

    expect(page.locator(f"#reply-slot-{discussion.pk} form")).to_have_count(0)
    expect(reply_link).to_be_focused()
    assert not Comment.objects.filter(body="Second thoughts.").exists()


def test_space_collapses_a_thread_and_enter_expands_it_again(page, article, discussion):
    page.goto(article.get_absolute_url())
    toggle = replies_toggle(page, discussion.pk)
    summary = toggle.locator("> summary")
    tab_to(page, summary)

    page.keyboard.press("Space")

    expect(toggle).to_have_js_property("open", False)
    expect(page.locator(".comment-body", has_text="Bob adds a detail.")).to_be_hidden()
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    expect(toggle).to_have_js_property("open", True)
    expect(page.locator(".comment-body", has_text="Bob adds a detail.")).to_be_visible()
    expect(summary).to_be_focused()


def test_load_more_with_the_keyboard_focuses_the_first_new_thread(page, article, other_reader):
    threads = [
        CommentFactory(article=article, author=other_reader, body=f"Thread {n}.") for n in range(1, 53)
    ]
    page.goto(article.get_absolute_url())
    load_more = page.get_by_role("link", name="Load more")
    load_more.focus()  # the 50 threads before it are covered by the tests above
    tab_to(
        page, page.locator(f"#comment-{threads[49].pk} > .comment-meta .comment-permalink"), backwards=True
    )
    tab_to(page, load_more)

    page.keyboard.press("Enter")

    first_new = comment(page, threads[50].pk)
    expect(first_new).to_be_focused()
    expect(page.locator("#comment-list > li > article.comment")).to_have_count(52)
    page.keyboard.press("Tab")
    expect(first_new.locator("> .comment-meta .comment-permalink")).to_be_focused()


def test_reply_again_returns_to_the_open_form_and_keeps_the_text(page, sign_in, reader, article, discussion):
    sign_in(reader)
    page.goto(article.get_absolute_url())
    reply_link = actions(page, discussion.pk).get_by_role("link", name="Reply")
    tab_to(page, reply_link)
    page.keyboard.press("Enter")
    reply_box = page.locator(f"#reply-slot-{discussion.pk}").get_by_label("Reply", exact=True)
    expect(reply_box).to_be_focused()
    page.keyboard.type("Half a thought")
    tab_to(page, reply_link, backwards=True)

    page.keyboard.press("Enter")

    expect(reply_box).to_be_focused()
    expect(reply_box).to_have_value("Half a thought")
    expect(page.locator(f"#reply-slot-{discussion.pk} form")).to_have_count(1)


def test_an_empty_reply_is_refused_in_place_with_the_focus_on_the_field(
    page, sign_in, reader, article, discussion
):
    sign_in(reader)
    page.goto(article.get_absolute_url())
    tab_to(page, actions(page, discussion.pk).get_by_role("link", name="Reply"))
    page.keyboard.press("Enter")
    slot = page.locator(f"#reply-slot-{discussion.pk}")
    expect(slot.get_by_label("Reply", exact=True)).to_be_focused()
    page.keyboard.type("   ")
    tab_to(page, slot.get_by_role("button", name="Post reply"))

    page.keyboard.press("Enter")

    field = slot.locator("textarea[name=body]")  # its label is checked in test_discussion_journey.py
    expect(slot.get_by_role("alert")).to_have_text("Write something before posting.")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(
        re.compile(r"^Write something before posting\. Markdown works")
    )
    assert Comment.objects.filter(article=article).count() == 3


def test_escape_cancels_an_edit_and_returns_focus_to_the_edit_link(
    page, sign_in, reader, article, discussion
):
    own = CommentFactory(article=article, author=reader, body="Alice's comment, *as posted*.")
    sign_in(reader)
    page.goto(article.get_absolute_url())
    edit_link = actions(page, own.pk).get_by_role("link", name="Edit")
    tab_to(page, edit_link)
    page.keyboard.press("Enter")
    edit_box = comment(page, own.pk).get_by_label("Edit your comment")
    expect(edit_box).to_be_focused()
    page.keyboard.type(" Never mind.")

    page.keyboard.press("Escape")

    expect(edit_box).to_have_count(0)
    expect(page.locator(f"#comment-{own.pk} > .comment-body")).to_have_text("Alice's comment, as posted.")
    expect(edit_link).to_be_focused()
    own.refresh_from_db()
    assert own.body == "Alice's comment, *as posted*."
    assert own.edited_at is None


def test_deleting_a_reply_with_the_keyboard_moves_focus_to_its_parent(
    page, sign_in, reader, article, discussion
):
    own = CommentFactory(article=article, parent=discussion, author=reader, body="Alice's reply.")
    sign_in(reader)
    page.goto(article.get_absolute_url())
    tab_to(page, actions(page, own.pk).get_by_role("button", name="Delete"))
    page.once("dialog", lambda dialog: dialog.accept())

    page.keyboard.press("Enter")

    expect(comment(page, own.pk)).to_have_count(0)
    expect(comment(page, discussion.pk)).to_be_focused()


def test_deleting_a_thread_with_the_keyboard_moves_focus_to_the_next_thread(
    page, sign_in, reader, article, discussion
):
    own = CommentFactory(article=article, author=reader, body="Alice's own thread.")
    last = CommentFactory(article=article, author=reader, body="Alice's last thread.")
    sign_in(reader)
    page.goto(article.get_absolute_url())
    tab_to(page, actions(page, own.pk).get_by_role("button", name="Delete"))
    page.once("dialog", lambda dialog: dialog.accept())

    page.keyboard.press("Enter")

    expect(comment(page, own.pk)).to_have_count(0)
    expect(comment(page, last.pk)).to_be_focused()


def test_an_empty_comment_is_refused_in_place_with_the_focus_on_the_field(page, sign_in, reader, article):
    sign_in(reader)
    page.goto(article.get_absolute_url())
    tab_to(page, page.get_by_label("Comment", exact=True))
    page.keyboard.type("  ")
    tab_to(page, page.get_by_role("button", name="Post comment"))

    page.keyboard.press("Enter")

    field = page.get_by_label("Comment", exact=True)
    expect(page.locator("#comment-form").get_by_role("alert")).to_have_text("Write something before posting.")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    assert not Comment.objects.filter(article=article).exists()
