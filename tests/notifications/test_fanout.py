"""Who is notified of what: every kind and every rule, through the posting functions and the eager tasks."""

import pytest

from forum.comments import posting
from forum.comments.models import Comment
from forum.comments.signals import comment_posted
from forum.notifications import following
from forum.notifications.fanout import mentioned_usernames
from forum.notifications.models import Kind, Notification, NotificationJob
from forum.notifications.tasks import fan_out
from tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


def kinds_for(user) -> list[tuple[str, int]]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", "comment_id"))


@pytest.fixture
def set_status(django_capture_on_commit_callbacks):
    def change(comment, status, actor=None, reason=""):
        with django_capture_on_commit_callbacks(execute=True):
            return posting.set_status(comment=comment, status=status, actor=actor, reason=reason)

    return change


def test_reply_notifies_the_parent_author(post, article, reader, other_reader):
    parent = post(article, reader, "The truce will hold.")

    reply = post(article, other_reader, "I doubt it.", parent=parent)

    assert kinds_for(reader) == [(Kind.REPLY, reply.pk)]


def test_reply_to_oneself_notifies_nobody_about_it(post, article, reader):
    parent = post(article, reader, "The truce will hold.")

    post(article, reader, "Adding a source.", parent=parent)

    assert kinds_for(reader) == []


def test_new_comment_in_a_followed_thread_notifies_the_follower(post, article, reader, other_reader):
    root = post(article, reader, "The truce will hold.")
    first_reply = post(article, reader, "Adding a source.", parent=root)
    follower = UserFactory(username="dora")
    following.set_following_thread(follower, root, True)

    deep_reply = post(article, other_reader, "The source is old.", parent=first_reply)

    assert kinds_for(follower) == [(Kind.THREAD, deep_reply.pk)]


def test_unfollowed_thread_notifies_no_more(post, article, reader, other_reader):
    root = post(article, reader, "The truce will hold.")
    follower = UserFactory(username="dora")
    following.set_following_thread(follower, root, True)
    following.set_following_thread(follower, root, False)

    post(article, other_reader, "I doubt it.", parent=root)

    assert kinds_for(follower) == []


def test_new_comment_on_a_followed_article_notifies_the_follower(post, article, reader):
    follower = UserFactory(username="dora")
    following.set_following_article(follower, article, True)

    comment = post(article, reader, "First!")

    assert kinds_for(follower) == [(Kind.ARTICLE, comment.pk)]


def test_article_author_follows_by_default(post, article, reader):
    comment = post(article, reader, "First!")

    assert kinds_for(article.author) == [(Kind.ARTICLE, comment.pk)]


def test_article_author_can_unfollow(post, article, reader):
    following.set_following_article(article.author, article, False)

    post(article, reader, "First!")

    assert kinds_for(article.author) == []


def test_mention_notifies_the_user_named(post, article, reader, other_reader):
    comment = post(article, reader, "What do you think, @Bob?")

    assert kinds_for(other_reader) == [(Kind.MENTION, comment.pk)]


def test_mention_of_oneself_notifies_nobody(post, article, reader):
    post(article, reader, "Note to @alice: check this.")

    assert kinds_for(reader) == []


def test_unknown_username_and_email_address_are_not_mentions(post, article, reader, other_reader):
    post(article, reader, "Write to bob@example.com or @nobody-here.")

    assert kinds_for(other_reader) == []


def test_mentions_are_capped(post, article, reader):
    users = [UserFactory(username=f"user{n}") for n in range(12)]

    post(article, reader, " ".join(f"@{u.username}" for u in users))

    assert Notification.objects.filter(kind=Kind.MENTION).count() == 10


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ("hi @bob.", ["bob"]),
        ("@bob, @Carol and @bob again", ["bob", "Carol"]),
        ("mail bob@example.com", []),
        ("(@dora.smith)", ["dora.smith"]),
        ("@", []),
    ],
)
def test_mentioned_usernames(body, names):
    assert mentioned_usernames(body) == names


def test_reader_gets_one_notification_per_comment_the_most_specific(post, article, reader, other_reader):
    parent = post(article, reader, "The truce will hold.")
    following.set_following_thread(reader, parent, True)
    following.set_following_article(reader, article, True)

    reply = post(article, other_reader, "@alice I doubt it.", parent=parent)

    assert kinds_for(reader) == [(Kind.MENTION, reply.pk)]


def test_running_a_job_again_creates_nothing_twice(post, article, reader, other_reader):
    parent = post(article, reader, "The truce will hold.")
    reply = post(article, other_reader, "I doubt it.", parent=parent)
    job = NotificationJob.objects.get(comment=reply, event=NotificationJob.Event.PUBLISHED)
    NotificationJob.objects.filter(pk=job.pk).update(state="pending")

    result = fan_out.apply(args=(job.pk,)).get()

    assert result == "done"
    assert kinds_for(reader) == [(Kind.REPLY, reply.pk)]


