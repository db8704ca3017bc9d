import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles.models import Article
from forum.comments import posting
from forum.comments.integrity import check_all_trees
from forum.comments.models import Comment, Vote
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def post(article, author, body="A considered view.", parent=None):
    return posting.post_comment(article=article, author=author, body=body, parent=parent)


def test_post_top_level_comment_roots_its_own_tree(article, reader):
    first = post(article, reader, "First")
    second = post(article, reader, "Second")

    assert (first.level, first.lft, first.rght) == (0, 1, 2)
    assert first.tree_id != second.tree_id
    assert check_all_trees() == []


def test_reply_appends_as_last_child(article, reader, other_reader):
    root = post(article, reader, "Root")
    first = post(article, other_reader, "First reply", parent=root)
    second = post(article, reader, "Second reply", parent=root)

    root.refresh_from_db()
    assert list(root.get_children()) == [first, second]
    assert (second.level, second.tree_id) == (1, root.tree_id)
    assert check_all_trees() == []


def test_post_renders_markdown_with_line_breaks_and_safe_links(article, reader):
    comment = post(article, reader, "Two lines\ntyped.\n\nNew paragraph with https://example.com/a")

    assert comment.body_html == (
        "<p>Two lines<br>\ntyped.</p>\n<p>New paragraph with "
        '<a href="https://example.com/a" rel="nofollow ugc noopener noreferrer">https://example.com/a</a></p>'
    )


@pytest.mark.parametrize("body", ["", "   \n\t  "])
def test_empty_body_is_refused(article, reader, body):
    with pytest.raises(ValidationError) as excinfo:
        post(article, reader, body)

    assert excinfo.value.message_dict == {"body": ["Write something before posting."]}
    assert not Comment.objects.exists()


def test_body_over_ten_thousand_characters_is_refused(article, reader):
    with pytest.raises(ValidationError) as excinfo:
        post(article, reader, "x" * 10_001)

    assert excinfo.value.message_dict == {
        "body": ["A comment can be at most 10,000 characters long; this one has 10,001."]
    }


def test_body_of_exactly_ten_thousand_characters_is_accepted(article, reader):
    assert len(post(article, reader, "x" * 10_000).body) == 10_000


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": Article.Status.DRAFT}, "This article is not published."),
        ({"comments_open": False}, "Comments are closed on this article."),
    ],
)
def test_closed_or_unpublished_article_refuses_comments(reader, changes, message):
    article = ArticleFactory(**changes)

    with pytest.raises(PermissionDenied, match=message):
        post(article, reader)


def test_scheduled_article_refuses_comments(reader):
    article = ArticleFactory(published_at=timezone.now() + timezone.timedelta(hours=1))

    with pytest.raises(PermissionDenied, match="This article is not published"):
        post(article, reader)


def test_anonymous_cannot_post(article):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied, match="Log in"):
        post(article, AnonymousUser())


def test_parent_in_another_article_is_refused(article, reader):
    elsewhere = CommentFactory()

    with pytest.raises(ValidationError) as excinfo:
        post(article, reader, parent=elsewhere)

    assert excinfo.value.message_dict == {"parent": ["That comment belongs to another article."]}


@pytest.mark.parametrize("status", ["hidden", "spam", "pending", "deleted"])
def test_parent_not_publicly_visible_is_refused(article, reader, status):
    parent = CommentFactory(article=article, status=status)

    with pytest.raises(ValidationError) as excinfo:
        post(article, reader, parent=parent)

    assert excinfo.value.message_dict == {"parent": ["That comment can no longer be answered."]}


def test_reply_below_a_locked_comment_is_refused(article, reader):
    locked = CommentFactory(article=article, replies_locked=True)
    child = CommentFactory(parent=locked)

    with pytest.raises(PermissionDenied, match="This thread is locked"):
        post(article, reader, parent=child)


@pytest.mark.time_machine("2027-03-01T10:00:00Z", tick=False)
def test_same_body_within_five_minutes_stores_one_comment(article, reader, time_machine):
    first = post(article, reader, "Same words")
    time_machine.move_to("2027-03-01T10:04:59Z", tick=False)

    with pytest.raises(posting.DuplicateComment) as excinfo:
        post(article, reader, "Same words")

    assert excinfo.value.existing == first
    assert excinfo.value.messages == ["You have just posted this comment."]
    assert Comment.objects.count() == 1


