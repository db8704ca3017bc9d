import re

import pytest
from django.utils import timezone

from articles.models import Article
from forum.comments.models import Comment, Vote
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def post_url(article):
    return f"/articles/{article.slug}/comments/"


def action_url(comment, action=""):
    return f"/articles/{comment.article.slug}/comments/{comment.pk}/{action + '/' if action else ''}"


def test_reader_posts_a_comment_and_is_redirected_to_it(client, article, reader):
    client.force_login(reader)

    response = client.post(post_url(article), {"body": "Well argued."})

    comment = Comment.objects.get()
    assert (comment.author, comment.body, comment.parent) == (reader, "Well argued.", None)
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.slug}/#comment-{comment.pk}"


def test_reply_posts_the_parent_field(client, article, reader):
    parent = CommentFactory(article=article)
    client.force_login(reader)

    client.post(post_url(article), {"body": "I disagree.", "parent": parent.pk})

    reply = Comment.objects.get(parent=parent)
    assert reply.body == "I disagree."


def test_empty_comment_gets_a_form_error_and_a_400(client, article, reader):
    client.force_login(reader)

    response = client.post(post_url(article), {"body": "   "})

    assert response.status_code == 400
    assert "Write something before posting." in response.content.decode()
    assert not Comment.objects.exists()


def test_too_long_comment_gets_a_form_error_and_keeps_the_text(client, article, reader):
    client.force_login(reader)

    response = client.post(post_url(article), {"body": "y" * 10_001})

    html = response.content.decode()
    assert response.status_code == 400
    assert "A comment can be at most 10,000 characters long; this one has 10,001." in html
    assert "y" * 10_001 in html


def test_reply_to_a_missing_parent_is_a_400(client, article, reader):
    client.force_login(reader)

    response = client.post(post_url(article), {"body": "Hello", "parent": 999999})

    assert response.status_code == 400
    assert "The comment you are replying to no longer exists." in response.content.decode()


def test_reply_to_a_comment_of_another_article_is_a_400(client, article, reader):
    elsewhere = CommentFactory()
    client.force_login(reader)

    response = client.post(post_url(article), {"body": "Hello", "parent": elsewhere.pk})

    assert response.status_code == 400
    assert "That comment belongs to another article." in response.content.decode()
    assert not Comment.objects.filter(article=article).exists()


def test_double_submit_stores_one_comment_and_says_so(client, article, reader):
    client.force_login(reader)
    client.post(post_url(article), {"body": "Once"})

    response = client.post(post_url(article), {"body": "Once"})

    assert response.status_code == 409
    assert "You have just posted this comment." in response.content.decode()
    assert Comment.objects.count() == 1


def test_closed_article_refuses_with_403_and_a_reason(client, reader):
    article = ArticleFactory(comments_open=False)
    client.force_login(reader)

    response = client.post(post_url(article), {"body": "Hello"})

    assert response.status_code == 403
    assert "Comments are closed on this article." in response.content.decode()


def test_draft_article_is_a_404_for_posting(client, reader):
    article = ArticleFactory(status=Article.Status.DRAFT)
    client.force_login(reader)

    assert client.post(post_url(article), {"body": "Hello"}).status_code == 404


