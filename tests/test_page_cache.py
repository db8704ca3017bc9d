"""The anonymous article page, cached whole: served without a query, revalidated with ETag, never stale
after a change, never shared across the log-in boundary."""

from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from forum.comments import posting
from forum.comments.models import Comment
from forum.moderation import closing
from tests.factories import PASSWORD, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(article):
    return article.get_absolute_url()


@pytest.fixture
def comment(article, reader):
    return CommentFactory(article=article, author=reader, body="The truce will hold.")


def test_a_second_anonymous_request_is_served_without_a_query(
    client, page, comment, django_assert_num_queries
):
    first = client.get(page)

    with django_assert_num_queries(0):
        second = client.get(page)

    assert second.status_code == 200
    assert second.content == first.content
    assert "The truce will hold." in second.content.decode()


def test_the_page_carries_an_etag_and_the_time_of_the_last_change(client, page, comment):
    response = client.get(page)

    assert response["ETag"].startswith('"') and len(response["ETag"]) == 34
    assert response["Last-Modified"].endswith(" GMT")
    assert {"Cookie", "Accept-Language"} <= {value.strip() for value in response["Vary"].split(",")}


def test_a_matching_etag_gets_304_without_a_body(client, page, comment):
    etag = client.get(page)["ETag"]

    response = client.get(page, headers={"If-None-Match": etag})

    assert (response.status_code, response.content, response["ETag"]) == (304, b"", etag)


