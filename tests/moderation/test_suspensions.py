from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from forum.comments import posting
from forum.comments.models import Comment
from forum.moderation import suspensions
from forum.moderation.models import ModerationAction, Suspension
from tests.factories import CommentFactory, EditorFactory, ModeratorFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


# The marker (unlike a fixture) stops the clock before any fixture is built, so the article, the users and the
# suspensions all live on the same clock; the time_machine fixture then moves it on.
frozen = pytest.mark.time_machine(NOW, tick=False)


@frozen
def test_suspend_for_seven_days(reader, moderator):
    suspension = suspensions.suspend(user=reader, duration="7", reason="Repeated insults", actor=moderator)

    assert (suspension.user, suspension.ends_at, suspension.reason, suspension.created_by) == (
        reader,
        NOW + timedelta(days=7),
        "Repeated insults",
        moderator,
    )
    entry = ModerationAction.objects.get()
    assert (entry.kind, entry.target_user, entry.actor, entry.note) == (
        ModerationAction.Kind.SUSPEND,
        reader,
        moderator,
        "7 days: Repeated insults",
    )


def test_suspend_for_good_has_no_end(reader, moderator):
    suspension = suspensions.suspend(user=reader, duration="forever", reason="Spam bot", actor=moderator)

    assert suspension.ends_at is None
    assert suspensions.active_suspension(reader) == suspension


def test_suspension_names_the_comment_in_the_log(comment, reader, moderator):
    suspensions.suspend(user=reader, duration="1", reason="Abuse", actor=moderator, comment=comment)

    assert ModerationAction.objects.get().comment_id == comment.pk


@frozen
def test_the_message_gives_the_end_and_the_reason(reader, moderator):
    suspensions.suspend(user=reader, duration="7", reason="Repeated insults", actor=moderator)

    with pytest.raises(PermissionDenied) as refused:
        suspensions.check_not_suspended(reader)

    assert str(refused.value) == "Your account is suspended until 7 December 2026, 12:00: Repeated insults"


def test_the_message_for_good(reader, moderator):
    suspensions.suspend(user=reader, duration="forever", reason="Spam bot", actor=moderator)

    with pytest.raises(PermissionDenied) as refused:
        suspensions.check_not_suspended(reader)

    assert str(refused.value) == "Your account is suspended: Spam bot"


@frozen
def test_a_suspension_ends_by_itself(reader, article, moderator, time_machine):
    suspensions.suspend(user=reader, duration="1", reason="Cool down", actor=moderator)

    time_machine.move_to(NOW + timedelta(days=1, seconds=1))

    assert suspensions.active_suspension(reader) is None
    comment = posting.post_comment(article=article, author=reader, body="I am back.")
    assert comment.status == Comment.Status.PUBLISHED


@frozen
def test_a_suspension_holds_until_its_end(reader, moderator, time_machine):
    suspensions.suspend(user=reader, duration="1", reason="Cool down", actor=moderator)

    time_machine.move_to(NOW + timedelta(hours=23, minutes=59))

    assert suspensions.active_suspension(reader) is not None


def test_the_longest_suspension_wins(reader, moderator):
    suspensions.suspend(user=reader, duration="1", reason="First", actor=moderator)
    longest = suspensions.suspend(user=reader, duration="30", reason="Second", actor=moderator)
    suspensions.suspend(user=reader, duration="7", reason="Third", actor=moderator)

    assert suspensions.active_suspension(reader) == longest


def test_lift_ends_a_suspension_and_logs_it(reader, moderator):
    suspension = suspensions.suspend(user=reader, duration="30", reason="Abuse", actor=moderator)

    suspensions.lift_suspension(suspension=suspension, actor=moderator, note="Apologised")

    assert suspensions.active_suspension(reader) is None
    entry = ModerationAction.objects.order_by("pk").last()
    assert (entry.kind, entry.target_user, entry.note) == (
        ModerationAction.Kind.LIFT_SUSPENSION,
        reader,
        "Apologised",
    )


@frozen
def test_lift_refuses_an_ended_suspension(reader, moderator, time_machine):
    suspension = suspensions.suspend(user=reader, duration="1", reason="Abuse", actor=moderator)
    time_machine.move_to(NOW + timedelta(days=2))

    with pytest.raises(ValidationError):
        suspensions.lift_suspension(suspension=suspension, actor=moderator)


