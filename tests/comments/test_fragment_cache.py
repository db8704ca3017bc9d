"""The per-comment fragment cache (forum/comments/rendering.py), on the suite's shared cache (local memory on
SQLite, Redis in the PostgreSQL pass): no stale page after a write, fragments reused between pages and
readers, nothing of one viewer in another's page."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from forum.comments import posting, rendering
from forum.comments.models import Comment
from forum.moderation import closing, services
from tests.factories import CommentFactory, EditorFactory

pytestmark = pytest.mark.django_db

PAGE = "/articles/belarus-urges-truce/"
HIDDEN_NOTICE = "This comment was hidden by a moderator."


class SpyCache:
    """The shared cache, with a record of the fragments it was asked for and given."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.stored: dict[str, str] = {}

    def get_many(self, keys):
        found = cache.get_many(keys)
        self.found.extend(found)
        return found

    def set_many(self, data, timeout):
        self.stored.update(data)
        return cache.set_many(data, timeout=timeout)


@pytest.fixture
def spy(monkeypatch) -> SpyCache:
    spy = SpyCache()
    monkeypatch.setattr(rendering, "cache", spy)
    return spy


@pytest.fixture
def renders(monkeypatch) -> list[int]:
    """The comments whose shared part was rendered (not taken from the cache)."""
    rendered: list[int] = []
    render_shared = rendering.render_shared

    def counting(node, links):
        rendered.append(node.comment.pk)
        return render_shared(node, links)

    monkeypatch.setattr(rendering, "render_shared", counting)
    return rendered


@pytest.fixture
def comment(article, reader) -> Comment:
    return CommentFactory(article=article, author=reader, body="Alice's first word.")


def page(client, user=None, url=PAGE, **headers) -> str:
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


def comment_html(html: str, pk: int) -> str:
    """The comment's own <article> up to its actions (its shared part and this viewer's note and actions)."""
    match = re.search(rf'<article [^>]*id="comment-{pk}".*?<div class="reply-slot"', html, re.S)
    assert match, f"comment {pk} is not on the page"
    return match.group(0)


# -- no stale page ------------------------------------------------------------------------------------
def test_a_new_reply_shows_at_once(client, comment, other_reader, moderator):
    page(client, other_reader)

    posting.post_comment(article=comment.article, author=moderator, body="Charlie replies.", parent=comment)

    assert "Charlie replies." in page(client, other_reader)


def test_an_edit_shows_at_once(client, comment, reader, other_reader):
    page(client, other_reader)

    posting.edit_comment(comment=comment, user=reader, body="Alice thinks again.")

    html = comment_html(page(client, other_reader), comment.pk)
    assert "Alice thinks again." in html
    assert "first word" not in html
    assert 'class="comment-edited"' in html


def test_a_hide_shows_at_once(client, comment, other_reader, moderator):
    page(client, other_reader)

    services.hide(comment=comment, actor=moderator, reason="abuse")

    html = page(client, other_reader)
    assert "first word" not in html
    assert HIDDEN_NOTICE in html


def test_a_vote_shows_at_once(client, comment, other_reader, moderator):
    page(client, other_reader)

    posting.toggle_vote(comment=Comment.objects.get(pk=comment.pk), user=moderator)

    assert '<span class="vote-score">1</span>' in comment_html(page(client, other_reader), comment.pk)


def test_a_delete_shows_at_once(client, comment, reader, other_reader):
    CommentFactory(parent=comment, author=other_reader, body="Bob answers.")
    page(client, other_reader)

    posting.delete_comment(comment=Comment.objects.get(pk=comment.pk), user=reader)

    html = page(client, other_reader)
    assert "This comment was deleted." in comment_html(html, comment.pk)
    assert "first word" not in html
    assert "Bob answers." in html


def test_an_authors_new_name_shows_at_once(client, comment, reader, other_reader):
    page(client, other_reader)

    reader.display_name = "Alice Liddell"
    reader.save()

    assert '<span class="comment-author" dir="auto">Alice Liddell</span>' in page(client, other_reader)


def test_an_authors_staff_badge_shows_at_once(client, comment, reader, other_reader):
    page(client, other_reader)

    reader.is_staff = True
    reader.save(update_fields=["is_staff"])

    assert '<span class="staff-badge">Staff</span>' in comment_html(page(client, other_reader), comment.pk)


def test_an_article_closed_shows_at_once(client, comment, article, other_reader, moderator):
    page(client, other_reader)

    closing.close_comments(article=article, actor=moderator)

    html = page(client, other_reader)
    assert 'class="discussion-closed"' in html
    assert 'id="comment-form"' not in html


def test_an_article_moved_to_a_new_address_changes_the_permalinks(client, comment, article, other_reader):
    page(client, other_reader)

    article.slug = "truce-urged"
    article.save()

    html = page(client, other_reader, url="/articles/truce-urged/")
    assert f'class="comment-permalink" href="/articles/truce-urged/comments/{comment.pk}/"' in html


# -- reuse ----------------------------------------------------------------------------------------------
def test_the_second_page_takes_every_fragment_from_the_cache(
    client, comment, other_reader, moderator, renders, spy
):
    reply = CommentFactory(parent=comment, author=other_reader, body="Bob answers.")
    page(client, other_reader)
    assert sorted(renders) == [comment.pk, reply.pk]

    renders.clear()
    page(client, moderator)  # another reader, the same fragments

    assert renders == []
    assert len(spy.found) == 2


