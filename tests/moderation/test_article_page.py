"""What the article page and the other public views show of moderated comments: hidden text never reaches a
reader, the author reads it with the reason, moderators read it with the reason and who hid it."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser

from forum.comments import threads
from forum.comments.models import Comment
from forum.moderation import appeals, closing, reports, services, suspensions
from tests.factories import CommentFactory, UserFactory
from tests.moderation.conftest import veteran

pytestmark = pytest.mark.django_db

SECRET = "Alice's secret opinion about the truce."
PAGE = "/articles/belarus-urges-truce/"
PLACEHOLDER = "This comment was hidden by a moderator."


@pytest.fixture
def hidden(comment, reply, moderator):
    services.hide(comment=comment, actor=moderator, reason="abuse", note="Internal: insults Bob")
    return comment


def page_as(client, user, url=PAGE, **kwargs) -> str:
    if user is not None:
        client.force_login(user)
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    return response.content.decode()


# -- no leak ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["anonymous", "other_reader", "editor"])
def test_readers_see_the_placeholder_and_the_replies(client, hidden, request, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)

    html = page_as(client, user)

    assert SECRET not in html
    assert PLACEHOLDER in html
    assert "Bob answers Alice." in html
    assert "Internal: insults Bob" not in html


@pytest.mark.parametrize("persona", ["anonymous", "other_reader"])
def test_the_permalink_of_a_hidden_comment_does_not_leak(client, hidden, request, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)

    html = page_as(client, user, f"{PAGE}comments/{hidden.pk}/")

    assert SECRET not in html
    assert "Alice's secret" not in html  # not even truncated, e.g. in the meta description
    assert PLACEHOLDER in html


def test_the_permalink_of_a_reply_does_not_quote_its_hidden_parent(client, hidden, reply):
    html = page_as(client, None, f"{PAGE}comments/{reply.pk}/")

    assert "Alice's secret" not in html
    assert "A hidden comment" in html


def test_fragments_do_not_leak(client, hidden):
    thread = page_as(client, None, f"{PAGE}comments/threads/", headers={"HX-Request": "true"})
    continuation = page_as(
        client, None, f"{PAGE}comments/{hidden.pk}/thread/", headers={"HX-Request": "true"}
    )

    assert SECRET not in thread
    assert "Alice's secret" not in continuation


def test_the_feed_and_sitemap_do_not_leak(client, hidden):
    feed = page_as(client, None, "/articles/feed/")
    sitemap = page_as(client, None, "/sitemap.xml")

    assert "Alice's secret" not in feed
    assert "Alice's secret" not in sitemap


def test_a_spam_comment_with_replies_does_not_leak(client, comment, reply, moderator):
    services.mark_spam(comment=comment, actor=moderator)

    page = page_as(client, None)
    permalink = page_as(client, None, f"{PAGE}comments/{reply.pk}/")

    assert "Alice's secret" not in page
    assert "Alice's secret" not in permalink
    assert "Bob answers Alice." in permalink


def test_a_pending_comment_is_shown_to_its_author_only(client, article, reader, other_reader):
    CommentFactory(
        article=article, author=reader, body="Waiting for a moderator", status=Comment.Status.PENDING
    )

    assert "Waiting for a moderator" not in page_as(client, None)
    assert "Waiting for a moderator" not in page_as(client, other_reader)
    mine = page_as(client, reader)
    assert "Waiting for a moderator" in mine
    assert "awaiting moderation" in mine


def test_the_report_form_page_does_not_quote_a_hidden_comment(client, hidden, other_reader):
    html = page_as(client, other_reader, f"/moderation/comments/{hidden.pk}/report/form/")

    assert "Alice's secret" not in html


def test_the_count_follows_visibility(client, article, reader, other_reader, moderator):
    from forum.comments import posting

    posting.post_comment(article=article, author=reader, body="One")
    two = posting.post_comment(article=article, author=other_reader, body="Two")
    services.hide(comment=two, actor=moderator, reason="abuse")

    html = page_as(client, None)

    assert re.search(r"<span class=\"comment-count\"[^>]*>1 comment</span>", html)


# -- what the author and the moderators read -------------------------------------------------------
def test_the_author_reads_the_comment_with_the_reason_and_may_appeal(client, hidden, reader):
    html = page_as(client, reader)

    assert SECRET in html
    assert "Hidden from readers. Reason: Abuse." in html
    assert f'href="/moderation/comments/{hidden.pk}/appeal/form/"' in html
    assert "charlie" not in html.lower().split("<main", 1)[1]  # who hid it stays with the moderators
    assert "Internal: insults Bob" not in html


def test_the_author_never_learns_who_reported(client, comment, reader):
    reporters = [veteran(username=f"reporter{i}", display_name=f"Reporter Number {i}") for i in range(3)]
    for reporter in reporters:
        reports.report(
            comment=comment, reporter=reporter, reason="personal_data", note="It names my neighbour"
        )
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.HIDDEN

    html = page_as(client, reader)

    assert "Reason: Personal data." in html
    for reporter in reporters:
        assert reporter.username not in html
        assert reporter.display_name not in html
    assert "It names my neighbour" not in html


def test_the_author_sees_the_appeal_decision(client, hidden, reader, moderator):
    appeal = appeals.appeal(comment=hidden, author=reader, text="Irony")
    appeals.decide_appeal(appeal=appeal, actor=moderator, grant=False, reason="Plain insult")

    html = page_as(client, reader)

    assert "Your appeal: rejected. Plain insult" in html
    assert "/appeal/form/" not in html


def test_the_author_of_a_comment_filtered_as_spam_is_offered_no_appeal(comment, reader):
    from forum.moderation.viewer import hiding_notes

    comment.status = Comment.Status.SPAM  # the spam check's verdict leaves no moderator's entry in the log
    comment.save(update_fields=["status"])

    notes = hiding_notes([comment], reader, moderator=False)

    assert notes[comment.pk].can_appeal is False


def test_another_reader_is_offered_no_appeal_on_a_hidden_comment(hidden, other_reader):
    from forum.moderation.viewer import hiding_notes

    notes = hiding_notes([hidden], other_reader, moderator=True)

    assert notes[hidden.pk].can_appeal is False


def test_moderators_read_it_dimmed_with_the_reason_and_who(client, hidden, moderator):
    html = page_as(client, moderator)

    assert SECRET in html
    assert "comment--hidden" in html
    assert "Hidden by charlie: Abuse." in html
    assert f'action="/moderation/comments/{hidden.pk}/unhide/"' in html


def test_moderators_see_auto_hidden_comments_as_hidden_by_reports(client, comment, moderator):
    for _ in range(3):
        reports.report(comment=comment, reporter=veteran(), reason="spam")

    html = page_as(client, moderator)

    assert "Hidden by readers’ reports: Spam." in html


# -- the buttons -----------------------------------------------------------------------------------
def test_readers_get_a_report_link_on_others_comments(client, comment, reply, reader):
    html = page_as(client, reader)

    assert f'href="/moderation/comments/{reply.pk}/report/form/"' in html
    assert f'href="/moderation/comments/{comment.pk}/report/form/"' not in html  # their own


def test_anonymous_readers_get_no_moderation_buttons(client, comment):
    html = page_as(client, None)

    assert "/moderation/" not in html


def test_moderators_get_hide_and_lock_and_close(client, comment, moderator):
    html = page_as(client, moderator)

    assert f'href="/moderation/comments/{comment.pk}/hide/form/"' in html
    assert f'action="/moderation/comments/{comment.pk}/lock/"' in html
    assert f'action="/moderation/articles/{comment.article_id}/close/"' in html
    assert f"/moderation/comments/{comment.pk}/report/form/" not in html
    assert '<a href="/moderation/">Moderation</a>' in html


def test_editors_get_lock_and_close_but_not_hide(client, comment, editor):
    html = page_as(client, editor)

    assert f'action="/moderation/comments/{comment.pk}/lock/"' in html
    assert f'action="/moderation/articles/{comment.article_id}/close/"' in html
    assert "/hide/form/" not in html


def test_a_suspended_reader_sees_the_reason_instead_of_the_form(client, article, reader, moderator):
    suspensions.suspend(user=reader, duration="forever", reason="Threats", actor=moderator)

    html = page_as(client, reader)

    assert "Your account is suspended: Threats" in html
    assert 'id="comment-form"' not in html


def test_an_auto_closed_article_shows_the_message(client, article, reader, settings):
    from datetime import timedelta

    article.published_at -= timedelta(days=30)
    article.save(update_fields=["published_at"])
    settings.COMMENTS_CLOSE_AFTER_DAYS = 14

    html = page_as(client, reader)

    assert "14 days after publication." in html
    assert 'id="comment-form"' not in html


def test_a_closed_article_offers_moderators_to_reopen(client, article, moderator):
    closing.close_comments(article=article, actor=moderator)

    html = page_as(client, moderator)

    assert f'action="/moderation/articles/{article.pk}/reopen/"' in html


@pytest.mark.parametrize("threads_count", [1, 4])
@pytest.mark.parametrize(
    "persona,queries", [("anonymous", 4), ("other_reader", 9), ("reader", 10), ("moderator", 9)]
)
def test_the_article_page_stays_constant_in_queries(
    client,
    article,
    reader,
    other_reader,
    moderator,
    request,
    django_assert_num_queries,
    threads_count,
    persona,
    queries,
):
    for _ in range(threads_count):
        root = CommentFactory(article=article, author=reader)
        CommentFactory(parent=root, author=other_reader)
        services.hide(comment=root, actor=moderator, reason="abuse")
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    if user is not None:
        client.force_login(user)

    # The comments app's 3 (article, roots, trees with the reader's votes), the logged-in reader's session,
    # user and permissions (none for the moderator: hiding asked theirs, which the shared cache keeps,
    # forum/accounts/permissions.py), notifications' 2 (follows, unread count); moderation's: the reader's
    # suspension with the article's close-after override (1), the hiding notes when the viewer may read
    # hidden comments (1); an anonymous reader's page, on a cold page cache, the article's id first (to read
    # its discussion version before rendering). docs/architecture.md: at most 10.
    with django_assert_num_queries(queries):
        client.get(PAGE)


def test_the_moderation_context_costs_nothing_for_anonymous_readers(article, django_assert_num_queries):
    from forum.moderation.viewer import moderation_state

    CommentFactory(article=article)
    discussion = threads.discussion_page(article, AnonymousUser())

    with django_assert_num_queries(0):
        moderation_state(article, [node.comment for node in discussion.nodes], AnonymousUser())


def test_newcomers_can_report_through_the_page_link(client, comment):
    newcomer = UserFactory()
    client.force_login(newcomer)

    response = client.get(f"/moderation/comments/{comment.pk}/report/form/")

    assert response.status_code == 200
