"""What notifications add to every page (the header's unread count) and to discussions (follow buttons)."""

import re

import pytest
from django.utils import timezone

from forum.notifications import following
from forum.notifications.models import Kind, Notification
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def notify(recipient, read=False):
    comment = CommentFactory()
    return Notification.objects.create(
        recipient=recipient, kind=Kind.REPLY, comment=comment, read_at=timezone.now() if read else None
    )


def test_header_shows_the_unread_count(client, reader):
    notify(reader), notify(reader), notify(reader, read=True)
    client.force_login(reader)

    response = client.get("/")

    assert re.search(r'Notifications <span class="badge">2<span', response.content.decode())


def test_header_has_no_inbox_for_visitors(client, article):
    assert b"/notifications/" not in client.get("/").content


def test_article_page_has_follow_buttons(client, reader, article):
    root = CommentFactory(article=article)
    following.set_following_thread(reader, root, True)
    client.force_login(reader)

    content = client.get(article.get_absolute_url()).content.decode()

    assert f'action="/notifications/follow/article/{article.pk}/"' in content
    assert f'action="/notifications/unfollow/thread/{root.pk}/"' in content


def test_article_author_follows_their_article_by_default(article):
    chose, _threads = following.following_on(article.author, article.pk)

    assert following.follows_article(article.author, article, chose) is True


def test_article_author_may_unfollow(article):
    following.set_following_article(article.author, article, False)

    chose, _threads = following.following_on(article.author, article.pk)
    assert following.follows_article(article.author, article, chose) is False


def test_reader_does_not_follow_an_article_unasked(reader, article):
    chose, _threads = following.following_on(reader, article.pk)

    assert following.follows_article(reader, article, chose) is False


def test_following_on_lists_the_followed_threads_of_that_article_only(reader, article):
    mine, other = CommentFactory(article=article), CommentFactory(article=article)
    elsewhere = CommentFactory()
    following.set_following_thread(reader, mine, True)
    following.set_following_thread(reader, elsewhere, True)

    assert following.following_on(reader, article.pk) == (None, {mine.pk})
    assert other.pk not in following.following_on(reader, article.pk)[1]


def test_each_thread_gets_its_own_button(client, reader, article):
    followed, other = CommentFactory(article=article), CommentFactory(article=article)
    following.set_following_thread(reader, followed, True)
    client.force_login(reader)

    content = client.get(article.get_absolute_url()).content.decode()

    assert content.count(f'action="/notifications/unfollow/thread/{followed.pk}/"') == 1
    assert content.count(f'hx-post="/notifications/follow/thread/{other.pk}/"') == 1
    assert "/thread/0/" not in content


def test_visitors_get_no_follow_buttons(client, article):
    CommentFactory(article=article)

    assert "/notifications/" not in client.get(article.get_absolute_url()).content.decode()
