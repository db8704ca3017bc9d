import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from forum.comments import posting
from forum.comments.models import Comment
from forum.comments.signals import comment_status_changed
from forum.moderation import services
from forum.moderation.models import Appeal, ModerationAction, Report
from tests.factories import CommentFactory, EditorFactory
from tests.moderation.conftest import refresh

pytestmark = pytest.mark.django_db
Status = Comment.Status
Kind = ModerationAction.Kind


def test_hide_changes_status_and_writes_the_log(comment, moderator):
    records = services.hide(comment=comment, actor=moderator, reason="abuse", note="Insults in line 2")

    assert refresh(comment).status == Status.HIDDEN
    entry = ModerationAction.objects.get()
    assert records == [entry]
    assert (entry.kind, entry.actor, entry.comment_id, entry.reason, entry.note) == (
        Kind.HIDE,
        moderator,
        comment.pk,
        "abuse",
        "Insults in line 2",
    )
    assert (entry.status_before, entry.status_after) == ("published", "hidden")
    assert (entry.target_user, entry.target_name, entry.actor_name) == (comment.author, "alice", "charlie")
    assert entry.article_id == comment.article_id


def test_hide_keeps_the_tree_intact(comment, reply, moderator):
    before = list(
        Comment.objects.order_by("pk").values_list("pk", "tree_id", "lft", "rght", "level", "parent_id")
    )

    services.hide(comment=comment, actor=moderator, reason="abuse")

    after = list(
        Comment.objects.order_by("pk").values_list("pk", "tree_id", "lft", "rght", "level", "parent_id")
    )
    assert after == before
    assert refresh(reply).status == Status.PUBLISHED


def test_hide_updates_the_callers_instance(comment, moderator):
    services.hide(comment=comment, actor=moderator, reason="spam")

    assert comment.status == Status.HIDDEN


def test_hide_refreshes_the_article_count(article, reader, other_reader, moderator):
    first = posting.post_comment(article=article, author=reader, body="One")
    posting.post_comment(article=article, author=other_reader, body="Two")
    assert refresh(article).comment_count == 2

    services.hide(comment=first, actor=moderator, reason="off_topic")

    assert refresh(article).comment_count == 1


def test_hide_sends_comment_status_changed(comment, moderator):
    changes = []
    comment_status_changed.connect(lambda sender, **kw: changes.append(kw), weak=False, dispatch_uid="t")
    try:
        services.hide(comment=comment, actor=moderator, reason="abuse")
    finally:
        comment_status_changed.disconnect(dispatch_uid="t")

    assert [(c["old_status"], c["new_status"], c["actor"]) for c in changes] == [
        ("published", "hidden", moderator)
    ]
    assert [c["reason"] for c in changes] == ["Abuse"]  # in words: listeners show it to the author


def test_hide_subtree_hides_published_replies_only(comment, reply, other_reader, moderator):
    deep = CommentFactory(parent=reply, author=other_reader)
    pending = CommentFactory(parent=reply, author=other_reader, status=Status.PENDING)

    records = services.hide(comment=comment, actor=moderator, reason="abuse", subtree=True)

    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert statuses == {
        comment.pk: Status.HIDDEN,
        reply.pk: Status.HIDDEN,
        deep.pk: Status.HIDDEN,
        pending.pk: Status.PENDING,
    }
    assert sorted(r.comment_id for r in records) == sorted([comment.pk, reply.pk, deep.pk])


def test_hide_without_subtree_leaves_replies(comment, reply, moderator):
    services.hide(comment=comment, actor=moderator, reason="abuse", subtree=False)

    assert refresh(reply).status == Status.PUBLISHED


@pytest.mark.parametrize("reason", ["", "illegal", "rude", None])
def test_hide_refuses_a_reason_outside_the_list(comment, moderator, reason):
    with pytest.raises(ValidationError) as error:
        services.hide(comment=comment, actor=moderator, reason=reason)

    assert error.value.message_dict == {"reason": ["Choose a reason from the list."]}
    assert refresh(comment).status == Status.PUBLISHED
    assert not ModerationAction.objects.exists()


def test_hide_refuses_an_overlong_note(comment, moderator):
    with pytest.raises(ValidationError) as error:
        services.hide(comment=comment, actor=moderator, reason="abuse", note="x" * 1001)

    assert list(error.value.message_dict) == ["note"]
    assert refresh(comment).status == Status.PUBLISHED