@pytest.mark.time_machine("2027-03-01T10:00:00Z", tick=False)
def test_same_body_on_another_article_within_five_minutes_is_refused(article, reader):
    post(article, reader, "Same words")
    elsewhere = ArticleFactory()

    with pytest.raises(posting.DuplicateComment) as excinfo:
        post(elsewhere, reader, "Same words")

    assert excinfo.value.messages[0].startswith("You posted the same text less than 5 minutes ago.")
    assert list(Comment.objects.values_list("article", flat=True)) == [article.pk]


@pytest.mark.time_machine("2027-03-01T10:00:00Z", tick=False)
def test_same_body_after_five_minutes_is_a_new_comment(article, reader, time_machine):
    post(article, reader, "Same words")
    time_machine.move_to("2027-03-01T10:05:00Z", tick=False)

    post(article, reader, "Same words")

    assert Comment.objects.count() == 2


@pytest.mark.time_machine("2027-03-01T10:00:00Z", tick=False)
def test_same_body_from_another_reader_is_a_new_comment(article, reader, other_reader):
    post(article, reader, "Same words")

    post(article, other_reader, "Same words")

    assert Comment.objects.count() == 2


def test_comment_count_follows_public_comments(article, reader):
    comment = post(article, reader)
    post(article, reader, "Another", parent=comment)
    article.refresh_from_db()
    assert article.comment_count == 2

    posting.set_status(comment=comment, status=Comment.Status.HIDDEN)

    article.refresh_from_db()
    assert article.comment_count == 1


def test_a_status_policy_holds_the_comment(article, reader, settings):
    settings.COMMENTS_STATUS_POLICIES = [*settings.COMMENTS_STATUS_POLICIES, "tests.policies.hold_everything"]

    comment = post(article, reader)

    article.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert article.comment_count == 0


def test_a_permission_policy_refuses_the_post(article, reader, settings):
    settings.COMMENTS_PERMISSION_POLICIES = ["tests.policies.refuse_everyone"]

    with pytest.raises(PermissionDenied, match="suspended"):
        post(article, reader)

    assert not Comment.objects.exists()


def test_permission_policies_are_asked_in_the_order_listed(article, reader, moderator, settings):
    from forum.moderation.models import Suspension

    settings.COMMENTS_CLOSE_AFTER_DAYS = 3
    old = ArticleFactory(published_at=timezone.now() - timezone.timedelta(days=4))
    Suspension.objects.create(user=reader, reason="Trolling", created_by=moderator)

    with pytest.raises(PermissionDenied, match="suspended"):
        post(old, reader)
    settings.COMMENTS_PERMISSION_POLICIES = list(reversed(settings.COMMENTS_PERMISSION_POLICIES))
    with pytest.raises(PermissionDenied, match="Comments closed on"):
        post(old, reader)


@pytest.mark.time_machine("2027-03-01T10:00:00Z", tick=False)
def test_author_edits_within_the_window(article, reader, time_machine):
    comment = post(article, reader, "Frist")
    time_machine.move_to("2027-03-01T10:14:00Z", tick=False)

    posting.edit_comment(comment=comment, user=reader, body="First, *corrected*")

    comment.refresh_from_db()
    assert comment.body_html == "<p>First, <em>corrected</em></p>"
    assert comment.edited_at == timezone.now()


@pytest.mark.time_machine("2027-03-01T10:00:00Z", tick=False)
def test_edit_after_the_window_is_refused(article, reader, time_machine):
    comment = post(article, reader, "Original")
    time_machine.move_to("2027-03-01T10:15:01Z", tick=False)

    with pytest.raises(PermissionDenied, match="15 minutes"):
        posting.edit_comment(comment=comment, user=reader, body="Changed")

    comment.refresh_from_db()
    assert comment.body == "Original"


def test_editing_someone_elses_comment_is_refused(article, reader, other_reader):
    comment = post(article, reader, "Mine")

    with pytest.raises(PermissionDenied, match="your own"):
        posting.edit_comment(comment=comment, user=other_reader, body="Theirs now")


