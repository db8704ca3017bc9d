"""Pages of threads kept in the web process's memory for an audience (forum/comments/prepared.py) and the
HTML kept with them (forum/comments/rendering.py): one page for everyone and one for moderators, with each
reader's own rows rendered for them alone, and a page of their own for a reader who sees a comment no one
else does."""

import dataclasses
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum.comments import posting, prepared, rendering, threads
from forum.comments.models import Comment
from forum.comments.versions import discussion_changed
from forum.moderation import services
from forum.notifications.following import set_following_thread
from forum.pages import build_viewer
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

PAGE = "/articles/belarus-urges-truce/"
PAGE_PARAMETERS_UNCACHED = f"{PAGE}?kept=1"  # not a page parameter: the anonymous page cache renders it
CSRF_TOKENS = re.compile(r'(value="|"X-CSRFToken": ")[A-Za-z0-9]{64}"')


@pytest.fixture
def comments(article, reader, other_reader) -> tuple[Comment, Comment]:
    """Alice's thread, and Bob's reply to it."""
    root = CommentFactory(article=article, author=reader, body="Alice opens.")
    return root, CommentFactory(parent=root, author=other_reader, body="Bob answers.")


def page(client, user=None, url=PAGE_PARAMETERS_UNCACHED) -> str:
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def actions_of(html: str, pk: int) -> str:
    match = re.search(rf'id="comment-{pk}".*?<div class="comment-actions">(.*?)</div>', html, re.S)
    assert match, f"comment {pk} has no actions on the page"
    return match.group(1)


def comment_queries(client, user=None) -> int:
    client.logout()
    if user is not None:
        client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        client.get(PAGE_PARAMETERS_UNCACHED)
    return sum(1 for q in queries if 'FROM "comments_comment"' in q["sql"] and "WITH RECURSIVE" in q["sql"])


def test_a_second_reader_gets_the_kept_page_without_the_comments_query(
    client, comments, reader, other_reader
):
    assert comment_queries(client, reader) == 1

    assert comment_queries(client, other_reader) == 0
    assert comment_queries(client) == 0
    assert len(prepared.recent_pages) == 1


def test_a_moderator_gets_a_page_kept_for_moderators(client, comments, reader, moderator):
    page(client, reader)

    assert comment_queries(client, moderator) == 1
    assert ">Hide<" in page(client, moderator)
    assert len(prepared.recent_pages) == 2


def test_a_write_retires_the_kept_page(client, comments, reader, other_reader):
    root, _ = comments
    page(client, other_reader)

    posting.post_comment(article=root.article, author=other_reader, body="Bob again.", parent=root)

    assert "Bob again." in page(client, other_reader)


def test_a_version_bumped_by_another_host_retires_the_kept_page(client, comments, other_reader):
    root, _ = comments
    page(client, other_reader)
    Comment.objects.filter(pk=root.pk).update(body_html="<p>Alice, as another host stored it.</p>")

    discussion_changed(root.article_id)

    assert "Alice, as another host stored it." in page(client, other_reader)


def test_one_readers_vote_does_not_reach_another(client, comments, reader, moderator, other_reader):
    root, _ = comments
    posting.toggle_vote(comment=root, user=other_reader)
    voters = actions_of(page(client, other_reader), root.pk)
    assert 'aria-pressed="true"' in voters

    others = actions_of(page(client, moderator), root.pk) + actions_of(page(client, reader), root.pk)
    third = actions_of(page(client, CommentFactory(article=root.article).author), root.pk)

    assert 'aria-pressed="true"' not in others + third
    assert 'aria-pressed="false"' in third


def test_an_authors_buttons_stay_on_their_own_page(client, comments, reader, other_reader):
    root, reply = comments
    authors = page(client, reader)
    assert "data-edit" in actions_of(authors, root.pk) and ">Delete<" in actions_of(authors, root.pk)

    html = page(client, other_reader)

    assert "data-edit" not in actions_of(html, root.pk) and ">Delete<" not in actions_of(html, root.pk)
    assert "data-edit" in actions_of(html, reply.pk)  # Bob's own reply
    assert 'class="vote-form"' in actions_of(html, root.pk)
    assert ">Report<" in actions_of(html, root.pk)