@pytest.mark.parametrize("duration", ["2", "", "0", "-1", None])
def test_suspend_refuses_other_durations(reader, moderator, duration):
    with pytest.raises(ValidationError):
        suspensions.suspend(user=reader, duration=duration, reason="Abuse", actor=moderator)

    assert not Suspension.objects.exists()


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
def test_suspend_needs_a_short_reason(reader, moderator, reason):
    with pytest.raises(ValidationError):
        suspensions.suspend(user=reader, duration="1", reason=reason, actor=moderator)

    assert not Suspension.objects.exists()


def test_moderators_cannot_be_suspended(moderator):
    other = ModeratorFactory()

    with pytest.raises(PermissionDenied):
        suspensions.suspend(user=other, duration="1", reason="Abuse", actor=moderator)


def test_nobody_suspends_themselves(superuser):
    with pytest.raises(PermissionDenied):
        suspensions.suspend(user=superuser, duration="1", reason="Abuse", actor=superuser)


@pytest.mark.parametrize("persona", ["reader", "editor"])
def test_only_moderators_suspend(other_reader, reader, persona):
    actor = reader if persona == "reader" else EditorFactory()

    with pytest.raises(PermissionDenied):
        suspensions.suspend(user=other_reader, duration="1", reason="Abuse", actor=actor)


def test_a_moderator_suspending_themselves_is_told_so(moderator):
    with pytest.raises(PermissionDenied) as refused:
        suspensions.check_can_suspend(moderator, moderator)

    assert str(refused.value.args[0]) == "You cannot suspend yourself."


def test_suspending_a_moderator_says_to_remove_them_first(moderator):
    with pytest.raises(PermissionDenied) as refused:
        suspensions.check_can_suspend(moderator, ModeratorFactory())

    assert str(refused.value.args[0]) == (
        "Moderators cannot be suspended; remove them from the moderators first."
    )


def test_a_reader_is_refused_as_no_moderator_before_anything_else(reader):
    with pytest.raises(PermissionDenied) as refused:
        suspensions.check_can_suspend(reader, reader)

    assert str(refused.value.args[0]) == "Only moderators can do that."


def test_suspend_refuses_what_check_can_suspend_refuses_and_writes_nothing(moderator):
    with pytest.raises(PermissionDenied, match="You cannot suspend yourself"):
        suspensions.suspend(user=moderator, duration="1", reason="Abuse", actor=moderator)

    assert (Suspension.objects.exists(), ModerationAction.objects.exists()) == (False, False)


def test_a_moderator_may_suspend_a_reader_by_the_check(moderator, reader):
    assert suspensions.check_can_suspend(moderator, reader) is None


# The vetoes, through the posting functions every view and API calls.
@pytest.fixture
def suspended(reader, moderator):
    suspensions.suspend(user=reader, duration="7", reason="Repeated insults", actor=moderator)
    return reader


def test_a_suspended_reader_cannot_post(article, suspended):
    with pytest.raises(PermissionDenied, match="Repeated insults"):
        posting.post_comment(article=article, author=suspended, body="Let me in")

    assert not Comment.objects.exists()


def test_a_suspended_reader_cannot_reply(comment, suspended):
    with pytest.raises(PermissionDenied, match="suspended"):
        posting.post_comment(article=comment.article, author=suspended, body="Reply", parent=comment)


def test_a_suspended_reader_cannot_edit(article, reader, moderator):
    own = CommentFactory(article=article, author=reader, body="Before")
    suspensions.suspend(user=reader, duration="7", reason="Abuse", actor=moderator)

    with pytest.raises(PermissionDenied, match="suspended"):
        posting.edit_comment(comment=own, user=reader, body="After")

    own.refresh_from_db()
    assert own.body == "Before"


def test_a_suspended_reader_cannot_vote(article, suspended, other_reader):
    theirs = CommentFactory(article=article, author=other_reader)

    with pytest.raises(PermissionDenied, match="suspended"):
        posting.toggle_vote(comment=theirs, user=suspended)

    theirs.refresh_from_db()
    assert theirs.score == 0


def test_a_suspended_reader_may_still_delete_their_own_comment(article, reader, moderator):
    own = CommentFactory(article=article, author=reader)
    suspensions.suspend(user=reader, duration="7", reason="Abuse", actor=moderator)

    removed = posting.delete_comment(comment=own, user=reader)

    assert removed is True


def test_other_readers_are_not_affected(article, suspended, other_reader):
    comment = posting.post_comment(article=article, author=other_reader, body="Fine")

    assert comment.pk is not None