def test_edit_to_empty_is_refused_and_keeps_the_text(article, reader):
    comment = post(article, reader, "Keep me")

    with pytest.raises(ValidationError):
        posting.edit_comment(comment=comment, user=reader, body="  ")

    comment.refresh_from_db()
    assert comment.body == "Keep me"


def test_delete_leaf_removes_it_and_keeps_the_tree_valid(article, reader, other_reader):
    root = post(article, other_reader, "Root")
    leaf = post(article, reader, "Leaf", parent=root)
    sibling = post(article, other_reader, "Sibling", parent=root)

    removed = posting.delete_comment(comment=leaf, user=reader)

    root.refresh_from_db()
    assert removed is True
    assert list(root.get_children()) == [sibling]
    assert check_all_trees() == []


def test_delete_with_replies_leaves_a_placeholder(article, reader, other_reader):
    parent = post(article, reader, "Parent")
    reply = post(article, other_reader, "Reply", parent=parent)

    removed = posting.delete_comment(comment=parent, user=reader)

    parent.refresh_from_db()
    assert removed is False
    assert (parent.status, parent.body, parent.body_html) == ("deleted", "", "")
    assert list(parent.get_children()) == [reply]
    assert check_all_trees() == []


def test_deleting_someone_elses_comment_is_refused(article, reader, other_reader):
    comment = post(article, reader)

    with pytest.raises(PermissionDenied):
        posting.delete_comment(comment=comment, user=other_reader)

    assert Comment.objects.filter(pk=comment.pk, status="published").exists()


def test_vote_toggles_and_drives_the_score(article, reader, other_reader):
    comment = post(article, reader)

    assert posting.toggle_vote(comment=comment, user=other_reader) is True
    assert comment.score == 1
    assert posting.toggle_vote(comment=comment, user=other_reader) is False
    assert comment.score == 0
    assert not Vote.objects.exists()


def test_one_vote_per_reader(article, reader):
    comment = post(article, reader)
    voters = UserFactory.create_batch(3)

    for voter in voters:
        posting.toggle_vote(comment=comment, user=voter)

    assert comment.score == 3
    assert Vote.objects.filter(comment=comment).count() == 3


def test_voting_for_ones_own_comment_is_refused(article, reader):
    comment = post(article, reader)

    with pytest.raises(PermissionDenied, match="your own comment"):
        posting.toggle_vote(comment=comment, user=reader)


def test_set_status_never_touches_the_tree(article, reader, other_reader):
    root = post(article, reader)
    post(article, other_reader, "Reply", parent=root)
    before = list(Comment.objects.values_list("pk", "tree_id", "lft", "rght", "level"))

    posting.set_status(comment=root, status=Comment.Status.HIDDEN)

    assert list(Comment.objects.values_list("pk", "tree_id", "lft", "rght", "level")) == before


def test_deleting_the_last_reply_of_a_deleted_comment_removes_the_placeholder(article, reader, other_reader):
    root = post(article, other_reader, "Root")
    regretted = post(article, reader, "Regretted", parent=root)
    reply = post(article, other_reader, "Reply", parent=regretted)
    posting.delete_comment(comment=regretted, user=reader)

    posting.delete_comment(comment=reply, user=other_reader)

    assert list(Comment.objects.values_list("pk", flat=True)) == [root.pk]
    assert check_all_trees() == []


def test_hidden_placeholder_stays_when_its_last_reply_is_deleted(article, reader, other_reader):
    hidden = post(article, other_reader, "Rude")
    reply = post(article, reader, "Reply", parent=hidden)
    posting.set_status(comment=hidden, status=Comment.Status.HIDDEN)

    posting.delete_comment(comment=reply, user=reader)

    assert list(Comment.objects.values_list("pk", flat=True)) == [hidden.pk]


def received(signal):
    """Collect what a signal sends while the block runs."""
    events: list[dict] = []

    class Collect:
        def __enter__(self):
            signal.connect(lambda sender, **kw: events.append(kw), weak=False, dispatch_uid="test-collect")
            return events

        def __exit__(self, *exc):
            signal.disconnect(dispatch_uid="test-collect")

    return Collect()


def test_deleting_ones_own_comment_sends_comment_deleted(article, reader, other_reader):
    from forum.comments.signals import comment_deleted

    root = post(article, reader, "Root")
    post(article, other_reader, "Reply", parent=root)

    with received(comment_deleted) as events:
        posting.delete_comment(comment=root, user=reader)

    assert [(e["comment_id"], e["actor"], e["removed"]) for e in events] == [(root.pk, reader, False)]