def test_a_stale_etag_gets_the_new_page(client, page, comment, other_reader, article):
    etag = client.get(page)["ETag"]
    posting.post_comment(article=article, author=other_reader, body="A new voice.", parent=comment)

    response = client.get(page, headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert "A new voice." in response.content.decode()
    assert response["ETag"] != etag


def change_reply(article, comment, reader, other_reader, moderator):
    posting.post_comment(article=article, author=other_reader, body="A late reply.", parent=comment)
    return "A late reply."


def change_edit(article, comment, reader, other_reader, moderator):
    posting.edit_comment(comment=comment, user=reader, body="The truce will not hold.")
    return "The truce will not hold."


def change_hide(article, comment, reader, other_reader, moderator):
    posting.set_status(comment=comment, status=Comment.Status.HIDDEN, actor=moderator)
    return "This comment was hidden by a moderator."


def change_vote(article, comment, reader, other_reader, moderator):
    posting.toggle_vote(comment=comment, user=other_reader)
    return '<span class="vote-score vote-score--static"><span aria-hidden="true">▲ 1</span>'


def change_delete(article, comment, reader, other_reader, moderator):
    CommentFactory(article=article, author=other_reader, parent=comment, body="A reply that stays.")
    posting.delete_comment(comment=comment, user=reader)
    return "This comment was deleted."


def change_author_name(article, comment, reader, other_reader, moderator):
    reader.display_name = "Alice Renamed"
    reader.save(update_fields=["display_name"])
    return "Alice Renamed"


def change_article(article, comment, reader, other_reader, moderator):
    article.title = "Belarus urges a longer truce"
    article.save()
    return "Belarus urges a longer truce"


@pytest.mark.parametrize(
    "change",
    [
        change_reply,
        change_edit,
        change_hide,
        change_vote,
        change_delete,
        change_author_name,
        change_article,
    ],
)
def test_no_stale_page_after_a_change(
    client, page, article, comment, reader, other_reader, moderator, change
):
    before = client.get(page).content.decode()

    shown = change(article, comment, reader, other_reader, moderator)

    assert shown not in before
    assert shown in client.get(page).content.decode()


def test_no_stale_page_after_comments_are_closed(client, page, article, comment, moderator):
    client.get(page)

    closing.close_comments(article=article, actor=moderator)

    after = client.get(page).content.decode()
    assert "Comments are closed on this article." in after


def test_a_logged_in_reader_never_gets_the_anonymous_page(client, page, comment, other_reader):
    client.get(page)  # stored, with the headers the fast path replays (tests/test_page_cache_fast_path.py)
    anonymous = client.get(page).content.decode()
    assert 'name="csrfmiddlewaretoken"' not in anonymous

    client.force_login(other_reader)
    logged_in = client.get(page).content.decode()

    assert 'name="csrfmiddlewaretoken"' in logged_in
    assert "Post comment" in logged_in


def test_a_logged_in_page_is_never_served_to_anonymous_readers(page, comment, other_reader):
    reader_client = Client()
    reader_client.force_login(other_reader)
    reader_client.get(page)

    first, again = (Client().get(page).content.decode() for _ in range(2))  # stored, then the fast path

    for anonymous in (first, again):
        assert 'name="csrfmiddlewaretoken"' not in anonymous
        assert "Log in to comment" in anonymous
        assert other_reader.display_name not in anonymous


def test_after_log_out_the_reader_gets_the_anonymous_page(client, page, comment, other_reader):
    client.post("/accounts/login/", {"login": other_reader.username, "password": PASSWORD})
    assert "Post comment" in client.get(page).content.decode()

    client.post("/accounts/logout/")
    after = client.get(page).content.decode()
    for name in [name for name, morsel in client.cookies.items() if not morsel.value]:
        del client.cookies[name]  # as a browser drops the deleted cookies: the next page is the fast path's
    later = client.get(page).content.decode()

    for page_after in (after, later):
        assert "Post comment" not in page_after
        assert "Log in to comment" in page_after


def test_a_reader_with_messages_waiting_gets_them_and_they_are_not_cached(client, page, comment, reader):
    client.get(page)
    client.post("/accounts/login/", {"login": reader.username, "password": PASSWORD})
    client.post("/accounts/logout/")

    with_message = client.get(page).content.decode()

    assert "You have signed out." in with_message
    assert "You have signed out." not in Client().get(page).content.decode()
    assert "You have signed out." not in client.get(page).content.decode()  # shown once


def test_other_query_parameters_are_not_cached(client, page, comment, django_assert_max_num_queries):
    client.get(f"{page}?utm_source=feed")

    with django_assert_max_num_queries(10) as captured:
        client.get(f"{page}?utm_source=feed")

    assert len(captured) > 0


def test_each_sort_is_a_page_of_its_own(client, page, article, reader):
    CommentFactory(article=article, author=reader, body="First in time.")
    CommentFactory(article=article, author=reader, body="Second in time.")

    oldest = client.get(f"{page}?sort=oldest").content.decode()
    newest = client.get(f"{page}?sort=newest").content.decode()

    assert oldest.index("First in time.") < oldest.index("Second in time.")
    assert newest.index("Second in time.") < newest.index("First in time.")


def test_an_unpublished_article_is_not_served_from_the_cache(client, page, article, comment):
    client.get(page)

    article.status = article.Status.DRAFT
    article.save()

    assert client.get(page).status_code == 404


def test_a_new_reader_user_does_not_change_the_page(client, page, comment, django_assert_num_queries):
    client.get(page)
    UserFactory(username="zed")

    with django_assert_num_queries(0):
        client.get(page)


def test_a_page_kept_in_the_process_is_served_reading_only_the_version(client, page, comment):
    client.get(page)  # rendered, stored in the shared cache and in this process
    with CaptureCacheReads() as reads:
        response = client.get(page)

    assert response.status_code == 200
    assert comment.body in response.content.decode()
    assert reads.keys == [f"discussion-version:{comment.article_id}"]


def test_a_page_kept_in_the_process_is_not_served_after_a_write_on_another_host(
    client, page, comment, other_reader
):
    client.get(page)
    # Another host's write: only the shared cache's version changes, this process's memory does not.
    other = posting.post_comment(article=comment.article, author=other_reader, body="From the other host")

    assert other.body in client.get(page).content.decode()


def test_a_page_kept_in_the_process_expires_with_the_page_cache(client, page, comment, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(page)

    with CaptureQueriesContext(connection) as queries:
        client.get(page)

    assert len(queries) > 0  # rendered again


def test_with_no_pages_kept_in_the_process_a_hit_reads_the_page_from_the_shared_cache(
    client, page, comment, settings
):
    settings.PAGE_CACHE_LOCAL_PAGES = 0
    client.get(page)

    with CaptureCacheReads() as reads, CaptureQueriesContext(connection) as queries:
        client.get(page)

    assert len(queries) == 0
    assert len(reads.keys) == 2 and reads.keys[0].startswith("anonymous-page:")


class CaptureCacheReads:
    """The keys read from the default cache inside the block."""

    def __enter__(self) -> "CaptureCacheReads":
        backend = caches["default"]
        read = backend.get
        self.keys: list[str] = []

        def get(key, *args, **kwargs):
            self.keys.append(key)
            return read(key, *args, **kwargs)

        self._patch = mock.patch.object(backend, "get", get)
        self._patch.start()
        return self

    def __exit__(self, *exc) -> None:
        self._patch.stop()