def test_a_write_renders_the_fragments_again(client, comment, reader, other_reader, renders):
    page(client, other_reader)
    renders.clear()

    posting.edit_comment(comment=comment, user=reader, body="Alice thinks again.")
    page(client, other_reader)

    assert renders == [comment.pk]


def test_a_new_reply_renders_only_its_own_fragment(client, comment, reader, other_reader, renders):
    page(client, other_reader)
    renders.clear()

    reply = posting.post_comment(article=comment.article, author=other_reader, body="Bob.", parent=comment)
    page(client, other_reader)

    assert renders == [reply.pk]


def test_a_new_release_renders_every_fragment_again(client, comment, other_reader, settings, renders):
    page(client, other_reader)
    renders.clear()
    settings.PAGE_CACHE_RELEASE = "next"

    page(client, other_reader)

    assert renders == [comment.pk]


def test_the_fragment_cache_can_be_turned_off(client, comment, other_reader, settings, renders, spy):
    settings.COMMENTS_FRAGMENT_CACHE_SECONDS = 0

    page(client, other_reader)
    page(client, other_reader)

    assert renders == [comment.pk, comment.pk]
    assert spy.stored == {}


def test_the_page_renders_while_the_cache_is_down(client, comment, other_reader, settings, renders):
    settings.CACHES = {
        "default": {
            "BACKEND": "forum.lib.cache.FailSafeRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }

    first, second = page(client, other_reader), page(client, other_reader)

    assert "first word" in first and "first word" in second
    assert renders == [comment.pk, comment.pk]


# -- no leak ---------------------------------------------------------------------------------------------
def test_a_moderators_page_leaks_nothing_to_a_reader(
    client, comment, article, reader, other_reader, moderator
):
    CommentFactory(parent=comment, author=other_reader, body="Bob answers.")
    services.hide(comment=comment, actor=moderator, reason="abuse", note="Internal note")
    moderators = page(client, moderator)
    assert "first word" in moderators and ">Unhide<" in moderators

    for user in (None, other_reader):
        html = page(client, user)

        assert "first word" not in html
        assert HIDDEN_NOTICE in html
        assert ">Unhide<" not in html and ">Hide<" not in html and ">Lock replies<" not in html
        assert "moderation-note" not in html


def test_an_authors_page_leaks_no_edit_or_delete_to_another_reader(client, comment, reader, other_reader):
    authors = page(client, reader)
    assert "data-edit" in authors and ">Delete<" in authors

    html = page(client, other_reader)

    assert "data-edit" not in html
    assert ">Delete<" not in html
    assert 'class="vote-form"' in html  # and bob's own actions are there


def test_one_sessions_csrf_token_never_reaches_another(client, comment, reader, other_reader):
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page(client, reader)))
    tokens |= set(re.findall(r'"X-CSRFToken": "([^"]+)"', page(client, reader)))
    assert tokens

    html = page(client, other_reader)

    assert not any(token in html for token in tokens)


def test_fragments_never_hold_a_csrf_token_or_a_viewers_controls(client, comment, reader, moderator, spy):
    CommentFactory(article=comment.article, author=EditorFactory(), body="The newsroom.")
    page(client, reader)
    page(client, moderator)

    assert spy.stored
    for html in spy.stored.values():
        assert "csrf" not in html.lower()
        assert "comment-actions" not in html
        assert "moderation-note" not in html
        assert "<form" not in html


def test_messages_are_not_cached(client, comment, reader, other_reader):
    client.force_login(reader)
    response = client.post(reverse("profile"), {"display_name": "Alice Liddell", "language": ""}, follow=True)
    assert "Your profile was saved." in response.content.decode()
    page(client, reader)

    html = page(client, other_reader)

    assert "Your profile was saved." not in html
    assert "Alice Liddell" in html


def test_a_ukrainian_fragment_is_not_served_to_an_english_reader(client, comment, other_reader, moderator):
    CommentFactory(article=comment.article, author=EditorFactory(), body="The newsroom.")
    ukrainian = page(client, other_reader, HTTP_ACCEPT_LANGUAGE="uk")
    assert "Редакція" in ukrainian

    html = page(client, moderator, HTTP_ACCEPT_LANGUAGE="en")

    assert '<span class="staff-badge">Staff</span>' in html
    assert "Редакція" not in html


# -- queries --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["anonymous", "reader", "other_reader", "moderator"])
@pytest.mark.parametrize("warm", [False, True])
def test_the_page_stays_within_ten_queries(
    client, comment, other_reader, moderator, request, persona, warm, django_assert_max_num_queries
):
    services.hide(
        comment=CommentFactory(parent=comment, author=other_reader), actor=moderator, reason="abuse"
    )
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    if warm:
        page(client, user, url=f"{PAGE}?sort=newest")  # the fragments, not this page, are cached
    client.logout()
    if user is not None:
        client.force_login(user)

    with django_assert_max_num_queries(10):
        response = client.get(PAGE)

    assert response.status_code == 200