def test_remove_comment_deletes_a_leaf_recounts_and_sends_comment_deleted(article, reader, moderator):
    from forum.comments.signals import comment_deleted

    doomed = post(article, reader, "Doomed")
    doomed_id = doomed.pk

    with received(comment_deleted) as events:
        posting.remove_comment(comment=doomed, actor=moderator)

    assert not Comment.objects.filter(pk=doomed_id).exists()
    assert Article.objects.get(pk=article.pk).comment_count == 0
    assert [(e["comment_id"], e["actor"], e["removed"]) for e in events] == [(doomed_id, moderator, True)]


def test_remove_comment_refuses_a_comment_with_replies(article, reader, other_reader, moderator):
    root = post(article, reader, "Root")
    post(article, other_reader, "Reply", parent=root)

    with pytest.raises(ValidationError, match="has replies"):
        posting.remove_comment(comment=root, actor=moderator)

    assert Comment.objects.filter(pk=root.pk, status=Comment.Status.PUBLISHED).exists()


def test_remove_comment_refuses_a_reader(article, reader, other_reader):
    comment = post(article, reader, "Mine")

    with pytest.raises(PermissionDenied):
        posting.remove_comment(comment=comment, actor=other_reader)

    assert Comment.objects.filter(pk=comment.pk).exists()


def test_revise_comment_changes_the_text_and_sends_comment_edited(article, reader, moderator):
    from forum.comments.signals import comment_edited

    comment = post(article, reader, "Call 555-0100 for a deal")

    with received(comment_edited) as events:
        posting.revise_comment(comment=comment, actor=moderator, body="[number removed]")

    comment.refresh_from_db()
    assert (comment.body, comment.edited_at, comment.edited_by_moderator) == ("[number removed]", None, True)
    assert "[number removed]" in comment.body_html
    assert [(e["comment"].pk, e["actor"]) for e in events] == [(comment.pk, moderator)]


def test_revise_comment_with_the_same_text_changes_nothing(article, reader, moderator):
    from forum.comments.signals import comment_edited

    comment = post(article, reader, "Same words")

    with received(comment_edited) as events:
        posting.revise_comment(comment=comment, actor=moderator, body="  Same words\r\n")

    assert events == []
    assert Comment.objects.get(pk=comment.pk).edited_by_moderator is False


def test_the_authors_own_edit_clears_edited_by_moderator(article, reader, moderator):
    comment = post(article, reader, "Call 555-0100 for a deal")
    posting.revise_comment(comment=comment, actor=moderator, body="[number removed]")

    posting.edit_comment(comment=comment, user=reader, body="Ask me for my number")

    comment.refresh_from_db()
    assert (comment.body, comment.edited_by_moderator) == ("Ask me for my number", False)
    assert comment.edited_at is not None


def test_revise_comment_refuses_an_empty_body(article, reader, moderator):
    comment = post(article, reader, "Kept")

    with pytest.raises(ValidationError, match="Write something"):
        posting.revise_comment(comment=comment, actor=moderator, body="  ")

    assert Comment.objects.get(pk=comment.pk).body == "Kept"


def test_revise_comment_refuses_a_reader(article, reader, other_reader):
    comment = post(article, reader, "Kept")

    with pytest.raises(PermissionDenied):
        posting.revise_comment(comment=comment, actor=other_reader, body="Changed")

    assert Comment.objects.get(pk=comment.pk).body == "Kept"


def test_set_replies_locked_marks_the_discussion_changed(article, reader):
    from forum.comments.versions import discussion_version

    comment = post(article, reader, "Root")
    before = discussion_version(article.pk)

    posting.set_replies_locked(comment=comment, locked=True)

    assert Comment.objects.get(pk=comment.pk).replies_locked is True
    assert discussion_version(article.pk) > before


def test_set_comments_open_marks_the_discussion_changed(article):
    from forum.comments.versions import discussion_version

    before = discussion_version(article.pk)

    posting.set_comments_open(article=article, is_open=False)

    assert Article.objects.get(pk=article.pk).comments_open is False
    assert discussion_version(article.pk) > before