def test_hide_twice_is_refused_and_logged_once(comment, moderator):
    services.hide(comment=comment, actor=moderator, reason="abuse")

    with pytest.raises(ValidationError, match="already hidden"):
        services.hide(comment=comment, actor=moderator, reason="abuse")

    assert ModerationAction.objects.count() == 1


def test_hide_refuses_a_comment_its_author_deleted(comment, moderator):
    Comment.objects.filter(pk=comment.pk).update(status=Status.DELETED, body="")

    with pytest.raises(ValidationError, match="deleted"):
        services.hide(comment=comment, actor=moderator, reason="abuse")


@pytest.mark.parametrize("persona", ["reader", "editor", "author"])
def test_hide_refuses_non_moderators(comment, reader, persona):
    actor = {"reader": lambda: CommentFactory().author, "editor": EditorFactory, "author": lambda: reader}[
        persona
    ]()

    with pytest.raises(PermissionDenied):
        services.hide(comment=comment, actor=actor, reason="abuse")

    assert refresh(comment).status == Status.PUBLISHED


def test_superuser_may_hide(comment, superuser):
    services.hide(comment=comment, actor=superuser, reason="abuse")

    assert refresh(comment).status == Status.HIDDEN


def test_hide_upholds_open_reports(comment, other_reader, moderator):
    report = Report.objects.create(comment=comment, reporter=other_reader, reason="abuse", weight=1)

    services.hide(comment=comment, actor=moderator, reason="abuse")

    report.refresh_from_db()
    assert (report.status, report.decided_by) == (Report.Status.UPHELD, moderator)


def test_hide_confirms_a_comment_hidden_by_reports(comment, other_reader, moderator):
    Comment.objects.filter(pk=comment.pk).update(status=Status.HIDDEN)
    Report.objects.create(comment=comment, reporter=other_reader, reason="abuse", weight=1)

    services.hide(comment=refresh(comment), actor=moderator, reason="abuse")

    entry = ModerationAction.objects.get()
    assert (entry.kind, entry.status_before, entry.status_after) == (Kind.HIDE, "hidden", "hidden")
    assert Report.objects.get().status == Report.Status.UPHELD


def test_unhide_publishes_and_dismisses_reports(comment, other_reader, moderator):
    services.hide(comment=comment, actor=moderator, reason="abuse")
    report = Report.objects.create(comment=comment, reporter=other_reader, reason="abuse", weight=1)

    services.unhide(comment=comment, actor=moderator, note="Fair criticism")

    assert refresh(comment).status == Status.PUBLISHED
    assert refresh(report).status == Report.Status.DISMISSED
    entry = ModerationAction.objects.order_by("pk").last()
    assert (entry.kind, entry.status_before, entry.status_after, entry.note) == (
        Kind.UNHIDE,
        "hidden",
        "published",
        "Fair criticism",
    )
    assert list(ModerationAction.objects.order_by("pk").values_list("kind", flat=True)) == ["hide", "unhide"]


def test_unhide_grants_an_open_appeal(comment, reader, moderator):
    services.hide(comment=comment, actor=moderator, reason="abuse")
    appeal = Appeal.objects.create(comment=comment, author=reader, text="It was a joke.")

    services.unhide(comment=comment, actor=moderator)

    assert refresh(appeal).status == Appeal.Status.GRANTED


def test_unhide_refuses_a_published_comment(comment, moderator):
    with pytest.raises(ValidationError, match="not hidden"):
        services.unhide(comment=comment, actor=moderator)

    assert not ModerationAction.objects.exists()


@pytest.mark.parametrize("status", [Status.PENDING, Status.HIDDEN, Status.SPAM])
def test_approve_publishes(article, reader, moderator, status):
    held = CommentFactory(article=article, author=reader, status=status)

    services.approve(comment=held, actor=moderator)

    assert refresh(held).status == Status.PUBLISHED
    entry = ModerationAction.objects.get()
    assert (entry.kind, entry.status_before, entry.status_after) == (Kind.APPROVE, status, "published")


def test_approve_counts_the_comment(article, reader, moderator):
    held = CommentFactory(article=article, author=reader, status=Status.PENDING)
    posting.refresh_comment_count(article.pk)
    assert refresh(article).comment_count == 0

    services.approve(comment=held, actor=moderator)

    assert refresh(article).comment_count == 1


def test_approve_keeps_a_reported_comment_and_dismisses_its_reports(comment, other_reader, moderator):
    report = Report.objects.create(comment=comment, reporter=other_reader, reason="abuse", weight=1)

    services.approve(comment=comment, actor=moderator)

    assert refresh(report).status == Report.Status.DISMISSED
    assert refresh(comment).status == Status.PUBLISHED
    assert ModerationAction.objects.get().kind == Kind.APPROVE