def test_anonymous_post_is_sent_to_log_in(client, article):
    response = client.post(post_url(article), {"body": "Hello"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Comment.objects.exists()


@pytest.mark.parametrize("action", ["", "vote"])
def test_get_on_write_endpoints_is_405(client, article, reader, action):
    comment = CommentFactory(article=article)
    client.force_login(reader)

    url = post_url(article) if action == "" else action_url(comment, action)

    assert client.get(url).status_code == 405


def test_htmx_post_returns_the_thread_fragment(client, article, reader):
    parent = CommentFactory(article=article)
    client.force_login(reader)

    response = client.post(post_url(article), {"body": "Inline", "parent": parent.pk}, **HTMX)

    reply = Comment.objects.get(parent=parent)
    html = response.content.decode()
    assert response.status_code == 201
    assert html.lstrip().startswith(f'<li class="comment-item" id="thread-{parent.pk}">')
    assert f'id="comment-{reply.pk}" data-depth="1"' in html
    assert "<html" not in html


def test_htmx_form_error_answers_in_place(client, article, reader):
    client.force_login(reader)

    response = client.post(post_url(article), {"body": ""}, **HTMX)

    assert response.status_code == 400
    assert response["HX-Retarget"] == "#comment-form"
    assert "Write something before posting." in response.content.decode()


def test_article_page_renders_the_tree_as_nested_lists(client, article):
    root = CommentFactory(article=article, body="Root text")
    reply = CommentFactory(parent=root, body="Reply text")

    html = client.get(article.get_absolute_url()).content.decode()

    root_at = html.index(f'id="comment-{root.pk}" data-depth="0" data-status="published"')
    replies_at = html.index('<ol class="replies">', root_at)
    reply_at = html.index(f'id="comment-{reply.pk}" data-depth="1"', replies_at)
    assert root_at < replies_at < reply_at
    assert "<summary>1 reply</summary>" in html


def test_article_header_counts_visible_comments(client, article, reader):
    from forum.comments import posting

    client.force_login(reader)
    first = posting.post_comment(article=article, author=reader, body="One")
    posting.post_comment(article=article, author=reader, body="Two")
    posting.set_status(comment=first, status=Comment.Status.HIDDEN)

    html = client.get(article.get_absolute_url()).content.decode()

    assert '<span class="comment-count" id="comment-count">1 comment</span>' in html


def test_hidden_comment_text_is_not_in_the_page(client, article):
    hidden = CommentFactory(article=article, body="Secret insult", status=Comment.Status.HIDDEN)
    CommentFactory(parent=hidden, body="A reply that stays")

    html = client.get(article.get_absolute_url()).content.decode()

    assert "Secret insult" not in html
    assert "This comment was hidden by a moderator." in html
    assert "A reply that stays" in html


def test_permalink_shows_ancestors_the_comment_and_its_subtree(client, article):
    root = CommentFactory(article=article, body="The root")
    middle = CommentFactory(parent=root, body="The middle")
    below = CommentFactory(parent=middle, body="Below")

    response = client.get(action_url(middle))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="ancestors"' in html and "The root" in html
    assert f'class="comment comment--focus" id="comment-{middle.pk}"' in html
    assert f'id="comment-{below.pk}"' in html
    assert f'href="/articles/{article.slug}/#comment-{middle.pk}"' in html  # back to the discussion


def test_permalink_of_someone_elses_pending_comment_is_404(client, article, reader):
    pending = CommentFactory(article=article, status=Comment.Status.PENDING)
    client.force_login(reader)

    assert client.get(action_url(pending)).status_code == 404


def test_permalink_in_another_article_is_404(client, article):
    comment = CommentFactory()

    assert client.get(f"/articles/{article.slug}/comments/{comment.pk}/").status_code == 404


def test_author_edits_through_the_form(client, article, reader):
    comment = CommentFactory(article=article, author=reader, body="Before")
    client.force_login(reader)

    response = client.post(action_url(comment, "edit"), {"body": "After"})

    comment.refresh_from_db()
    assert response.status_code == 302
    assert (comment.body, comment.edited_at is not None) == ("After", True)


def test_stranger_cannot_edit(client, article, reader, other_reader):
    comment = CommentFactory(article=article, author=reader, body="Before")
    client.force_login(other_reader)

    response = client.post(action_url(comment, "edit"), {"body": "After"})

    comment.refresh_from_db()
    assert response.status_code == 403
    assert comment.body == "Before"


def test_edit_after_the_window_is_403_with_the_reason(client, article, reader):
    comment = CommentFactory(
        article=article, author=reader, created_at=timezone.now() - timezone.timedelta(minutes=16)
    )
    client.force_login(reader)

    response = client.post(action_url(comment, "edit"), {"body": "After"})

    assert response.status_code == 403
    assert "The time to edit this comment has passed." in response.content.decode()


def test_editing_a_hidden_comment_is_403_with_that_reason(client, article, reader):
    comment = CommentFactory(article=article, author=reader, body="Before", status=Comment.Status.HIDDEN)
    client.force_login(reader)

    response = client.post(action_url(comment, "edit"), {"body": "After"})

    assert response.status_code == 403
    assert "This comment is not on show, so it can no longer be edited." in response.content.decode()
    assert "time to edit" not in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Before"


def test_stranger_cannot_delete(client, article, reader, other_reader):
    comment = CommentFactory(article=article, author=reader)
    client.force_login(other_reader)

    assert client.post(action_url(comment, "delete")).status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_author_deletes_a_comment_with_replies_into_a_placeholder(client, article, reader):
    comment = CommentFactory(article=article, author=reader, body="Regret")
    CommentFactory(parent=comment, body="Still here")
    client.force_login(reader)

    client.post(action_url(comment, "delete"))

    html = client.get(article.get_absolute_url()).content.decode()
    assert "This comment was deleted." in html
    assert "Regret" not in html
    assert "Still here" in html


def test_vote_toggles_through_the_endpoint(client, article, reader, other_reader):
    comment = CommentFactory(article=article, author=other_reader)
    client.force_login(reader)

    client.post(action_url(comment, "vote"))
    comment.refresh_from_db()
    assert comment.score == 1
    client.post(action_url(comment, "vote"))
    comment.refresh_from_db()
    assert comment.score == 0


def test_voting_for_ones_own_comment_is_403(client, article, reader):
    comment = CommentFactory(article=article, author=reader)
    client.force_login(reader)

    response = client.post(action_url(comment, "vote"))

    assert response.status_code == 403
    assert not Vote.objects.exists()


def test_load_more_fragment_returns_the_next_page(client, article, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 1
    CommentFactory(article=article, body="Page one")
    CommentFactory(article=article, body="Page two")

    response = client.get(f"/articles/{article.slug}/comments/threads/?page=2", **HTMX)

    html = response.content.decode()
    assert "Page two" in html and "Page one" not in html
    assert "Load more" not in html


def test_first_page_links_to_the_second_without_javascript(client, article, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 1
    CommentFactory(article=article)
    CommentFactory(article=article)

    html = client.get(article.get_absolute_url()).content.decode()

    assert 'href="?page=2#discussion"' in html


def test_htmx_post_updates_the_header_count(client, article, reader):
    client.force_login(reader)

    response = client.post(post_url(article), {"body": "Counted"}, **HTMX)

    assert '<span class="comment-count" id="comment-count" hx-swap-oob="true">1 comment</span>' in (
        response.content.decode()
    )


def test_htmx_delete_of_a_lone_thread_sends_only_the_count(client, article, reader):
    comment = CommentFactory(article=article, author=reader)
    client.force_login(reader)

    response = client.post(action_url(comment, "delete"), **HTMX)

    assert response.content.decode().strip() == (
        '<span class="comment-count" id="comment-count" hx-swap-oob="true">0 comments</span>'
    )


# -- deleting one's own comment asks first without JavaScript ----------------------------------------
def test_delete_without_javascript_asks_on_a_page_of_its_own(client, article, reader):
    comment = CommentFactory(article=article, author=reader, body="Second thoughts")
    client.force_login(reader)

    response = client.get(action_url(comment, "delete"))

    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "comments/delete.html"
    assert "Second thoughts" in html
    assert f'<form method="post" action="{action_url(comment, "delete")}" class="delete-confirm">' in html
    assert '<button type="submit" class="secondary danger">Delete comment</button>' in html
    assert f'<a class="action" href="/articles/{article.slug}/#comment-{comment.pk}">Cancel</a>' in html
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_the_confirmation_says_that_replies_stay(client, article, reader):
    comment = CommentFactory(article=article, author=reader)
    CommentFactory(parent=comment)
    client.force_login(reader)

    html = client.get(action_url(comment, "delete")).content.decode()

    assert "Its replies stay in the discussion" in html


def test_the_confirmed_delete_removes_the_comment(client, article, reader):
    comment = CommentFactory(article=article, author=reader)
    client.force_login(reader)

    response = client.post(action_url(comment, "delete"))

    assert response["Location"] == f"/articles/{article.slug}/#discussion"
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_a_stranger_gets_no_delete_confirmation(client, article, reader, other_reader):
    comment = CommentFactory(article=article, author=reader)
    client.force_login(other_reader)

    assert client.get(action_url(comment, "delete")).status_code == 403


def test_anonymous_readers_are_sent_to_log_in_from_the_delete_confirmation(client, article, reader):
    comment = CommentFactory(article=article, author=reader)

    response = client.get(action_url(comment, "delete"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_no_confirmation_for_a_comment_already_deleted(client, article, reader):
    comment = CommentFactory(article=article, author=reader, status=Comment.Status.DELETED, body="")
    CommentFactory(parent=comment)
    client.force_login(reader)

    response = client.get(action_url(comment, "delete"))

    assert response.status_code == 403
    assert "This comment is already deleted." in response.content.decode()


def test_the_delete_button_leads_to_the_confirmation_without_javascript_and_posts_with_htmx(
    client, article, reader
):
    comment = CommentFactory(article=article, author=reader)
    client.force_login(reader)

    html = client.get(article.get_absolute_url()).content.decode()

    form = re.search(
        rf'<form class="inline-form" method="get" action="{action_url(comment, "delete")}"[^>]*>', html
    )
    assert form is not None
    assert f'hx-post="{action_url(comment, "delete")}"' in form.group(0)
    assert 'hx-confirm="Delete this comment?"' in form.group(0)
    assert re.search(r"""hx-headers='\{"X-CSRFToken": "\w+"\}'""", form.group(0))
    # Without JavaScript the form sends no token in the address.
    delete_form = html[form.start() : html.index("</form>", form.start())]
    assert "csrfmiddlewaretoken" not in delete_form


def test_htmx_delete_with_the_token_in_a_header(article, reader):
    from django.test import Client

    comment = CommentFactory(article=article, author=reader)
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    page = client.get(article.get_absolute_url()).content.decode()
    token = re.search(r'"X-CSRFToken": "(\w+)"', page).group(1)

    response = client.post(
        action_url(comment, "delete"), headers={"HX-Request": "true", "X-CSRFToken": token}
    )

    assert response.status_code == 200
    assert not Comment.objects.filter(pk=comment.pk).exists()


# -- numbers no comment can have ---------------------------------------------------------------------
HUGE = "9" * 20


@pytest.mark.parametrize("number", [HUGE, str(2**63)])
def test_a_reply_to_a_parent_number_too_large_is_refused(client, article, reader, number):
    client.force_login(reader)

    response = client.post(post_url(article), {"body": "Hello", "parent": number})

    assert response.status_code == 400
    assert "The comment you are replying to no longer exists." in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "method,action",
    [("get", ""), ("get", "reply"), ("get", "thread"), ("get", "edit"), ("post", "delete"), ("post", "vote")],
)
def test_a_comment_number_too_large_in_the_address_is_404(client, article, reader, method, action):
    client.force_login(reader)
    url = f"/articles/{article.slug}/comments/{HUGE}/{action + '/' if action else ''}"

    assert getattr(client, method)(url).status_code == 404
