"""A top-level comment posted with htmx goes where a reload shows it, for the reader's sort, among the pages
of threads on their screen; when its page is not on screen, a note links to it."""

import re

import pytest

from forum.comments.models import Comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def post_thread(client, article, **fields):
    data = {"body": "A new thread.", **fields}
    return client.post(f"/articles/{article.slug}/comments/", data, **HTMX)


def new_comment() -> Comment:
    return Comment.objects.latest("pk")


def placed(response) -> tuple[str, str]:
    return response["HX-Retarget"], response["HX-Reswap"]


def test_oldest_goes_after_the_last_thread(client, article, reader):
    CommentFactory(article=article)
    last = CommentFactory(article=article)
    client.force_login(reader)

    response = post_thread(client, article, sort="oldest", page=1)

    assert response.status_code == 201
    assert placed(response) == (f"#thread-{last.pk}", "afterend")
    assert f'<li class="comment-item" id="thread-{new_comment().pk}">' in response.content.decode()


def test_without_a_sort_the_default_oldest_applies(client, article, reader):
    last = CommentFactory(article=article)
    client.force_login(reader)

    response = post_thread(client, article)

    assert placed(response) == (f"#thread-{last.pk}", "afterend")


def test_first_thread_of_a_discussion_goes_into_the_empty_list(client, article, reader):
    client.force_login(reader)

    response = post_thread(client, article, sort="oldest", page=1)

    assert placed(response) == ("#comment-list", "afterbegin")


def test_newest_goes_first(client, article, reader):
    CommentFactory(article=article)
    client.force_login(reader)

    response = post_thread(client, article, sort="newest", page=1)

    assert placed(response) == ("#comment-list", "afterbegin")


def test_top_goes_where_its_score_puts_it(client, article, reader):
    unvoted = CommentFactory(article=article, score=0)
    CommentFactory(article=article, score=2)
    client.force_login(reader)

    response = post_thread(client, article, sort="top", page=1)

    # top: the voted thread, then the unvoted ones oldest first; the new one has no votes yet
    assert placed(response) == (f"#thread-{unvoted.pk}", "afterend")


def test_oldest_with_every_page_loaded_goes_at_the_end(client, article, reader, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 1
    CommentFactory(article=article)
    last = CommentFactory(article=article)
    client.force_login(reader)

    # no next_page: "Load more" fetched every page, nothing is left to load
    response = post_thread(client, article, sort="oldest", page=1)

    assert placed(response) == (f"#thread-{last.pk}", "afterend")


def test_oldest_with_pages_left_to_load_links_to_its_page(client, article, reader, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 1
    CommentFactory(article=article)
    CommentFactory(article=article)
    client.force_login(reader)

    response = post_thread(client, article, sort="oldest", page=1, next_page=2)

    comment = new_comment()
    html = response.content.decode()
    assert response.status_code == 201
    assert placed(response) == ("#comment-form-status", "innerHTML")
    assert "it is on page 3 of the discussion" in html
    assert f'<a href="/articles/{article.slug}/?page=3#comment-{comment.pk}">Go to your comment</a>' in html
    assert 'id="comment-count" hx-swap-oob="true">3 comments</span>' in html
    assert f'id="comment-{comment.pk}"' not in html


def test_newest_read_from_a_later_page_links_to_the_first(client, article, reader, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 1
    CommentFactory(article=article)
    CommentFactory(article=article)
    client.force_login(reader)

    response = post_thread(client, article, sort="newest", page=2, next_page=3)

    comment = new_comment()
    assert placed(response) == ("#comment-form-status", "innerHTML")
    assert f'href="/articles/{article.slug}/?sort=newest#comment-{comment.pk}"' in response.content.decode()


def test_oldest_read_from_a_later_page_goes_after_its_last_thread(client, article, reader, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    CommentFactory(article=article), CommentFactory(article=article)
    third = CommentFactory(article=article)
    client.force_login(reader)

    response = post_thread(client, article, sort="oldest", page=2)

    assert placed(response) == (f"#thread-{third.pk}", "afterend")


def test_a_thread_the_page_leaves_out_is_skipped(client, article, reader):
    shown = CommentFactory(article=article)
    CommentFactory(article=article, status=Comment.Status.SPAM)  # no replies: not rendered for readers
    client.force_login(reader)

    response = post_thread(client, article, sort="oldest", page=1)

    assert placed(response) == (f"#thread-{shown.pk}", "afterend")


def test_a_spam_thread_is_a_neighbour_for_a_moderator_who_sees_it(client, article, moderator):
    CommentFactory(article=article)
    spam = CommentFactory(article=article, status=Comment.Status.SPAM)
    client.force_login(moderator)

    response = post_thread(client, article, sort="oldest", page=1)

    assert placed(response) == (f"#thread-{spam.pk}", "afterend")


def test_a_spam_thread_kept_for_its_replies_is_a_neighbour(client, article, reader):
    CommentFactory(article=article)
    spam = CommentFactory(article=article, status=Comment.Status.SPAM)
    CommentFactory(parent=spam)
    client.force_login(reader)

    response = post_thread(client, article, sort="oldest", page=1)

    assert placed(response) == (f"#thread-{spam.pk}", "afterend")


def test_garbage_page_numbers_do_not_fail_the_post(client, article, reader):
    CommentFactory(article=article)
    client.force_login(reader)

    response = post_thread(client, article, sort="oldest", page="x", next_page="9" * 30)

    assert response.status_code == 201
    assert Comment.objects.filter(body="A new thread.").count() == 1


def test_a_reply_still_redraws_its_thread_in_place(client, article, reader):
    parent = CommentFactory(article=article)
    CommentFactory(article=article)
    client.force_login(reader)

    response = post_thread(client, article, parent=parent.pk, sort="oldest", page=1)

    assert response.status_code == 201
    assert "HX-Retarget" not in response


def form_value(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)


def test_the_comment_form_carries_the_sort_and_first_page_on_screen(client, article, reader, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 1
    for _ in range(3):
        CommentFactory(article=article)
    client.force_login(reader)

    html = client.get(f"{article.get_absolute_url()}?sort=newest&page=2").content.decode()

    assert form_value(html, "sort") == ["newest"]
    assert form_value(html, "page") == ["2"]
    assert '<input type="hidden" name="next_page" value="3" form="comment-form">' in html


def test_load_more_carries_the_next_page_for_the_comment_form(client, article, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 1
    for _ in range(3):
        CommentFactory(article=article)

    response = client.get(f"/articles/{article.slug}/comments/threads/?page=2", **HTMX)

    assert '<input type="hidden" name="next_page" value="3" form="comment-form">' in response.content.decode()


def test_the_last_page_carries_no_next_page(client, article):
    CommentFactory(article=article)

    html = client.get(article.get_absolute_url()).content.decode()

    assert 'name="next_page"' not in html


def test_a_refused_htmx_post_keeps_the_sort_and_page_in_its_form(client, article, reader):
    client.force_login(reader)

    response = post_thread(client, article, body="", sort="top", page=3)

    html = response.content.decode()
    assert response.status_code == 400
    assert (form_value(html, "sort"), form_value(html, "page")) == (["top"], ["3"])