def test_approve_refuses_a_published_unreported_comment(comment, moderator):
    with pytest.raises(ValidationError, match="already published"):
        services.approve(comment=comment, actor=moderator)


def test_mark_spam_removes_the_comment_from_the_count(article, reader, moderator):
    spam = posting.post_comment(article=article, author=reader, body="Buy cheap watches")

    services.mark_spam(comment=spam, actor=moderator)

    assert refresh(spam).status == Status.SPAM
    assert refresh(article).comment_count == 0
    entry = ModerationAction.objects.get()
    assert (entry.kind, entry.reason) == (Kind.SPAM, "spam")


def test_mark_spam_rejects_an_open_appeal(comment, reader, moderator):
    services.hide(comment=comment, actor=moderator, reason="abuse")
    appeal = Appeal.objects.create(comment=comment, author=reader, text="Please")

    services.mark_spam(comment=comment, actor=moderator)

    assert refresh(appeal).status == Appeal.Status.REJECTED


def test_delete_for_good_removes_a_leaf_and_keeps_the_log(article, reader, moderator):
    doomed = posting.post_comment(article=article, author=reader, body="Personal address here")
    doomed_id = doomed.pk

    services.delete_for_good(comment=doomed, actor=moderator, reason="personal_data")

    assert not Comment.objects.filter(pk=doomed_id).exists()
    assert refresh(article).comment_count == 0
    entry = ModerationAction.objects.get()
    assert (entry.kind, entry.comment_id, entry.target_name, entry.status_before, entry.status_after) == (
        Kind.DELETE,
        doomed_id,
        "alice",
        "published",
        "",
    )


def test_delete_for_good_keeps_the_tree_of_the_thread_valid(comment, reply, other_reader, moderator):
    leaf = CommentFactory(parent=comment, author=other_reader)

    services.delete_for_good(comment=leaf, actor=moderator)

    comment.refresh_from_db()
    reply.refresh_from_db()
    assert (comment.lft, comment.rght, reply.lft, reply.rght) == (1, 4, 2, 3)


def test_delete_for_good_takes_an_emptied_deleted_placeholder_along(comment, reply, moderator):
    Comment.objects.filter(pk=comment.pk).update(status=Status.DELETED, body="")

    services.delete_for_good(comment=reply, actor=moderator)

    assert not Comment.objects.exists()


def test_delete_for_good_refuses_a_comment_with_replies(comment, reply, moderator):
    with pytest.raises(ValidationError, match="has replies"):
        services.delete_for_good(comment=comment, actor=moderator)

    assert Comment.objects.filter(pk=comment.pk).exists()
    assert not ModerationAction.objects.exists()


def test_delete_for_good_keeps_decided_reports_for_the_reporters_record(comment, other_reader, moderator):
    Report.objects.create(comment=comment, reporter=other_reader, reason="abuse", weight=1)

    services.delete_for_good(comment=comment, actor=moderator)

    report = Report.objects.get()
    assert (report.comment_id, report.status) == (None, Report.Status.UPHELD)


def test_bulk_applies_and_reports_what_was_skipped(comment, reply, other_reader, moderator):
    leaf = CommentFactory(article=comment.article, author=other_reader)

    result = services.bulk(comments=[comment, leaf], action="delete", actor=moderator)

    assert result.done == 1
    assert result.skipped == [
        (comment.pk, "This comment has replies; hide it instead, so that the thread stays intact.")
    ]
    assert not Comment.objects.filter(pk=leaf.pk).exists()


def test_bulk_hide_needs_a_reason(comment, moderator):
    with pytest.raises(ValidationError):
        services.bulk(comments=[comment], action="hide", actor=moderator, reason="")

    assert refresh(comment).status == Status.PUBLISHED


def test_bulk_refuses_an_unknown_action(comment, moderator):
    with pytest.raises(ValidationError):
        services.bulk(comments=[comment], action="explode", actor=moderator)


def test_delete_for_good_sends_comment_deleted(comment, moderator):
    from forum.comments.signals import comment_deleted

    events = []
    comment_deleted.connect(lambda sender, **kw: events.append(kw), weak=False, dispatch_uid="t")
    try:
        services.delete_for_good(comment=comment, actor=moderator)
    finally:
        comment_deleted.disconnect(dispatch_uid="t")

    assert [(e["comment_id"], e["actor"], e["removed"]) for e in events] == [(comment.pk, moderator, True)]