def test_pending_comment_is_not_announced_until_approved(
    post, article, reader, other_reader, moderator, set_status, premoderation
):
    parent = post(article, reader, "The truce will hold.")
    premoderation()
    reply = post(article, other_reader, "I doubt it.", parent=parent)
    assert kinds_for(reader) == []

    set_status(reply, Comment.Status.PUBLISHED, actor=moderator)

    assert kinds_for(reader) == [(Kind.REPLY, reply.pk)]


def test_comment_pulled_before_its_job_ran_is_not_announced(post, article, reader, other_reader):
    parent = post(article, reader, "The truce will hold.")
    reply = post(article, other_reader, "I doubt it.", parent=parent)
    Notification.objects.all().delete()
    job = NotificationJob.objects.get(comment=reply, event=NotificationJob.Event.PUBLISHED)
    NotificationJob.objects.filter(pk=job.pk).update(state="pending")
    Comment.objects.filter(pk=reply.pk).update(status=Comment.Status.SPAM)

    fan_out.apply(args=(job.pk,)).get()

    assert kinds_for(reader) == []


def test_comment_held_for_review_notifies_moderators(post, article, reader, moderator, premoderation):
    premoderation()

    comment = post(article, reader, "Please approve me.")

    assert kinds_for(moderator) == [(Kind.HELD, comment.pk)]
    assert kinds_for(reader) == []


def test_comment_held_later_notifies_moderators(post, article, reader, moderator, set_status):
    comment = post(article, reader, "Suspicious.")

    set_status(comment, Comment.Status.PENDING, actor=None, reason="Spam check: 3 links")

    assert kinds_for(moderator) == [(Kind.HELD, comment.pk)]


def test_moderator_is_not_told_about_their_own_held_comment(post, article, moderator, premoderation):
    other_moderator = ModeratorFactory(username="dana")
    premoderation()

    comment = post(article, moderator, "Held too.")

    assert kinds_for(moderator) == []
    assert kinds_for(other_moderator) == [(Kind.HELD, comment.pk)]


def test_hidden_comment_tells_its_author_why(post, article, reader, moderator, set_status):
    comment = post(article, reader, "Something rude.")

    set_status(comment, Comment.Status.HIDDEN, actor=moderator, reason="Personal attack")

    notification = Notification.objects.get(recipient=reader)
    assert (notification.kind, notification.reason, notification.actor) == (
        Kind.HIDDEN,
        "Personal attack",
        moderator,
    )


def test_hiding_twice_tells_the_author_once(post, article, reader, moderator, set_status):
    comment = post(article, reader, "Something rude.")
    set_status(comment, Comment.Status.HIDDEN, actor=moderator, reason="Personal attack")
    set_status(comment, Comment.Status.PUBLISHED, actor=moderator)

    set_status(comment, Comment.Status.HIDDEN, actor=moderator, reason="Again")

    assert kinds_for(reader) == [(Kind.HIDDEN, comment.pk)]


def test_moderator_hiding_their_own_comment_is_not_told(post, article, moderator, set_status):
    comment = post(article, moderator, "Oops.")

    set_status(comment, Comment.Status.HIDDEN, actor=moderator, reason="Mine")

    assert kinds_for(moderator) == []


def test_inactive_reader_is_not_notified(post, article, reader, other_reader):
    parent = post(article, reader, "The truce will hold.")
    reader.is_active = False
    reader.save(update_fields=["is_active"])

    post(article, other_reader, "I doubt it.", parent=parent)

    assert kinds_for(reader) == []


def test_edit_adding_a_mention_notifies_the_new_name_only(
    post, article, reader, other_reader, django_capture_on_commit_callbacks
):
    comment = post(article, reader, "Interesting, @bob.")
    dora = UserFactory(username="dora")

    with django_capture_on_commit_callbacks(execute=True):
        posting.edit_comment(comment=comment, user=reader, body="Interesting, @bob and @dora.")

    assert kinds_for(other_reader) == [(Kind.MENTION, comment.pk)]
    assert kinds_for(dora) == [(Kind.MENTION, comment.pk)]


def test_job_is_stored_with_the_comment_or_not_at_all(article, reader):
    def later_listener_fails(sender, **kwargs):
        raise RuntimeError("a later listener failed")

    comment_posted.connect(later_listener_fails, dispatch_uid="test-later-listener-fails")
    try:
        with pytest.raises(RuntimeError):
            posting.post_comment(article=article, author=reader, body="Lost with its transaction.")
    finally:
        comment_posted.disconnect(dispatch_uid="test-later-listener-fails")

    assert Comment.objects.count() == 0
    assert NotificationJob.objects.count() == 0