def test_a_followed_thread_reads_following_for_its_follower_alone(client, comments, reader, other_reader):
    root, _ = comments
    set_following_thread(other_reader, root, True)
    assert "Following thread" in actions_of(page(client, other_reader), root.pk)

    html = page(client, CommentFactory(article=root.article).author)

    assert "Following thread" not in html
    assert "Follow thread" in actions_of(html, root.pk)


def test_each_reader_gets_their_own_csrf_token_and_never_the_slot(client, comments, reader, other_reader):
    pages = [page(client, reader), page(client, other_reader)]
    tokens = [set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)) for html in pages]

    assert all(tokens)
    assert not tokens[0] & tokens[1]
    assert all(rendering.CSRF_SLOT not in html for html in pages)


def test_a_reader_with_a_pending_comment_gets_a_page_of_their_own(client, comments, other_reader, reader):
    root, _ = comments
    pending = CommentFactory(
        parent=root, author=other_reader, body="Bob, held back.", status=Comment.Status.PENDING
    )
    page(client, reader)  # everyone's page, kept

    own = page(client, other_reader)
    everyones = page(client, reader)

    assert "Bob, held back." in own and f'id="comment-{pending.pk}"' in own
    assert "Bob, held back." not in everyones
    assert len(prepared.recent_pages) == 2  # everyone's and Bob's own


def test_a_readers_own_page_is_kept_for_them(client, comments, other_reader):
    root, _ = comments
    CommentFactory(parent=root, author=other_reader, body="Bob, held back.", status=Comment.Status.PENDING)
    assert comment_queries(client, other_reader) == 1

    assert comment_queries(client, other_reader) == 0
    assert "Bob, held back." in page(client, other_reader)
    assert "Bob, held back." not in page(client)


def test_the_author_of_a_hidden_comment_still_reads_it(client, comments, reader, other_reader, moderator):
    _root, reply = comments
    services.hide(comment=reply, actor=moderator, reason="abuse")
    page(client, reader)

    assert "Bob answers." in page(client, other_reader)
    assert "Bob answers." not in page(client, reader)


def test_an_editor_who_closes_gets_the_lock_controls_and_a_reader_does_not(
    client, comments, editor, other_reader
):
    root, _ = comments
    page(client, other_reader)

    assert ">Lock replies<" in actions_of(page(client, editor), root.pk)
    assert ">Lock replies<" not in page(client, other_reader)


def test_no_page_is_kept_when_recent_pages_is_zero(client, comments, settings, other_reader):
    settings.COMMENTS_RECENT_PAGES = 0
    page(client, other_reader)

    assert comment_queries(client, other_reader) == 1
    assert len(prepared.recent_pages) == 0


def nodes_both_ways(request_factory, article, user) -> tuple[str, str]:
    """The nodes of the article page for `user`, from the kept page's parts and rendered row by row."""
    request = request_factory.get(PAGE)
    request.user = user
    discussion = threads.discussion_page(article, user)
    assert discussion.prepared is not None
    kept = rendering.render_nodes(request, discussion, build_viewer(request, discussion))
    alone = dataclasses.replace(discussion, prepared=None)
    rendered = rendering.render_nodes(request, alone, build_viewer(request, alone))
    return CSRF_TOKENS.sub("", kept), CSRF_TOKENS.sub("", rendered)


@pytest.mark.parametrize("persona", ["anonymous", "other_reader", "moderator", "editor"])
def test_the_kept_parts_make_the_same_nodes_as_rendering_every_row(
    rf, request, comments, article, reader, other_reader, moderator, persona
):
    root, _reply = comments
    posting.toggle_vote(comment=root, user=other_reader)
    set_following_thread(other_reader, root, True)
    CommentFactory(article=article, author=moderator, body="Charlie opens another thread.")
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    nodes_both_ways(rf, article, reader)  # the parts are made for Alice first

    kept, rendered = nodes_both_ways(rf, article, user)

    assert kept == rendered
    assert "Bob answers." in kept
