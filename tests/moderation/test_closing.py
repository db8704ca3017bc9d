from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles.models import Article
from forum.comments import posting
from forum.comments.models import Comment, Vote
from forum.moderation import closing
from forum.moderation.models import DiscussionSettings, ModerationAction
from tests.factories import ArticleFactory, CommentFactory
from tests.moderation.conftest import refresh

pytestmark = pytest.mark.django_db
Kind = ModerationAction.Kind


@pytest.fixture
def old_article(db):
    return ArticleFactory(published_at=timezone.now() - timedelta(days=10))


def test_lock_replies_refuses_new_replies_below(comment, reply, other_reader, moderator):
    closing.lock_replies(comment=comment, actor=moderator, note="Heated")

    assert refresh(comment).replies_locked is True
    with pytest.raises(PermissionDenied, match="locked"):
        posting.post_comment(article=comment.article, author=other_reader, body="More", parent=reply)
    entry = ModerationAction.objects.get()
    assert (entry.kind, entry.comment_id, entry.note) == (Kind.LOCK, comment.pk, "Heated")


def test_lock_leaves_other_threads_open(comment, moderator, other_reader):
    elsewhere = CommentFactory(article=comment.article, author=other_reader)
    closing.lock_replies(comment=comment, actor=moderator)

    answer = posting.post_comment(article=comment.article, author=other_reader, body="Ok", parent=elsewhere)

    assert answer.parent == elsewhere


def test_unlock_replies(comment, moderator, other_reader):
    closing.lock_replies(comment=comment, actor=moderator)

    closing.unlock_replies(comment=comment, actor=moderator)

    assert refresh(comment).replies_locked is False
    posting.post_comment(article=comment.article, author=other_reader, body="Again", parent=comment)
    assert [e.kind for e in ModerationAction.objects.order_by("pk")] == [Kind.LOCK, Kind.UNLOCK]


def test_lock_twice_is_refused(comment, moderator):
    closing.lock_replies(comment=comment, actor=moderator)

    with pytest.raises(ValidationError):
        closing.lock_replies(comment=comment, actor=moderator)


def test_editors_may_lock_and_close(comment, editor):
    closing.lock_replies(comment=comment, actor=editor)
    closing.close_comments(article=comment.article, actor=editor)

    assert refresh(comment).replies_locked is True
    assert refresh(comment.article).comments_open is False


def test_readers_may_not_lock_or_close(comment, other_reader):
    with pytest.raises(PermissionDenied):
        closing.lock_replies(comment=comment, actor=other_reader)
    with pytest.raises(PermissionDenied):
        closing.close_comments(article=comment.article, actor=other_reader)


def test_close_comments_refuses_posts(article, moderator, reader):
    closing.close_comments(article=article, actor=moderator, note="Legal advice")

    assert refresh(article).comments_open is False
    with pytest.raises(PermissionDenied, match="closed"):
        posting.post_comment(article=article, author=reader, body="Hello")
    entry = ModerationAction.objects.get()
    assert (entry.kind, entry.article_id, entry.comment_id) == (Kind.CLOSE, article.pk, None)


def test_reopen_comments(article, moderator, reader):
    closing.close_comments(article=article, actor=moderator)

    closing.reopen_comments(article=article, actor=moderator)

    assert refresh(article).comments_open is True
    posting.post_comment(article=article, author=reader, body="Hello again")


def test_close_twice_is_refused(article, moderator):
    closing.close_comments(article=article, actor=moderator)

    with pytest.raises(ValidationError, match="already closed"):
        closing.close_comments(article=article, actor=moderator)


def test_auto_close_is_off_by_default(old_article, reader):
    comment = posting.post_comment(article=old_article, author=reader, body="Late but welcome")

    assert comment.pk is not None
    assert closing.auto_close_time(old_article) is None


def test_site_setting_closes_comments_after_n_days(old_article, reader, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 7

    with pytest.raises(PermissionDenied) as refused:
        posting.post_comment(article=old_article, author=reader, body="Too late")

    closed_on = (old_article.published_at + timedelta(days=7)).strftime("%-d %B %Y")
    assert str(refused.value) == f"Comments closed on {closed_on}, 7 days after publication."
    assert not Comment.objects.exists()


def test_the_setting_spares_recent_articles(article, reader, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 7

    comment = posting.post_comment(article=article, author=reader, body="In time")

    assert comment.pk is not None


def test_an_article_override_keeps_comments_open(old_article, reader, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 7
    DiscussionSettings.objects.create(article=old_article, close_after_days=0)

    comment = posting.post_comment(article=old_article, author=reader, body="Still open here")

    assert comment.pk is not None


def test_an_article_override_closes_sooner(old_article, reader):
    DiscussionSettings.objects.create(article=old_article, close_after_days=3)

    with pytest.raises(PermissionDenied, match="3 days after publication"):
        posting.post_comment(article=old_article, author=reader, body="Closed here")


def test_reopening_an_auto_closed_article_stops_it_closing_by_itself(
    old_article, moderator, reader, settings
):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 7

    closing.reopen_comments(article=old_article, actor=moderator)

    assert DiscussionSettings.objects.get(article=old_article).close_after_days == 0
    assert posting.post_comment(article=old_article, author=reader, body="Open again").pk is not None


def test_posting_refusal_explains_why(old_article, article, reader, moderator, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 7
    closing.close_comments(article=article, actor=moderator)

    assert closing.posting_refusal(refresh(article), reader) == "Comments are closed on this article."
    assert closing.posting_refusal(old_article, reader).startswith("Comments closed on ")
    assert closing.posting_refusal(ArticleFactory(), reader) == ""


def test_posting_refusal_gives_no_reason_on_an_unpublished_article_with_comments_open(reader):
    # An editor's preview shows the form; posting itself refuses ("This article is not published.").
    draft = ArticleFactory(status=Article.Status.DRAFT)

    assert closing.posting_refusal(draft, reader) == ""


def test_posting_refusal_for_anonymous_on_an_open_article_is_empty(article, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert closing.posting_refusal(article, AnonymousUser()) == ""


def test_voting_in_a_locked_thread_is_refused(comment, reply, other_reader, moderator):
    closing.lock_replies(comment=comment, actor=moderator)

    for target in (comment, reply):
        with pytest.raises(PermissionDenied, match="locked"):
            posting.toggle_vote(comment=refresh(target), user=other_reader)

    assert (refresh(comment).score, refresh(reply).score) == (0, 0)
    assert not Vote.objects.exists()


def test_voting_on_a_closed_article_is_refused(comment, other_reader, moderator):
    closing.close_comments(article=comment.article, actor=moderator)

    with pytest.raises(PermissionDenied, match="closed"):
        posting.toggle_vote(comment=refresh(comment), user=other_reader)

    assert not Vote.objects.exists()


def test_voting_on_an_auto_closed_article_is_refused(old_article, other_reader, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 7
    comment = CommentFactory(article=old_article)

    with pytest.raises(PermissionDenied):
        posting.toggle_vote(comment=comment, user=other_reader)

    assert not Vote.objects.exists()


def test_the_vote_endpoint_refuses_a_locked_thread_with_403(client, comment, other_reader, moderator):
    closing.lock_replies(comment=comment, actor=moderator)
    client.force_login(other_reader)

    response = client.post(f"{comment.article.get_absolute_url()}comments/{comment.pk}/vote/")

    assert response.status_code == 403
    assert "This thread is locked" in response.content.decode()
    assert not Vote.objects.exists()
